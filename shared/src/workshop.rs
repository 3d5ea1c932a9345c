//! The state of one workshop ([`Workshop`]): what every method shares
//! (tables, ideas, clusters, the current step) and each step's record; what
//! can be read from it; and [`Workshop::apply`], which records an event by
//! handing it to the type that owns it. The rules that decide which events a
//! command gives live with each command (`methods/`, `joining.rs`, `flow.rs`).

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{StepConfig, WorkshopConfig};
use crate::event::Event;
use crate::ids::{ClusterId, IdeaId, ItemRef, TableId};
use crate::methods::OwnGroups;
use crate::methods::budget_vote::ledger::VoteLedger;
use crate::methods::dot_vote::ledger::DotLedger;
use crate::methods::scoring::sheet::ScoreSheet;

/// A table that joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Its id.
    pub id: TableId,
    /// Its name, e.g. "Table 4".
    pub name: String,
    /// How many times a new tablet took it over.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub handovers: u32,
    /// The persona it thinks for (design thinking), from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<u8>,
    /// Its own question (« Comment pourrions-nous… ? », or its case), in
    /// place of the workshop's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// Each seat's role (seat 1 first), if the workshop has roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seat_roles: Vec<Option<u8>>,
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

/// An idea. Deleted ideas keep their slot (ids are never reused) but are gone
/// from every list and view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Idea {
    /// Its id.
    pub id: IdeaId,
    /// The table that wrote it; `None` when the facilitator typed it in.
    pub author: Option<TableId>,
    /// Its text.
    pub text: String,
    /// When it was submitted (ms since the Unix epoch).
    pub at_ms: u64,
    /// Hidden by the facilitator (moderation).
    pub hidden: bool,
    /// Withdrawn by its table.
    pub deleted: bool,
    /// The cluster it belongs to, if any.
    pub cluster: Option<ClusterId>,
    /// Waiting for the facilitator to accept it (a moderated divergence):
    /// only its table and the facilitator see it until then.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
    /// The facilitator corrected its text (a table's idea): every screen and
    /// export says so, since points may have been given to the first wording.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub corrected: bool,
    /// Where it was written on a spider web, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<crate::methods::spider_web::WebPlace>,
    /// Where it sits on a journey map, if it is a journey's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journey: Option<crate::methods::journey::NotePlace>,
    /// Its category (a coloured post-it), if its step has categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<crate::methods::categories::CategoryPlace>,
    /// The role of the seat that wrote it, if the workshop has roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<u8>,
}

impl Idea {
    /// Whether the idea takes part (not deleted or hidden, nor waiting for
    /// the facilitator to accept it).
    pub fn is_live(&self) -> bool {
        !self.deleted && !self.hidden && !self.pending
    }

    /// Whether it describes a journey (a note of its actions or feelings):
    /// such a note stays on the map, it is not grouped or voted on; a
    /// journey's opportunities are, like ideas.
    pub fn describes_journey(&self) -> bool {
        self.journey
            .is_some_and(|place| place.row != crate::methods::journey::Row::Opportunity)
    }

    /// Whether `role` may not read this idea's text: a hidden idea is the
    /// facilitator's alone, a pending one its table's and the facilitator's.
    pub fn is_withheld_from(&self, role: Role) -> bool {
        match role {
            Role::Facilitator => false,
            Role::Table(table) if self.author == Some(table) => self.hidden,
            _ => self.hidden || self.pending,
        }
    }
}

/// A cluster of similar ideas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Its id.
    pub id: ClusterId,
    /// Its title.
    pub title: String,
    /// Its ideas, by id.
    pub ideas: Vec<IdeaId>,
    /// Split back into its ideas (ids are never reused).
    pub dissolved: bool,
}

/// What a step has recorded, one arm per method that keeps a record. (Stored
/// in snapshots: an arm's name and shape do not change.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepRecord {
    /// Divergence, grouping and results record nothing of their own.
    Nothing,
    /// A budget vote's points.
    Vote(VoteLedger),
    /// A scoring's items and scores.
    Scoring(ScoreSheet),
    /// A dot vote's dots.
    Dots(DotLedger),
    /// A divergence in circles (a spider web): the circle written in now.
    Web {
        /// The circle, from 0.
        circle: u8,
    },
    /// A journey map: the stage open, the ratings.
    Journey(crate::methods::journey::JourneyRecord),
}

