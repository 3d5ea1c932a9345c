//! Grouping (« regroupement »): the facilitator merges similar ideas into
//! clusters, retitles and splits them, and hides off-topic ideas (moderation,
//! also during divergence). During a vote too: the points move by the rule
//! of [`during_vote`]; an item with points in a finished vote stays as it is.

pub mod during_vote;
pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{ConfigError, Lang, StepConfig, StepKind};
use crate::event::Event;
use crate::ids::{ClusterId, IdeaId, ItemRef};
use crate::methods::{CommandRules, EventRules, StepRules};
use crate::rules::{Decision, MAX_CLUSTER_TITLE_CHARS, clean_text, expect_next_id, unknown_item};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{Cluster, ReplayError, Workshop};
use during_vote::Moves;
pub use during_vote::{ReturnReason, VotesReturned};

/// What participants are asked to do, in their words (tablets, wall).
pub fn task(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Les idées sont regroupées",
        Lang::En => "The ideas are grouped",
    }
}

/// The method's name on screens.
pub fn name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "regroupement",
        Lang::En => "grouping",
    }
}

/// A grouping step's settings: none yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {}

impl StepRules for Config {
    fn check(&self, _steps: &[StepConfig], _index: usize) -> Result<(), ConfigError> {
        Ok(())
    }
}

/// Merge two or more items (ideas or clusters) into one new cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeItems {
    /// What to merge; clusters among them are dissolved into the new one.
    pub items: Vec<ItemRef>,
    /// The cluster's title; by default the text of its first idea.
    pub title: Option<String>,
}

/// Give a cluster a new title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameCluster {
    /// Which cluster.
    pub cluster: ClusterId,
    /// Its new title.
    pub title: String,
}

/// Dissolve a cluster: its ideas stand alone again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitCluster {
    /// Which cluster.
    pub cluster: ClusterId,
}

/// Hide an idea from tables and votes (moderation), or show it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetIdeaHidden {
    /// Which idea (it must not be in a cluster).
    pub idea: IdeaId,
    /// Hide (true) or show (false).
    pub hidden: bool,
}

/// An idea was hidden or shown again by the facilitator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaHiddenChanged {
    /// Which idea.
    pub idea: IdeaId,
    /// Whether it is hidden now.
    pub hidden: bool,
}

/// A new cluster was formed from ideas; the clusters they came from are gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterFormed {
    /// Its id.
    pub cluster: ClusterId,
    /// Its ideas, in the order they were submitted.
    pub ideas: Vec<IdeaId>,
    /// Its title.
    pub title: String,
    /// Clusters dissolved into it.
    pub dissolved: Vec<ClusterId>,
}

/// A cluster got a new title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterRenamed {
    /// Which cluster.
    pub cluster: ClusterId,
    /// Its new title.
    pub title: String,
}

/// A cluster was dissolved; its ideas stand alone again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSplit {
    /// Which cluster.
    pub cluster: ClusterId,
}

fn facilitator_only(role: Role) -> bool {
    role == Role::Facilitator
}

impl CommandRules for MergeItems {
    fn may_send(&self, role: Role) -> bool {
        facilitator_only(role)
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop.expect_step(GROUPING_STEPS)?;
        let mut distinct = self.items.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < 2 {
            return Err(RuleViolation::TooFewItems);
        }
        let mut ideas = Vec::new();
        let mut dissolved = Vec::new();
        for item in &distinct {
            if !workshop.is_vote_item(*item) {
                return Err(unknown_item(*item));
            }
            workshop.expect_no_votes_elsewhere(*item)?;
            match item {
                ItemRef::Idea(id) => ideas.push(*id),
                ItemRef::Cluster(id) => {
                    dissolved.push(*id);
                    ideas.extend(workshop.clusters[id.index()].ideas.iter().copied());
                }
            }
        }
        ideas.sort();
        let title = match &self.title {
            Some(title) => clean_text(title, MAX_CLUSTER_TITLE_CHARS)?,
            // The first idea's text, cut to a title's length.
            None => workshop.ideas[ideas[0].index()]
                .text
                .chars()
                .take(MAX_CLUSTER_TITLE_CHARS as usize)
                .collect(),
        };
        let cluster = ClusterId(workshop.clusters.len() as u32);
        // During a vote, the points move to the group (see `during_vote`).
        let moves = workshop.votes_moved(
            &distinct,
            Some((ItemRef::Cluster(cluster), &ideas)),
            ReturnReason::Merged,
        );
        let formed = ClusterFormed {
            cluster,
            ideas,
            title,
            dissolved,
        };
        Ok(around(moves, formed.into()))
    }
}

