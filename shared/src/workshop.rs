//! The state of one workshop ([`Workshop`]), what can be read from it, and
//! [`Workshop::apply`], which records an event. The rules that decide which
//! events a command gives live in `rules.rs`; the screens' views in `views/`.

use serde::{Deserialize, Serialize};

use crate::config::{DEFAULT_MAX_IDEA_CHARS, ScoringItemsSource, StepConfig, WorkshopConfig};
use crate::event::{Event, ScoringItem};
use crate::ids::{ClusterId, IdeaId, ItemRef, TableId};
use crate::ledger::{ScoreCell, ScoreSheet, SheetShape, VoteLedger};

/// A table that joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Its id.
    pub id: TableId,
    /// Its name, e.g. "Table 4".
    pub name: String,
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
}

impl Idea {
    /// Whether the idea still takes part (not deleted or hidden).
    pub fn is_live(&self) -> bool {
        !self.deleted && !self.hidden
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

/// What a step has recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepRecord {
    /// Divergence, grouping and results record nothing of their own.
    Nothing,
    /// A budget vote's points.
    Vote(VoteLedger),
    /// A scoring's items and scores.
    Scoring(ScoreSheet),
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
            .map(|step| match step {
                StepConfig::BudgetVote { .. } => StepRecord::Vote(VoteLedger::default()),
                StepConfig::Scoring {
                    items: ScoringItemsSource::Given { texts },
                    ..
                } => StepRecord::Scoring(ScoreSheet::with_items(
                    texts
                        .iter()
                        .map(|text| ScoringItem {
                            text: text.trim().to_owned(),
                            from_item: None,
                        })
                        .collect(),
                )),
                StepConfig::Scoring { .. } => StepRecord::Scoring(ScoreSheet::default()),
                _ => StepRecord::Nothing,
            })
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
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.get(id.index())
    }
    /// Every idea ever submitted, by id, deleted and hidden ones included.
    pub fn all_ideas(&self) -> &[Idea] {
        &self.ideas
    }
    /// An idea by id, unless deleted.
    pub fn idea(&self, id: IdeaId) -> Option<&Idea> {
        self.ideas.get(id.index()).filter(|idea| !idea.deleted)
    }
    /// Every cluster ever formed, by id, dissolved ones included.
    pub fn all_clusters(&self) -> &[Cluster] {
        &self.clusters
    }
    /// A cluster by id, unless dissolved.
    pub fn cluster(&self, id: ClusterId) -> Option<&Cluster> {
        self.clusters
            .get(id.index())
            .filter(|cluster| !cluster.dissolved)
    }
    /// The vote ledger of step `step`, if it is a budget vote.
    pub fn vote_ledger(&self, step: usize) -> Option<&VoteLedger> {
        match self.records.get(step) {
            Some(StepRecord::Vote(ledger)) => Some(ledger),
            _ => None,
        }
    }
    /// The score sheet of step `step`, if it is a scoring step.
    pub fn score_sheet(&self, step: usize) -> Option<&ScoreSheet> {
        match self.records.get(step) {
            Some(StepRecord::Scoring(sheet)) => Some(sheet),
            _ => None,
        }
    }

