//! The results as tables and the wall see them: the server's live results,
//! shown only while the facilitator reveals them.

use leptos::prelude::*;

use crate::i18n::texts;
use crate::session::Session;
use crate::widgets::{ScoreBoard, VoteBars};

/// The live histogram and scoring results, when revealed; a word when not.
#[component]
pub fn ResultsPanel(session: Session, #[prop(optional)] quiet_when_hidden: bool) -> impl IntoView {
    move || {
        let lang = session.lang();
        let t = texts(lang);
        let workshop = session.workshop.get()?;
        if !workshop.results_visible() {
            return (!quiet_when_hidden).then(|| {
                view! { <p class="muted results-hidden">{t.results_hidden}</p> }.into_any()
            });
        }
        let results = session.results.get();
        let votes = results.votes.map(|histogram| {
            let workshop = workshop.clone();
            view! { <VoteBars histogram workshop lang/> }
        });
        let scores = results
            .scores
            .map(|results| view! { <ScoreBoard results lang/> });
        Some(
            view! {
                <section class="card results" aria-label=t.results>
                    <h2>{t.results}</h2>
                    {votes}
                    {scores}
                </section>
            }
            .into_any(),
        )
    }
}
