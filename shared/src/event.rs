//! What happened ([`Event`]): the facts the engine records once a command is
//! accepted. Applying the same events in order to a new workshop rebuilds the
//! same state, which is how the server recovers from its log.

use serde::{Deserialize, Serialize};

use crate::ids::{ClusterId, IdeaId, ItemRef, TableId};

/// An item chosen for a scoring step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringItem {
    /// What participants read.
    pub text: String,
    /// The vote item it came from, when taken from a vote's top.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_item: Option<ItemRef>,
}

/// A fact about a workshop. Each one is applied as is: it has already been
/// checked, so [`crate::Workshop::apply`] never refuses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A table joined and got its id.
    TableJoined {
        /// Its id.
        table: TableId,
        /// Its name.
        name: String,
    },
    /// An idea was submitted.
    IdeaSubmitted {
        /// Its id.
        idea: IdeaId,
        /// The table that wrote it, or none when the facilitator typed it in.
        author: Option<TableId>,
        /// Its text, trimmed.
        text: String,
        /// When, in milliseconds since the Unix epoch, as the server's clock said.
        at_ms: u64,
    },
    /// An idea's text changed.
    IdeaEdited {
        /// Which idea.
        idea: IdeaId,
        /// Its new text.
        text: String,
    },
    /// An idea was withdrawn by its table.
    IdeaDeleted {
        /// Which idea.
        idea: IdeaId,
    },
    /// An idea was hidden or shown again by the facilitator.
    IdeaHiddenChanged {
        /// Which idea.
        idea: IdeaId,
        /// Whether it is hidden now.
        hidden: bool,
    },
    /// A new cluster was formed from ideas; the clusters they came from are gone.
    ClusterFormed {
        /// Its id.
        cluster: ClusterId,
        /// Its ideas, in the order they were submitted.
        ideas: Vec<IdeaId>,
        /// Its title.
        title: String,
        /// Clusters dissolved into it.
        dissolved: Vec<ClusterId>,
    },
    /// A cluster got a new title.
    ClusterRenamed {
        /// Which cluster.
        cluster: ClusterId,
        /// Its new title.
        title: String,
    },
    /// A cluster was dissolved; its ideas stand alone again.
    ClusterSplit {
        /// Which cluster.
        cluster: ClusterId,
    },
    /// A table's points for an item in a vote step are now `points`.
    VoteSet {
        /// The vote step's index.
        step: usize,
        /// The table.
        table: TableId,
        /// The idea or cluster.
        item: ItemRef,
        /// Its points from that table (0: none).
        points: u32,
    },
    /// A seat's score for an item on a criterion is now `score`.
    ScoreSet {
        /// The scoring step's index.
        step: usize,
        /// The table.
        table: TableId,
        /// The seat, from 1.
        seat: u8,
        /// The scoring item's index.
        item: u32,
        /// The criterion's index.
        criterion: u32,
        /// The score, or none when cleared.
        score: Option<u8>,
    },
    /// The items of a scoring step were fixed (when it was first reached).
    ScoringItemsChosen {
        /// The scoring step's index.
        step: usize,
        /// Its items, in order.
        items: Vec<ScoringItem>,
    },
    /// The workshop moved to another step, which starts closed.
    StepChanged {
        /// The new current step.
        step: usize,
    },
    /// The current step opened for submissions.
    StepOpened {
        /// The step.
        step: usize,
        /// When the countdown ends (ms since the Unix epoch), if there is one.
        deadline_ms: Option<u64>,
    },
    /// The current step closed.
    StepClosed {
        /// The step.
        step: usize,
    },
    /// Joining was locked or unlocked.
    JoiningLockedChanged {
        /// Whether joining is locked now.
        locked: bool,
    },
    /// Results were shown to tables and wall, or hidden from them.
    ResultsVisibleChanged {
        /// Whether they are shown now.
        visible: bool,
    },
}

impl Event {
    /// Every event kind's name, as it is written on the wire and in the log.
    pub const KINDS: [&'static str; 16] = [
        "table_joined",
        "idea_submitted",
        "idea_edited",
        "idea_deleted",
        "idea_hidden_changed",
        "cluster_formed",
        "cluster_renamed",
        "cluster_split",
        "vote_set",
        "score_set",
        "scoring_items_chosen",
        "step_changed",
        "step_opened",
        "step_closed",
        "joining_locked_changed",
        "results_visible_changed",
    ];

    /// This event's kind, as on the wire (`"vote_set"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::TableJoined { .. } => "table_joined",
            Event::IdeaSubmitted { .. } => "idea_submitted",
            Event::IdeaEdited { .. } => "idea_edited",
            Event::IdeaDeleted { .. } => "idea_deleted",
            Event::IdeaHiddenChanged { .. } => "idea_hidden_changed",
            Event::ClusterFormed { .. } => "cluster_formed",
            Event::ClusterRenamed { .. } => "cluster_renamed",
            Event::ClusterSplit { .. } => "cluster_split",
            Event::VoteSet { .. } => "vote_set",
            Event::ScoreSet { .. } => "score_set",
            Event::ScoringItemsChosen { .. } => "scoring_items_chosen",
            Event::StepChanged { .. } => "step_changed",
            Event::StepOpened { .. } => "step_opened",
            Event::StepClosed { .. } => "step_closed",
            Event::JoiningLockedChanged { .. } => "joining_locked_changed",
            Event::ResultsVisibleChanged { .. } => "results_visible_changed",
        }
    }
}