    /// The items that can be voted on now: clusters, and live ideas in no
    /// cluster, in a stable order (ideas by id, then clusters by id).
    pub fn vote_items(&self) -> impl Iterator<Item = ItemRef> + '_ {
        let ideas = self
            .ideas
            .iter()
            .filter(|idea| idea.is_live() && idea.cluster.is_none())
            .map(|idea| ItemRef::Idea(idea.id));
        let clusters = self
            .clusters
            .iter()
            .filter(|cluster| !cluster.dissolved)
            .map(|cluster| ItemRef::Cluster(cluster.id));
        ideas.chain(clusters)
    }

    /// Whether `item` can be voted on now (see [`Workshop::vote_items`]).
    pub fn is_vote_item(&self, item: ItemRef) -> bool {
        match item {
            ItemRef::Idea(id) => self
                .idea(id)
                .is_some_and(|idea| idea.is_live() && idea.cluster.is_none()),
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

    /// Whether `table` wrote `item` or an idea in it.
    pub fn is_authored_by(&self, item: ItemRef, table: TableId) -> bool {
        let wrote = |id: &IdeaId| {
            self.ideas
                .get(id.index())
                .is_some_and(|i| i.author == Some(table))
        };
        match item {
            ItemRef::Idea(id) => wrote(&id),
            ItemRef::Cluster(id) => self
                .clusters
                .get(id.index())
                .is_some_and(|c| c.ideas.iter().any(wrote)),
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

    /// Whether any table gave points to `item` in any vote step.
    pub fn has_votes(&self, item: ItemRef) -> bool {
        self.records.iter().any(|record| match record {
            StepRecord::Vote(ledger) => ledger.tally(item).points > 0,
            _ => false,
        })
    }

    /// The seats, items and criteria of scoring step `step`.
    pub fn sheet_shape(&self, step: usize) -> Option<SheetShape> {
        let StepConfig::Scoring { criteria, .. } = self.config.step(step)? else {
            return None;
        };
        let items = self.score_sheet(step)?.items().map_or(0, <[_]>::len);
        Some(SheetShape {
            seats: self.config.seats(),
            items: items as u32,
            criteria: criteria.len() as u32,
        })
    }

    /// The longest idea accepted now: the limit of the latest divergence step
    /// at or before the current one.
    pub fn idea_char_limit(&self) -> u32 {
        self.config.steps()[..=self.current_step]
            .iter()
            .rev()
            .find_map(|step| match step {
                StepConfig::Divergence { max_idea_chars } => Some(*max_idea_chars),
                _ => None,
            })
            .unwrap_or(DEFAULT_MAX_IDEA_CHARS)
    }

    // ---- recording ----

    /// Records the events of one command as one unit: all of them, or, if one
    /// does not apply, none (the workshop is left as it was).
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
    pub fn apply(&mut self, event: &Event) -> Result<(), ReplayError> {
        let missing = |what: &str| ReplayError(format!("{what} does not exist"));
        match event {
            Event::TableJoined { table, name } => {
                expect_next_id(table.index(), self.tables.len(), "table")?;
                self.tables.push(Table {
                    id: *table,
                    name: name.clone(),
                });
            }
            Event::IdeaSubmitted {
                idea,
                author,
                text,
                at_ms,
            } => {
                expect_next_id(idea.index(), self.ideas.len(), "idea")?;
                if author.is_some_and(|table| self.table(table).is_none()) {
                    return Err(missing("table"));
                }
                self.ideas.push(Idea {
                    id: *idea,
                    author: *author,
                    text: text.clone(),
                    at_ms: *at_ms,
                    hidden: false,
                    deleted: false,
                    cluster: None,
                });
            }
            Event::IdeaEdited { idea, text } => {
                self.ideas
                    .get_mut(idea.index())
                    .ok_or_else(|| missing("idea"))?
                    .text = text.clone();
            }
            Event::IdeaDeleted { idea } => {
                self.ideas
                    .get_mut(idea.index())
                    .ok_or_else(|| missing("idea"))?
                    .deleted = true;
            }
            Event::IdeaHiddenChanged { idea, hidden } => {
                self.ideas
                    .get_mut(idea.index())
                    .ok_or_else(|| missing("idea"))?
                    .hidden = *hidden;
            }
            Event::ClusterFormed {
                cluster,
                ideas,
                title,
                dissolved,
            } => {
                expect_next_id(cluster.index(), self.clusters.len(), "cluster")?;
                // Everything is checked before anything is written: an event
                // applies whole or not at all.
                if dissolved
                    .iter()
                    .any(|old| old.index() >= self.clusters.len())
                {
                    return Err(missing("cluster"));
                }
                if ideas.iter().any(|id| id.index() >= self.ideas.len()) {
                    return Err(missing("idea"));
                }
                for old in dissolved {
                    self.clusters
                        .get_mut(old.index())
                        .ok_or_else(|| missing("cluster"))?
                        .dissolved = true;
                }
                for id in ideas {
                    self.ideas
                        .get_mut(id.index())
                        .ok_or_else(|| missing("idea"))?
                        .cluster = Some(*cluster);
                }
                self.clusters.push(Cluster {
                    id: *cluster,
                    title: title.clone(),
                    ideas: ideas.clone(),
                    dissolved: false,
                });
            }
            Event::ClusterRenamed { cluster, title } => {
                self.clusters
                    .get_mut(cluster.index())
                    .ok_or_else(|| missing("cluster"))?
                    .title = title.clone();
            }
            Event::ClusterSplit { cluster } => {
                let found = self
                    .clusters
                    .get_mut(cluster.index())
                    .ok_or_else(|| missing("cluster"))?;
                found.dissolved = true;
                for id in &found.ideas {
                    if let Some(idea) = self.ideas.get_mut(id.index()) {
                        idea.cluster = None;
                    }
                }
            }
            Event::VoteSet {
                step,
                table,
                item,
                points,
            } => match self.records.get_mut(*step) {
                // A table that does not exist would make the ledger grow to its id.
                _ if table.index() >= self.tables.len() => return Err(missing("table")),
                Some(StepRecord::Vote(ledger)) => ledger.set(*table, *item, *points),
                _ => return Err(missing("vote step")),
            },
            Event::ScoreSet {
                step,
                table,
                seat,
                item,
                criterion,
                score,
            } => {
                let shape = self
                    .sheet_shape(*step)
                    .ok_or_else(|| missing("scoring step"))?;
                let in_shape = (1..=shape.seats).contains(seat)
                    && *item < shape.items
                    && *criterion < shape.criteria;
                if !in_shape || table.index() >= self.tables.len() {
                    return Err(missing("score cell"));
                }
                let cell = ScoreCell {
                    table: *table,
                    seat: *seat,
                    item: *item,
                    criterion: *criterion,
                };
                if let Some(StepRecord::Scoring(sheet)) = self.records.get_mut(*step) {
                    sheet.set(shape, cell, *score);
                }
            }
            Event::ScoringItemsChosen { step, items } => match self.records.get_mut(*step) {
                Some(StepRecord::Scoring(sheet)) => sheet.choose_items(items.clone()),
                _ => return Err(missing("scoring step")),
            },
            Event::StepChanged { step } => {
                if *step >= self.records.len() {
                    return Err(missing("step"));
                }
                self.current_step = *step;
                self.step_open = false;
                self.deadline_ms = None;
            }
            Event::StepOpened { step, deadline_ms } => {
                if *step >= self.records.len() {
                    return Err(missing("step"));
                }
                self.current_step = *step;
                self.step_open = true;
                self.deadline_ms = *deadline_ms;
            }
            Event::StepClosed { .. } => {
                self.step_open = false;
                self.deadline_ms = None;
            }
            Event::JoiningLockedChanged { locked } => self.joining_locked = *locked,
            Event::ResultsVisibleChanged { visible } => self.results_visible = *visible,
        }
        Ok(())
    }
}

fn expect_next_id(given: usize, next: usize, what: &str) -> Result<(), ReplayError> {
    if given == next {
        Ok(())
    } else {
        Err(ReplayError(format!(
            "{what} id {given} out of order (expected {next})"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, Role};
    use crate::templates::Template;

    /// An ideation workshop in its grouping step with two tables, three ideas
    /// and one cluster of the first two.
    fn grouping() -> Workshop {
        let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
        let mut w = Workshop::new(WorkshopConfig::new(setup).unwrap());
        let mut run = |role, command: Command| w.handle(role, &command, 0).unwrap();
        run(Role::Guest, Command::JoinTable { name: "A".into() });
        run(Role::Guest, Command::JoinTable { name: "B".into() });
        let open = Command::OpenStep {
            duration_secs: None,
        };
        run(Role::Facilitator, open);
        for text in ["un", "deux", "trois"] {
            let submit = Command::SubmitIdea { text: text.into() };
            run(Role::Table(TableId(0)), submit);
        }
        run(Role::Facilitator, Command::GoToStep { step: 1 });
        let items = vec![ItemRef::Idea(IdeaId(0)), ItemRef::Idea(IdeaId(1))];
        run(
            Role::Facilitator,
            Command::MergeItems { items, title: None },
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
        refused_whole(&[Event::ClusterFormed {
            cluster: ClusterId(1),
            ideas: vec![IdeaId(0), IdeaId(1), IdeaId(99)],
            title: "t".into(),
            dissolved: vec![ClusterId(0)],
        }]);
        refused_whole(&[Event::StepOpened {
            step: 99,
            deadline_ms: None,
        }]);
        refused_whole(&[Event::VoteSet {
            step: 2,
            table: TableId(u32::MAX),
            item: ItemRef::Idea(IdeaId(2)),
            points: 1,
        }]);
        refused_whole(&[Event::IdeaSubmitted {
            idea: IdeaId(3),
            author: Some(TableId(7)),
            text: "x".into(),
            at_ms: 0,
        }]);
    }

    #[test]
    fn the_events_of_one_command_apply_as_one_unit() {
        // A step change whose last part does not fit leaves the step where it was.
        refused_whole(&[
            Event::StepChanged { step: 2 },
            Event::ScoringItemsChosen {
                step: 2,
                items: Vec::new(),
            },
        ]);
        let mut w = grouping();
        let events = [
            Event::StepChanged { step: 2 },
            Event::StepOpened {
                step: 2,
                deadline_ms: None,
            },
        ];
        w.apply_all(&events).unwrap();
        assert_eq!((w.current_step(), w.is_step_open()), (2, true));
    }
}