/// One workshop: its settings and everything that happened in it.
///
/// Change it only with [`Workshop::handle`] (checks the rules) or
/// [`Workshop::apply`] (replays an event that was already checked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    pub(crate) config: WorkshopConfig,
    pub(crate) current_step: usize,
    pub(crate) step_open: bool,
    pub(crate) deadline_ms: Option<u64>,
    pub(crate) joining_locked: bool,
    pub(crate) results_visible: bool,
    pub(crate) tables: Vec<Table>,
    pub(crate) ideas: Vec<Idea>,
    pub(crate) clusters: Vec<Cluster>,
    /// One record per step, same index as the config's steps.
    pub(crate) records: Vec<StepRecord>,
    /// The facilitator's notes for the synthesis (absent from round 1's logs).
    #[serde(default)]
    pub(crate) notes: crate::notes::Notes,
    /// The wall's join panel and item in focus (absent from older logs).
    #[serde(default)]
    pub(crate) wall: crate::wall::Wall,
    /// Votes counted on paper boards (absent from older logs).
    #[serde(default)]
    pub(crate) paper: crate::methods::paper_votes::PaperVotes,
}

/// An event that cannot be applied to this workshop: the log it came from does
/// not belong to it, or is damaged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event does not fit the workshop: {0}")]
pub struct ReplayError(pub String);

impl Workshop {
    /// A new workshop at its first step, closed, with no tables yet.
    pub fn new(config: WorkshopConfig) -> Self {
        let records = config
            .steps()
            .iter()
            .map(|step| step.rules().new_record())
            .collect();
        Workshop {
            joining_locked: config.setup().join.locked,
            config,
            current_step: 0,
            step_open: false,
            deadline_ms: None,
            results_visible: false,
            tables: Vec::new(),
            ideas: Vec::new(),
            clusters: Vec::new(),
            records,
            notes: crate::notes::Notes::default(),
            wall: crate::wall::Wall::default(),
            paper: crate::methods::paper_votes::PaperVotes::default(),
        }
    }

    // ---- reading ----

