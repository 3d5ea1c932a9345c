//! The results as tables and the wall see them: the server's live results,
//! shown only while the facilitator reveals them.

use leptos::prelude::*;

use crate::i18n::texts;
use crate::session::Session;
use crate::widgets::{ScoreBoard, VoteBars};

/// The live histogram and scoring results, when revealed; a word when not.
#[component]
pub fn ResultsPanel(session: Session) -> impl IntoView {
    let visible = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| w.results_visible()))
    });
    let votes = Memo::new(move |_| session.results.with(|r| r.votes.clone()));
    let scores = Memo::new(move |_| session.results.with(|r| r.scores.clone()));
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
                        <Show when=move || votes.with(Option::is_some)>
                            <VoteBars histogram=votes.into() workshop=session.workshop lang/>
                        </Show>
                        {move || scores.get().map(|results| view! { <ScoreBoard results lang/> })}
                    </section>
                }
                .into_any(),
            ),
        }
    }
}
