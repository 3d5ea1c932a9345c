//! What happened ([`Event`]): the facts the engine records once a command is
//! accepted. Applying the same events in order to a new workshop rebuilds the
//! same state, which is how the server recovers from its log.
//!
//! Each event is a type owned by its method's folder (or by joining or the
//! step machine); [`Event`] only lists them, one line each, and delegates. On
//! the wire and in the log an event is one flat JSON object:
//! `{"type":"vote_set","step":2,"table":0,"item":"i3","points":2}`.

use serde::{Deserialize, Serialize};

use crate::methods::{
    EventRules, budget_vote, divergence, dot_vote, grouping, journey, paper_votes, persona,
    questions, roles, scoring, spider_web,
};
use crate::views::visibility::Audience;
use crate::workshop::{ReplayError, Workshop};
use crate::{flow, joining, notes, wall};

pub use crate::methods::scoring::ScoringItem;

/// Declares [`Event`] from one list, and its delegation to each type.
macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident($owner:ident::$ty:ident) = $name:literal, )*) => {
        /// A fact about a workshop. Each one has been checked when it was
        /// recorded; [`crate::Workshop::apply`] still refuses one that does not
        /// fit (a damaged log), changing nothing.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum Event {
            $( $(#[$doc])* $variant($owner::$ty), )*
        }

        impl Event {
            /// Every event kind's name, as it is written on the wire and in the log.
            pub const KINDS: &[&str] = &[$($name),*];

            /// This event's kind, as on the wire (`"vote_set"`).
            pub fn kind(&self) -> &'static str {
                match self {
                    $( Event::$variant(_) => $name, )*
                }
            }

            /// Who this event is meant for, before any redaction.
            pub fn audience(&self) -> Audience {
                match self {
                    $( Event::$variant(event) => event.audience(), )*
                }
            }

            /// Records the event (see [`Workshop::apply`]).
            // A match, not a `dyn` call: applying a vote is the hot path.
            pub(crate) fn apply_to(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
                match self {
                    $( Event::$variant(event) => event.apply(workshop), )*
                }
            }

            /// The event with the text of an idea that is hidden now left out.
            pub(crate) fn without_hidden_text(&self, workshop: &Workshop) -> Event {
                match self {
                    $( Event::$variant(event) => Event::$variant(event.without_hidden_text(workshop)), )*
                }
            }
        }

        $(
            impl From<$owner::$ty> for Event {
                fn from(event: $owner::$ty) -> Event {
                    Event::$variant(event)
                }
            }
        )*
    };
}

events! {
    /// A table joined and got its id.
    TableJoined(joining::TableJoined) = "table_joined",
    /// A table got a persona (or lost it).
    PersonaGiven(persona::PersonaGiven) = "persona_given",
    /// A seat took a role, or gave it back.
    RoleChosen(roles::RoleChosen) = "role_chosen",
    /// A table's own question changed.
    TableQuestionSet(questions::TableQuestionSet) = "table_question_set",
    /// A circle of a spider web opened.
    CircleOpened(spider_web::CircleOpened) = "circle_opened",
    /// A table continues on another tablet.
    TableHandedOver(joining::TableHandedOver) = "table_handed_over",
    /// Joining was locked or unlocked.
    JoiningLockedChanged(joining::JoiningLockedChanged) = "joining_locked_changed",
    /// An idea was submitted.
    IdeaSubmitted(divergence::IdeaSubmitted) = "idea_submitted",
    /// A note was added to the journey map (an idea with its place).
    NoteAdded(journey::NoteAdded) = "note_added",
    /// The stages open in a journey changed.
    StageOpened(journey::StageOpened) = "stage_opened",
    /// A table's rating of a journey stage changed.
    StageRated(journey::StageRated) = "stage_rated",
    /// An idea's text changed.
    IdeaEdited(divergence::IdeaEdited) = "idea_edited",
    /// An idea was withdrawn by its table.
    IdeaDeleted(divergence::IdeaDeleted) = "idea_deleted",
    /// A pending idea's text, for its table and the facilitator.
    PendingIdeaText(divergence::PendingIdeaText) = "pending_idea_text",
    /// A pending idea was accepted.
    IdeaAccepted(divergence::IdeaAccepted) = "idea_accepted",
    /// An idea was hidden or shown again.
    IdeaHiddenChanged(grouping::IdeaHiddenChanged) = "idea_hidden_changed",
    /// A cluster was formed.
    ClusterFormed(grouping::ClusterFormed) = "cluster_formed",
    /// A cluster got a new title.
    ClusterRenamed(grouping::ClusterRenamed) = "cluster_renamed",
    /// A cluster was dissolved.
    ClusterSplit(grouping::ClusterSplit) = "cluster_split",
    /// A table got points or dots back: the facilitator regrouped during the vote.
    VotesReturned(grouping::VotesReturned) = "votes_returned",
    /// A table's points for an item.
    VoteSet(budget_vote::VoteSet) = "vote_set",
    /// A seat's score.
    ScoreSet(scoring::ScoreSet) = "score_set",
    /// A scoring step's items were fixed.
    ScoringItemsChosen(scoring::ScoringItemsChosen) = "scoring_items_chosen",
    /// A scoring step's criteria were chosen (from its vote) or worded.
    CriteriaSet(scoring::CriteriaSet) = "criteria_set",
    /// A seat's dot on an item.
    DotSet(dot_vote::DotSet) = "dot_set",
    /// A paper group's count on an item of a vote.
    PaperVotesSet(paper_votes::PaperVotesSet) = "paper_votes_set",
    /// The workshop moved to another step.
    StepChanged(flow::StepChanged) = "step_changed",
    /// The current step opened.
    StepOpened(flow::StepOpened) = "step_opened",
    /// The current step closed.
    StepClosed(flow::StepClosed) = "step_closed",
    /// Results were shown or hidden.
    ResultsVisibleChanged(flow::ResultsVisibleChanged) = "results_visible_changed",
    /// The facilitator's notes for the synthesis changed.
    NotesSet(notes::NotesSet) = "notes_set",
    /// The wall's join panel or its item in focus changed.
    WallSet(wall::WallSet) = "wall_set",
}
