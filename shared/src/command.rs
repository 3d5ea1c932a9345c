//! What someone asks the engine to do ([`Command`]), and who is asking ([`Role`]).
//!
//! Commands are requests: the engine checks them against the rules and either
//! turns them into [`crate::Event`]s or refuses them with a
//! [`crate::RuleViolation`]. Each command is a type owned by its method's
//! folder (or by joining or the step machine); [`Command`] only lists them,
//! one line each, and delegates. On the wire a command is one flat JSON
//! object: `{"type":"set_vote","item":"i3","points":2}`.

use serde::{Deserialize, Serialize};

use crate::ids::TableId;
use crate::methods::{
    CommandRules, budget_vote, divergence, dot_vote, grouping, journey, paper_votes, persona,
    questions, roles, scoring, spider_web,
};
use crate::rules::Decision;
use crate::workshop::Workshop;
use crate::{flow, joining, notes, wall};

/// Who sends a command. The server decides this from the connection's
/// credentials; the engine only trusts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", content = "table", rename_all = "snake_case")]
pub enum Role {
    /// The person running the workshop, on a laptop.
    Facilitator,
    /// A table's shared tablet.
    Table(TableId),
    /// The projected wall screen: read-only.
    Wall,
    /// A tablet that has the join code but no table yet: it may only join.
    Guest,
}

/// Declares [`Command`] from one list, and its delegation to each type.
macro_rules! commands {
    ($( $(#[$doc:meta])* $variant:ident($owner:ident::$ty:ident) = $name:literal, )*) => {
        /// A request to change the workshop.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum Command {
            $( $(#[$doc])* $variant($owner::$ty), )*
        }

        impl Command {
            /// Every command's name, as on the wire.
            pub const NAMES: &[&str] = &[$($name),*];

            /// A stable name for logs and metrics, e.g. `"set_vote"`.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Command::$variant(_) => $name, )*
                }
            }

            /// Whether `role` may send this command at all.
            pub(crate) fn may_send(&self, role: Role) -> bool {
                match self {
                    $( Command::$variant(command) => command.may_send(role), )*
                }
            }

            /// The command's events, or why it is refused; changes nothing.
            // A match, not a `dyn` call: the vote is the hot path.
            pub(crate) fn check(&self, workshop: &Workshop, role: Role, now_ms: u64) -> Decision {
                match self {
                    $( Command::$variant(command) => command.check(workshop, role, now_ms), )*
                }
            }
        }

        $(
            impl From<$owner::$ty> for Command {
                fn from(command: $owner::$ty) -> Command {
                    Command::$variant(command)
                }
            }
        )*
    };
}

commands! {
    /// A guest joins as a new table (see [`joining::JoinTable`]).
    JoinTable(joining::JoinTable) = "join_table",
    /// Deal the personas to the tables without one.
    DealPersonas(persona::DealPersonas) = "deal_personas",
    /// Give a table a persona, or take it back.
    GivePersona(persona::GivePersona) = "give_persona",
    /// A seat takes a role (« Regards croisés »).
    ChooseRole(roles::ChooseRole) = "choose_role",
    /// Set a table's own question (or every table's).
    SetTableQuestion(questions::SetTableQuestion) = "set_table_question",
    /// Open a circle of the current step's spider web.
    OpenCircle(spider_web::OpenCircle) = "open_circle",
    /// A new tablet takes over a table (see [`joining::TakeOverTable`]).
    TakeOverTable(joining::TakeOverTable) = "take_over_table",
    /// The facilitator locks or unlocks joining.
    SetJoiningLocked(joining::SetJoiningLocked) = "set_joining_locked",
    /// Submit an idea.
    SubmitIdea(divergence::SubmitIdea) = "submit_idea",
    /// Add a note to a stage of the journey map.
    AddNote(journey::AddNote) = "add_note",
    /// Open one stage of the journey, or all.
    OpenStage(journey::OpenStage) = "open_stage",
    /// A table rates a stage of the journey.
    RateStage(journey::RateStage) = "rate_stage",
    /// Rewrite an idea.
    EditIdea(divergence::EditIdea) = "edit_idea",
    /// Withdraw one of the table's ideas.
    DeleteIdea(divergence::DeleteIdea) = "delete_idea",
    /// Accept an idea waiting in a moderated divergence.
    AcceptIdea(divergence::AcceptIdea) = "accept_idea",
    /// Merge items into a cluster.
    MergeItems(grouping::MergeItems) = "merge_items",
    /// Retitle a cluster.
    RenameCluster(grouping::RenameCluster) = "rename_cluster",
    /// Dissolve a cluster.
    SplitCluster(grouping::SplitCluster) = "split_cluster",
    /// Hide an idea (moderation) or show it again.
    SetIdeaHidden(grouping::SetIdeaHidden) = "set_idea_hidden",
    /// A table's points for an item in a budget vote.
    SetVote(budget_vote::SetVote) = "set_vote",
    /// One seat's score of one item on one criterion.
    SetScore(scoring::SetScore) = "set_score",
    /// The facilitator words a scoring step's criteria (before any score).
    SetCriteria(scoring::SetCriteria) = "set_criteria",
    /// One seat's dot on an item, or not, in a dot vote.
    SetDot(dot_vote::SetDot) = "set_dot",
    /// The facilitator enters a paper group's count on an item of the current vote.
    SetPaperVotes(paper_votes::SetPaperVotes) = "set_paper_votes",
    /// Move to another step.
    GoToStep(flow::GoToStep) = "go_to_step",
    /// Open the current step.
    OpenStep(flow::OpenStep) = "open_step",
    /// Close the current step.
    CloseStep(flow::CloseStep) = "close_step",
    /// The facilitator's notes for the synthesis (place, conclusions).
    SetNotes(notes::SetNotes) = "set_notes",
    /// The wall's join panel and the item in focus.
    SetWall(wall::SetWall) = "set_wall",
    /// Show or hide results.
    SetResultsVisible(flow::SetResultsVisible) = "set_results_visible",
}