    /// The settings.
    pub fn config(&self) -> &WorkshopConfig {
        &self.config
    }
    /// The current step's index.
    pub fn current_step(&self) -> usize {
        self.current_step
    }
    /// The current step's settings.
    #[inline]
    pub fn current_step_config(&self) -> &StepConfig {
        &self.config.steps()[self.current_step]
    }
    /// Whether the current step accepts submissions.
    pub fn is_step_open(&self) -> bool {
        self.step_open
    }
    /// When the current step's countdown ends, if it has one (ms since the Unix epoch).
    pub fn deadline_ms(&self) -> Option<u64> {
        self.deadline_ms
    }
    /// Whether new tables are refused.
    pub fn is_joining_locked(&self) -> bool {
        self.joining_locked
    }
    /// Whether tables and the wall may see results.
    pub fn results_visible(&self) -> bool {
        self.results_visible
    }
    /// Every table, by id.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }
    /// A table by id.
    #[inline]
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.get(id.index())
    }
    /// Every idea ever submitted, by id, deleted and hidden ones included.
    pub fn all_ideas(&self) -> &[Idea] {
        &self.ideas
    }
    /// An idea by id, unless deleted.
    #[inline]
    pub fn idea(&self, id: IdeaId) -> Option<&Idea> {
        self.ideas.get(id.index()).filter(|idea| !idea.deleted)
    }
    /// Every cluster ever formed, by id, dissolved ones included.
    pub fn all_clusters(&self) -> &[Cluster] {
        &self.clusters
    }
    /// A cluster by id, unless dissolved.
    #[inline]
    pub fn cluster(&self, id: ClusterId) -> Option<&Cluster> {
        self.clusters
            .get(id.index())
            .filter(|cluster| !cluster.dissolved)
    }
    /// The items that can be voted on now: clusters, and live ideas in no
    /// cluster (a journey's opportunities, not its actions or feelings), in a stable order (ideas by id, then clusters by id).
    pub fn vote_items(&self) -> impl Iterator<Item = ItemRef> + '_ {
        let ideas = self
            .ideas
            .iter()
            .filter(|idea| idea.is_live() && idea.cluster.is_none() && !idea.describes_journey())
            .map(|idea| ItemRef::Idea(idea.id));
        let clusters = self
            .clusters
            .iter()
            .filter(|cluster| !cluster.dissolved)
            .map(|cluster| ItemRef::Cluster(cluster.id));
        ideas.chain(clusters)
    }

    /// Whether `item` can be voted on now (see [`Workshop::vote_items`]).
    #[inline]
    pub fn is_vote_item(&self, item: ItemRef) -> bool {
        match item {
            ItemRef::Idea(id) => self.idea(id).is_some_and(|idea| {
                idea.is_live() && idea.cluster.is_none() && !idea.describes_journey()
            }),
            ItemRef::Cluster(id) => self.cluster(id).is_some(),
        }
    }

    /// What an item says: an idea's text or a cluster's title.
    pub fn item_label(&self, item: ItemRef) -> &str {
        match item {
            ItemRef::Idea(id) => self.ideas.get(id.index()).map_or("", |idea| &idea.text),
            ItemRef::Cluster(id) => self.clusters.get(id.index()).map_or("", |c| &c.title),
        }
    }

    /// Whether the facilitator corrected this item's text (an idea of a
    /// table's): the screens mark it « modifiée par l'animateur ».
    pub fn is_corrected(&self, item: ItemRef) -> bool {
        match item {
            ItemRef::Idea(id) => self.idea(id).is_some_and(|idea| idea.corrected),
            ItemRef::Cluster(_) => false,
        }
    }

    /// The texts of a cluster's ideas, in order (none for a lone idea): what
    /// the screens list under a cluster's title.
    pub fn member_texts(&self, item: ItemRef) -> Vec<&str> {
        match item {
            ItemRef::Cluster(id) => self.cluster(id).map_or_else(Vec::new, |cluster| {
                cluster
                    .ideas
                    .iter()
                    .filter_map(|&idea| self.idea(idea).map(|idea| idea.text.as_str()))
                    .collect()
            }),
            ItemRef::Idea(_) => Vec::new(),
        }
    }

    /// Whether `item` counts as `table`'s own under `policy`: an idea it
    /// wrote, or a group with all (or, under [`OwnGroups::AnyIdea`], any) of
    /// its ideas by it. (The one test of « its own »: votes, dots, tablets.)
    pub fn is_own(&self, item: ItemRef, table: TableId, policy: OwnGroups) -> bool {
        match item {
            ItemRef::Idea(id) => self.ideas_are_own(&[id], table, policy),
            ItemRef::Cluster(id) => self
                .clusters
                .get(id.index())
                .is_some_and(|c| self.ideas_are_own(&c.ideas, table, policy)),
        }
    }

    /// Whether a group of these ideas would be `table`'s own under `policy`
    /// (also for a group about to be formed, see `grouping::during_vote`).
    pub(crate) fn ideas_are_own(
        &self,
        ideas: &[IdeaId],
        table: TableId,
        policy: OwnGroups,
    ) -> bool {
        let wrote = |id: &IdeaId| {
            self.ideas
                .get(id.index())
                .is_some_and(|i| i.author == Some(table))
        };
        match policy {
            OwnGroups::AllIdeas => !ideas.is_empty() && ideas.iter().all(wrote),
            OwnGroups::AnyIdea => ideas.iter().any(wrote),
        }
    }

    /// The tables that wrote an idea of `item`, in id order.
    pub fn authors_of(&self, item: ItemRef) -> Vec<TableId> {
        let ideas: &[IdeaId] = match item {
            ItemRef::Idea(ref id) => std::slice::from_ref(id),
            ItemRef::Cluster(id) => self.clusters.get(id.index()).map_or(&[], |c| &c.ideas),
        };
        let mut authors: Vec<TableId> = ideas
            .iter()
            .filter_map(|id| self.ideas.get(id.index())?.author)
            .collect();
        authors.sort();
        authors.dedup();
        authors
    }

    /// Whether any table (or paper group) gave points or dots to `item` in
    /// any step.
    pub fn has_votes(&self, item: ItemRef) -> bool {
        self.paper.any_on(item)
            || self.records.iter().any(|record| match record {
                StepRecord::Vote(ledger) => ledger.tally(item).points > 0,
                StepRecord::Dots(ledger) => ledger.has_dots(item),
                StepRecord::Nothing
                | StepRecord::Scoring(_)
                | StepRecord::Web { .. }
                | StepRecord::Journey(_) => false,
            })
    }

    // ---- recording ----

    /// Records the events of one command as one unit: all of them, or, if one
    /// does not apply, none (the workshop is left as it was).
    #[inline]
    pub fn apply_all(&mut self, events: &[Event]) -> Result<(), ReplayError> {
        if let [event] = events {
            // One event applies whole or not at all by itself: no copy needed.
            return self.apply(event);
        }
        let mut next = self.clone();
        for event in events {
            next.apply(event)?;
        }
        *self = next;
        Ok(())
    }

    /// Records an event that the rules already accepted (from
    /// [`Workshop::handle`] or from the log). Replaying a workshop's events in
    /// order onto [`Workshop::new`] gives back the same workshop.
    #[inline]
    pub fn apply(&mut self, event: &Event) -> Result<(), ReplayError> {
        event.apply_to(self)
    }

    /// Every rule the records break, step by step: empty for a workshop
    /// its commands built (see `StepRules::breaches`).
    pub fn rule_breaches(&self) -> Vec<crate::methods::Breach> {
        self.config
            .steps()
            .iter()
            .enumerate()
            .flat_map(|(index, step)| match step {
                StepConfig::BudgetVote(config) => config.breaches(self, index),
                StepConfig::Scoring(config) => config.breaches(self, index),
                StepConfig::DotVote(config) => config.breaches(self, index),
                // No record of their own, or (a journey) one whose every
                // rating `apply` checked: nothing to breach.
                StepConfig::Divergence(_)
                | StepConfig::Grouping(_)
                | StepConfig::Results(_)
                | StepConfig::Journey(_) => Vec::new(),
            })
            .collect()
    }

    /// An idea by id, to change it (deleted ones included).
    pub(crate) fn idea_mut(&mut self, idea: IdeaId) -> Result<&mut Idea, ReplayError> {
        self.ideas
            .get_mut(idea.index())
            .ok_or_else(|| ReplayError(format!("idea {} does not exist", idea.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::methods::{budget_vote, divergence, grouping, scoring};
    use crate::templates::Template;
    use crate::{flow, joining};

    /// A workshop of `template` with tables A and B, idea i0 by B, then the
    /// forged `events` applied (the log, not the rules, made them).
    fn forged(template: Template, events: &[serde_json::Value]) -> Vec<String> {
        let setup = template.setup("S", "Q", crate::source_criteria(), vec!["Une".into()]);
        let mut w = Workshop::new(WorkshopConfig::new(setup).unwrap());
        let room = [
            serde_json::json!({"type": "table_joined", "table": 0, "name": "A"}),
            serde_json::json!({"type": "table_joined", "table": 1, "name": "B"}),
            serde_json::json!({"type": "idea_submitted", "idea": 0, "author": 1, "text": "x", "at_ms": 0}),
        ];
        for event in room.iter().chain(events) {
            w.apply(&serde_json::from_value(event.clone()).unwrap())
                .unwrap();
        }
        w.rule_breaches().into_iter().map(|b| b.en).collect()
    }

    #[test]
    fn a_forged_log_breaks_the_rules_that_commands_keep() {
        // Nothing forged: nothing broken.
        assert!(forged(Template::Ideation, &[]).is_empty());
        let vote = |table: u32, item: &str, points: u32| serde_json::json!({"type": "vote_set", "step": 2, "table": table, "item": item, "points": points});
        assert_eq!(
            forged(Template::Ideation, &[vote(0, "i0", 5)]),
            ["step 3: table \"A\" gave 5 points to i0, over the cap of 3"]
        );
        assert_eq!(
            forged(Template::Ideation, &[vote(1, "i0", 1)]),
            ["step 3: table \"B\" voted for its own idea i0"]
        );
        let dots = serde_json::json!({"type": "dot_set", "step": 2, "table": 0, "seat": 1, "item": "i0", "dots": 2});
        assert_eq!(
            forged(Template::IdeationThenDots, &[dots]),
            [
                "step 3: seat 1 of \"A\" placed 2 dots, of 1",
                "step 3: seat 1 of \"A\" put 2 dots on i0, over 1"
            ]
        );
        let score = serde_json::json!({"type": "score_set", "step": 0, "table": 0, "seat": 2, "item": 0, "criterion": 1, "score": 11});
        assert_eq!(
            forged(Template::Evaluation, &[score]),
            ["step 1: seat 2 of \"A\" scored 11 (item 1, criterion 2), outside the scale 0–10"]
        );
    }

    /// An ideation workshop in its grouping step with two tables, three ideas
    /// and one cluster of the first two.
    fn grouping() -> Workshop {
        let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
        let mut w = Workshop::new(WorkshopConfig::new(setup).unwrap());
        let mut run = |role, command: Command| w.handle(role, &command, 0).unwrap();
        run(
            Role::Guest,
            Command::JoinTable(joining::JoinTable { name: "A".into() }),
        );
        run(
            Role::Guest,
            Command::JoinTable(joining::JoinTable { name: "B".into() }),
        );
        let open = Command::OpenStep(flow::OpenStep {
            duration_secs: None,
        });
        run(Role::Facilitator, open);
        for text in ["un", "deux", "trois"] {
            let submit = Command::SubmitIdea(divergence::SubmitIdea {
                text: text.into(),
                category: None,
                seat: None,
            });
            run(Role::Table(TableId(0)), submit);
        }
        run(
            Role::Facilitator,
            Command::GoToStep(flow::GoToStep { step: 1 }),
        );
        let items = vec![ItemRef::Idea(IdeaId(0)), ItemRef::Idea(IdeaId(1))];
        run(
            Role::Facilitator,
            Command::MergeItems(grouping::MergeItems { items, title: None }),
        );
        w
    }

    /// Applies `events` as one unit and checks it is refused with nothing changed.
    fn refused_whole(events: &[Event]) {
        let mut w = grouping();
        let before = w.clone();
        assert!(w.apply_all(events).is_err(), "{events:?} should not apply");
        assert_eq!(w, before, "{events:?} changed the workshop");
    }

    #[test]
    fn an_event_that_does_not_fit_changes_nothing() {
        // The cluster it dissolves exists, but one of its ideas does not:
        // the cluster must not be left dissolved.
        refused_whole(&[Event::ClusterFormed(grouping::ClusterFormed {
            cluster: ClusterId(1),
            ideas: vec![IdeaId(0), IdeaId(1), IdeaId(99)],
            title: "t".into(),
            dissolved: vec![ClusterId(0)],
        })]);
        refused_whole(&[Event::StepOpened(flow::StepOpened {
            step: 99,
            deadline_ms: None,
        })]);
        refused_whole(&[Event::VoteSet(budget_vote::VoteSet {
            step: 2,
            table: TableId(u32::MAX),
            item: ItemRef::Idea(IdeaId(2)),
            points: 1,
        })]);
        refused_whole(&[Event::IdeaSubmitted(divergence::IdeaSubmitted {
            idea: IdeaId(3),
            author: Some(TableId(7)),
            text: "x".into(),
            at_ms: 0,
            pending: false,
            circle: None,
            category: None,
            role: None,
        })]);
    }

    #[test]
    fn the_events_of_one_command_apply_as_one_unit() {
        // A step change whose last part does not fit leaves the step where it was.
        refused_whole(&[
            Event::StepChanged(flow::StepChanged { step: 2 }),
            Event::ScoringItemsChosen(scoring::ScoringItemsChosen {
                step: 2,
                items: Vec::new(),
            }),
        ]);
        let mut w = grouping();
        let events = [
            Event::StepChanged(flow::StepChanged { step: 2 }),
            Event::StepOpened(flow::StepOpened {
                step: 2,
                deadline_ms: None,
            }),
        ];
        w.apply_all(&events).unwrap();
        assert_eq!((w.current_step(), w.is_step_open()), (2, true));
    }
}
