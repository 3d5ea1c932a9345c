//! What someone asks the engine to do ([`Command`]), and who is asking ([`Role`]).
//!
//! Commands are requests: the engine checks them against the rules and either
//! turns them into [`crate::Event`]s or refuses them with a
//! [`crate::RuleViolation`].

use serde::{Deserialize, Serialize};

use crate::ids::{ClusterId, IdeaId, ItemRef, TableId};

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

/// A request to change the workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    // ---- joining (guest) ----
    /// Join as a new table with this name (e.g. "Table 4").
    JoinTable {
        /// Shown to the facilitator and on exports; unique in the workshop.
        name: String,
    },

    // ---- divergence (tables; the facilitator may add and correct) ----
    /// Submit an idea in the open divergence step.
    SubmitIdea {
        /// The idea, at most the step's limit.
        text: String,
    },
    /// Rewrite an idea: a table its own while divergence is open, the
    /// facilitator any idea during divergence or grouping.
    EditIdea {
        /// Which idea.
        idea: IdeaId,
        /// Its new text.
        text: String,
    },
    /// Withdraw one of the table's own ideas while divergence is open.
    DeleteIdea {
        /// Which idea.
        idea: IdeaId,
    },

    // ---- grouping (facilitator) ----
    /// Merge two or more items (ideas or clusters) into one new cluster.
    MergeItems {
        /// What to merge; clusters among them are dissolved into the new one.
        items: Vec<ItemRef>,
        /// The cluster's title; by default the text of its first idea.
        title: Option<String>,
    },
    /// Give a cluster a new title.
    RenameCluster {
        /// Which cluster.
        cluster: ClusterId,
        /// Its new title.
        title: String,
    },
    /// Dissolve a cluster: its ideas stand alone again.
    SplitCluster {
        /// Which cluster.
        cluster: ClusterId,
    },
    /// Hide an idea from tables and votes (moderation), or show it again.
    SetIdeaHidden {
        /// Which idea (it must not be in a cluster).
        idea: IdeaId,
        /// Hide (true) or show (false).
        hidden: bool,
    },

    // ---- budget vote (tables) ----
    /// Set how many points this table gives an item: a *set*, not an
    /// increment, so a retry changes nothing. 0 takes the points back.
    SetVote {
        /// The idea or cluster.
        item: ItemRef,
        /// The table's points for it, from 0 to the step's cap.
        points: u32,
    },

    // ---- scoring (tables, seat by seat) ----
    /// Set one seat's score of one item on one criterion; `None` clears it.
    SetScore {
        /// The seat, from 1 to the number of seats ("Personne 1").
        seat: u8,
        /// The scoring item's index in the step's list.
        item: u32,
        /// The criterion's index in the step's list.
        criterion: u32,
        /// The score, within the step's scale, or `None` to clear it.
        score: Option<u8>,
    },

    // ---- flow (facilitator) ----
    /// Move to another step (closing the current one). Previous and next are this with ±1.
    GoToStep {
        /// The step's index.
        step: usize,
    },
    /// Open the current step for submissions, with an optional countdown shown to everyone.
    OpenStep {
        /// Length of the countdown in seconds, if any. It is a guide: the
        /// facilitator closes the step.
        duration_secs: Option<u32>,
    },
    /// Close the current step: submissions are refused, results stay.
    CloseStep,
    /// Lock or unlock joining.
    SetJoiningLocked {
        /// Lock (true) or unlock (false).
        locked: bool,
    },
    /// Show results to tables and the wall, or keep them on the facilitator's screen.
    SetResultsVisible {
        /// Show (true) or hide (false).
        visible: bool,
    },
}

impl Command {
    /// A stable name for logs and metrics, e.g. `"set_vote"`.
    pub fn name(&self) -> &'static str {
        match self {
            Command::JoinTable { .. } => "join_table",
            Command::SubmitIdea { .. } => "submit_idea",
            Command::EditIdea { .. } => "edit_idea",
            Command::DeleteIdea { .. } => "delete_idea",
            Command::MergeItems { .. } => "merge_items",
            Command::RenameCluster { .. } => "rename_cluster",
            Command::SplitCluster { .. } => "split_cluster",
            Command::SetIdeaHidden { .. } => "set_idea_hidden",
            Command::SetVote { .. } => "set_vote",
            Command::SetScore { .. } => "set_score",
            Command::GoToStep { .. } => "go_to_step",
            Command::OpenStep { .. } => "open_step",
            Command::CloseStep => "close_step",
            Command::SetJoiningLocked { .. } => "set_joining_locked",
            Command::SetResultsVisible { .. } => "set_results_visible",
        }
    }
}
