//! The console's personas card (design thinking): deal the workshop's
//! personas to the tables, or give a table a chosen one; shown only when
//! the workshop has personas.

use leptos::prelude::*;
use ruche_shared::Command;
use ruche_shared::methods::persona::{DealPersonas, GivePersona};

use crate::i18n::texts;
use crate::session::Session;

/// Who each table thinks for, and the way to change it.
#[component]
pub fn PersonasCard(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    move || {
        let (names, tables) = session.workshop.with(|w| {
            let w = w.as_ref()?;
            let names: Vec<String> = w.personas().iter().map(|p| p.name.clone()).collect();
            let tables: Vec<_> = w
                .tables()
                .iter()
                .map(|t| (t.id, t.name.clone(), t.persona))
                .collect();
            (!names.is_empty()).then_some((names, tables))
        })?;
        Some(view! {
            <section class="card personas" aria-labelledby="personas-heading">
                <h2 id="personas-heading">{t().personas_heading}</h2>
                <button id="deal-personas" class="primary"
                    on:click=move |_| { session.send(Command::DealPersonas(DealPersonas {})); }>
                    {t().deal_personas}
                </button>
                <ul class="persona-tables">
                    {tables.into_iter().map(|(table, name, persona)| {
                        let id = format!("persona-{}", table.0);
                        let options = names.clone();
                        view! {
                            <li>
                                <label for=id.clone()>{name}</label>
                                <select id=id data-table=table.0 on:change=move |ev| {
                                    let persona = event_target_value(&ev).parse().ok();
                                    session.send(Command::GivePersona(GivePersona { table, persona }));
                                }>
                                    <option value="" selected=persona.is_none()>{t().no_persona}</option>
                                    {options.into_iter().enumerate().map(|(n, label)| view! {
                                        <option value=n selected=persona == Some(n as u8)>{label}</option>
                                    }).collect_view()}
                                </select>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}
