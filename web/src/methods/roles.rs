//! « Regards croisés » on the wall: the consolidated table (roles across,
//! each category of ideas down, each cell its ideas), shown at the results.
//! Drawn as escaped markup, like the other read-only drawings of the wall.

use leptos::prelude::*;
use ruche_shared::Lang;
use ruche_shared::methods::roles::{Consolidated, texts};

use crate::session::Session;
use crate::widgets::markup::escape;

/// The consolidated table of the workshop, if it has roles.
#[component]
pub fn ConsolidatedWall(session: Session) -> impl IntoView {
    let table = Memo::new(move |_| {
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| (w.config().setup().roles.clone(), w.consolidated()))
        })
    });
    let markup = move || {
        table.with(|table| {
            table
                .as_ref()
                .filter(|(_, t)| !t.rows.is_empty())
                .map(|(roles, t)| consolidated_markup(roles, t, session.lang()))
                .unwrap_or_default()
        })
    };
    view! { <figure class="consolidated" inner_html=markup></figure> }
}

fn consolidated_markup(roles: &[String], table: &Consolidated, lang: Lang) -> String {
    use std::fmt::Write;
    let mut html = format!(
        r#"<figcaption>{}</figcaption><table class="journey-map"><thead><tr><td></td>"#,
        texts::consolidated(lang)
    );
    for role in roles {
        let _ = write!(html, r#"<th scope="col">{}</th>"#, escape(role));
    }
    let _ = write!(
        html,
        r#"<th scope="col">{}</th></tr></thead><tbody>"#,
        texts::no_role(lang)
    );
    for row in &table.rows {
        let name = if row.name.is_empty() {
            texts::no_category(lang).to_owned()
        } else {
            escape(&row.name)
        };
        let _ = write!(html, r#"<tr><th scope="row">{name}</th>"#);
        for cell in &row.cells {
            html.push_str("<td><ul>");
            for (id, text) in cell {
                let _ = write!(html, r#"<li data-idea="{}">{}</li>"#, id.0, escape(text));
            }
            html.push_str("</ul></td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}
