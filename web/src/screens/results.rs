//! The results as tables and the wall see them: the server's live results,
//! shown only while the facilitator reveals them.

use leptos::prelude::*;

use crate::i18n::texts;
use crate::methods::results_views;
use crate::session::Session;

/// The live histogram and scoring results, when revealed; a word when not.
#[component]
pub fn ResultsPanel(session: Session) -> impl IntoView {
    let visible = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| w.results_visible()))
    });
    let results = Memo::new(move |_| session.results.get());
    move || {
        let lang = session.lang();
        let t = texts(lang);
        match visible.get()? {
            false => {
                Some(view! { <p class="muted results-hidden">{t.results_hidden}</p> }.into_any())
            }
            true => Some(
                view! {
                    <section class="card results" aria-label=t.results>
                        <h2>{t.results}</h2>
                        {results_views(results, session, lang)}
                    </section>
                }
                .into_any(),
            ),
        }
    }
}