impl CommandRules for RenameCluster {
    fn may_send(&self, role: Role) -> bool {
        facilitator_only(role)
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop.expect_step(GROUPING_STEPS)?;
        workshop
            .cluster(self.cluster)
            .ok_or_else(|| unknown_item(ItemRef::Cluster(self.cluster)))?;
        let title = clean_text(&self.title, MAX_CLUSTER_TITLE_CHARS)?;
        Ok(vec![
            ClusterRenamed {
                cluster: self.cluster,
                title,
            }
            .into(),
        ])
    }
}

impl CommandRules for SplitCluster {
    fn may_send(&self, role: Role) -> bool {
        facilitator_only(role)
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop.expect_step(GROUPING_STEPS)?;
        let group = ItemRef::Cluster(self.cluster);
        workshop
            .cluster(self.cluster)
            .ok_or_else(|| unknown_item(group))?;
        workshop.expect_no_votes_elsewhere(group)?;
        let moves = workshop.votes_moved(&[group], None, ReturnReason::Split);
        let split = ClusterSplit {
            cluster: self.cluster,
        };
        Ok(around(moves, split.into()))
    }
}

impl CommandRules for SetIdeaHidden {
    fn may_send(&self, role: Role) -> bool {
        facilitator_only(role)
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop.expect_step(&[
            StepKind::Divergence,
            StepKind::Journey,
            StepKind::Grouping,
            StepKind::BudgetVote,
            StepKind::DotVote,
        ])?;
        let found = workshop.existing_idea(self.idea)?;
        if found.cluster.is_some() {
            return Err(RuleViolation::IdeaInCluster);
        }
        let changed = IdeaHiddenChanged {
            idea: self.idea,
            hidden: self.hidden,
        };
        if !self.hidden {
            return Ok(vec![changed.into()]);
        }
        let idea = ItemRef::Idea(self.idea);
        workshop.expect_no_votes_elsewhere(idea)?;
        let moves = workshop.votes_moved(&[idea], None, ReturnReason::Hidden);
        Ok(around(moves, changed.into()))
    }
}

/// The steps where the facilitator regroups: grouping, and during a vote
/// (the points move: `during_vote`).
const GROUPING_STEPS: &[StepKind] = &[StepKind::Grouping, StepKind::BudgetVote, StepKind::DotVote];

/// The grouping event with the vote's moves around it.
fn around(moves: Moves, event: Event) -> Vec<Event> {
    let mut events = moves.before;
    events.push(event);
    events.extend(moves.after);
    events
}

fn missing_cluster(cluster: ClusterId) -> ReplayError {
    ReplayError(format!("cluster {} does not exist", cluster.0))
}

impl EventRules for IdeaHiddenChanged {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        workshop.idea_mut(self.idea)?.hidden = self.hidden;
        Ok(())
    }
}

impl EventRules for ClusterFormed {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        expect_next_id(self.cluster.index(), workshop.clusters.len(), "cluster")?;
        // Everything is checked before anything is written: an event applies
        // whole or not at all.
        if let Some(old) = self
            .dissolved
            .iter()
            .find(|old| old.index() >= workshop.clusters.len())
        {
            return Err(missing_cluster(*old));
        }
        if self
            .ideas
            .iter()
            .any(|id| id.index() >= workshop.ideas.len())
        {
            return Err(ReplayError("a clustered idea does not exist".into()));
        }
        for old in &self.dissolved {
            workshop.clusters[old.index()].dissolved = true;
        }
        for id in &self.ideas {
            workshop.ideas[id.index()].cluster = Some(self.cluster);
        }
        workshop.clusters.push(Cluster {
            id: self.cluster,
            title: self.title.clone(),
            ideas: self.ideas.clone(),
            dissolved: false,
        });
        Ok(())
    }
}

impl EventRules for ClusterRenamed {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        workshop
            .clusters
            .get_mut(self.cluster.index())
            .ok_or_else(|| missing_cluster(self.cluster))?
            .title = self.title.clone();
        Ok(())
    }
}

impl EventRules for ClusterSplit {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let found = workshop
            .clusters
            .get_mut(self.cluster.index())
            .ok_or_else(|| missing_cluster(self.cluster))?;
        found.dissolved = true;
        for id in &found.ideas {
            if let Some(idea) = workshop.ideas.get_mut(id.index()) {
                idea.cluster = None;
            }
        }
        Ok(())
    }
}
