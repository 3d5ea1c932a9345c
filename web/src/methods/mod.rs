//! # Each method's panels, one file per method
//!
//! A method's file holds what its step shows: the tablet's panel, and its
//! results on the wall, the tablets and the console, with the sentences they
//! need. The screens only hand the current step to [`tablet_panel`],
//! [`console_panel`] and [`wall_panel`], and the latest results to
//! [`results_views`]; adding a method adds a file here and an arm in each.

pub mod budget_vote;
pub mod criteria;
pub mod divergence;
pub mod dot_vote;
pub mod grouping;
pub mod journey;
pub mod paper_votes;
pub mod roles;
pub mod scoring;
pub mod spider_web;

use leptos::prelude::*;
use ruche_shared::{Lang, StepKind, TableId};

use crate::i18n::texts;
use crate::screens::results::ResultsPanel;
use crate::session::{LiveResults, Session};
use budget_vote::VoteBars;
use scoring::ScoreBoard;

/// What the tablet of `table` shows during step `step` of kind `kind`.
pub fn tablet_panel(kind: StepKind, session: Session, table: TableId, step: usize) -> AnyView {
    match kind {
        StepKind::Divergence => view! { <divergence::Divergence session table/> }.into_any(),
        StepKind::BudgetVote => view! { <budget_vote::Vote session table step/> }.into_any(),
        StepKind::Scoring => view! { <scoring::ScoringSheet session table step/> }.into_any(),
        StepKind::DotVote => view! { <dot_vote::DotVote session table step/> }.into_any(),
        StepKind::Journey => view! { <journey::JourneyTablet session table step/> }.into_any(),
        // Nothing to do on a tablet: the facilitator groups, the wall shows results.
        StepKind::Grouping | StepKind::Results => view! {
            <p class="waiting">{texts(session.lang()).waiting_for_facilitator}</p>
        }
        .into_any(),
    }
}

/// What the facilitator's console shows for the current step, under its controls.
pub fn console_panel(kind: StepKind, session: Session) -> AnyView {
    match kind {
        StepKind::Divergence => view! {
            <spider_web::CircleControls session/>
            <grouping::IdeaList session grouping=false/>
        }
        .into_any(),
        StepKind::Grouping => view! { <grouping::IdeaList session grouping=true/> }.into_any(),
        // The votes show in the console's results; the ideas stay listed, to
        // correct a typo noticed during the vote.
        StepKind::BudgetVote => view! {
            <budget_vote::BudgetWarning session/>
            <grouping::IdeaList session grouping=true voting=true/>
            <paper_votes::PaperVotes session/>
        }
        .into_any(),
        StepKind::DotVote => view! {
            <grouping::IdeaList session grouping=true voting=true/>
            <paper_votes::PaperVotes session/>
        }
        .into_any(),
        StepKind::Scoring => view! { <criteria::CriteriaWording session/> }.into_any(),
        StepKind::Journey => view! {
            <journey::StageControls session/>
            <grouping::IdeaList session grouping=false/>
        }
        .into_any(),
        StepKind::Results => ().into_any(),
    }
}

/// What the wall shows for the current step: the ideas while they are written
/// and grouped, then the results.
pub fn wall_panel(kind: StepKind, session: Session) -> AnyView {
    match kind {
        // A spider web draws its rings; any other divergence, its cards.
        StepKind::Divergence if spider_web_now(session) => {
            view! { <spider_web::Web session/> }.into_any()
        }
        StepKind::Divergence | StepKind::Grouping => {
            view! { <divergence::IdeaWall session/> }.into_any()
        }
        StepKind::Journey => view! { <journey::JourneyWall session/> }.into_any(),
        // « Regards croisés »: the consolidated table, with the results.
        StepKind::Results if roles_now(session) => view! {
            <roles::ConsolidatedWall session/>
            <ResultsPanel session/>
        }
        .into_any(),
        StepKind::BudgetVote | StepKind::Scoring | StepKind::DotVote | StepKind::Results => {
            view! { <ResultsPanel session/> }.into_any()
        }
    }
}

/// Whether the workshop gives its seats roles.
fn roles_now(session: Session) -> bool {
    session.workshop.with_untracked(|w| {
        w.as_ref()
            .is_some_and(|w| !w.config().setup().roles.is_empty())
    })
}

/// Whether the current step is a spider web.
fn spider_web_now(session: Session) -> bool {
    session.workshop.with_untracked(|w| {
        w.as_ref()
            .is_some_and(|w| w.current_circle(w.current_step()).is_some())
    })
}

/// The results of every method the workshop has reached: the histogram of
/// points, the score distributions, the dots.
pub fn results_views(results: Memo<LiveResults>, session: Session, lang: Lang) -> impl IntoView {
    let votes = Memo::new(move |_| results.with(|r| r.votes.clone()));
    let dots = Memo::new(move |_| results.with(|r| r.dots.clone()));
    view! {
        <Show when=move || votes.with(Option::is_some)>
            <VoteBars histogram=votes.into() workshop=session.workshop lang/>
        </Show>
        <Show when=move || dots.with(Option::is_some)>
            <dot_vote::DotBars tally=dots.into() workshop=session.workshop lang/>
        </Show>
        {move || results.with(|r| r.scores.clone()).map(|results| view! { <ScoreBoard results lang/> })}
    }
}
