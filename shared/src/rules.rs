//! The rules: [`Workshop::handle`] checks a command against the workshop as it
//! is and turns it into events, or refuses it with a [`RuleViolation`] and
//! changes nothing. Every rule of a workshop is in this file; the server
//! enforces them by calling `handle`, the client calls [`Workshop::check`] for
//! instant feedback.

use crate::command::{Command, Role};
use crate::config::{MAX_NAME_CHARS, ScoringItemsSource, StepConfig, StepKind, char_count};
use crate::event::{Event, ScoringItem};
use crate::ids::{ClusterId, IdeaId, ItemRef, TableId};
use crate::violation::RuleViolation;
use crate::workshop::{Idea, Workshop};

/// The longest cluster title, in characters (a title is often an idea's text).
pub const MAX_CLUSTER_TITLE_CHARS: u32 = 280;

type Decision = Result<Vec<Event>, RuleViolation>;

impl Workshop {
    /// Checks `command` from `role` at time `now_ms` (ms since the Unix epoch),
    /// and records its events. On a violation nothing changes.
    pub fn handle(&mut self, role: Role, command: &Command, now_ms: u64) -> Decision {
        let events = self.check(role, command, now_ms)?;
        // `check` only emits events that fit this workshop, so this cannot
        // fail; were it to, the state would still be whole (`apply_all` is one unit).
        if let Err(error) = self.apply_all(&events) {
            debug_assert!(false, "rules emitted events that do not apply: {error}");
        }
        Ok(events)
    }

    /// What `handle` would do, without doing it: the events, or the violation.
    pub fn check(&self, role: Role, command: &Command, now_ms: u64) -> Decision {
        check_role(role, command)?;
        if let Role::Table(table) = role {
            self.table(table).ok_or(RuleViolation::UnknownTable)?;
        }
        match command {
            Command::JoinTable { name } => self.join_table(name),
            Command::SubmitIdea { text } => self.submit_idea(role, text, now_ms),
            Command::EditIdea { idea, text } => self.edit_idea(role, *idea, text),
            Command::DeleteIdea { idea } => self.delete_idea(role, *idea),
            Command::MergeItems { items, title } => self.merge_items(items, title.as_deref()),
            Command::RenameCluster { cluster, title } => self.rename_cluster(*cluster, title),
            Command::SplitCluster { cluster } => self.split_cluster(*cluster),
            Command::SetIdeaHidden { idea, hidden } => self.set_idea_hidden(*idea, *hidden),
            Command::SetVote { item, points } => self.set_vote(role, *item, *points),
            Command::SetScore {
                seat,
                item,
                criterion,
                score,
            } => self.set_score(role, *seat, *item, *criterion, *score),
            Command::GoToStep { step } => self.go_to_step(*step),
            Command::OpenStep { duration_secs } => Ok(vec![Event::StepOpened {
                step: self.current_step,
                deadline_ms: duration_secs
                    .map(|secs| now_ms.saturating_add(u64::from(secs) * 1000)),
            }]),
            Command::CloseStep => Ok(vec![Event::StepClosed {
                step: self.current_step,
            }]),
            Command::SetJoiningLocked { locked } => {
                Ok(vec![Event::JoiningLockedChanged { locked: *locked }])
            }
            Command::SetResultsVisible { visible } => {
                Ok(vec![Event::ResultsVisibleChanged { visible: *visible }])
            }
        }
    }

    // ---- joining ----

    fn join_table(&self, name: &str) -> Decision {
        let max_tables = self.config.setup().join.max_tables as usize;
        if self.joining_locked || self.tables.len() >= max_tables {
            return Err(RuleViolation::JoiningLocked);
        }
        let name = clean_text(name, MAX_NAME_CHARS)?;
        let folded = name.to_lowercase();
        if self
            .tables
            .iter()
            .any(|table| table.name.to_lowercase() == folded)
        {
            return Err(RuleViolation::NameTaken);
        }
        Ok(vec![Event::TableJoined {
            table: TableId(self.tables.len() as u32),
            name,
        }])
    }

    // ---- divergence ----

    fn submit_idea(&self, role: Role, text: &str, now_ms: u64) -> Decision {
        let author = match role {
            Role::Table(table) => {
                self.expect_open_step(&[StepKind::Divergence])?;
                Some(table)
            }
            // The facilitator may type ideas in before opening the step, or while grouping.
            _ => {
                self.expect_step(&[StepKind::Divergence, StepKind::Grouping])?;
                None
            }
        };
        let text = clean_text(text, self.idea_char_limit())?;
        let idea = IdeaId(self.ideas.len() as u32);
        Ok(vec![Event::IdeaSubmitted {
            idea,
            author,
            text,
            at_ms: now_ms,
        }])
    }

    fn edit_idea(&self, role: Role, idea: IdeaId, text: &str) -> Decision {
        let found = self.existing_idea(idea)?;
        if let Role::Table(table) = role {
            self.expect_open_step(&[StepKind::Divergence])?;
            self.expect_own_idea(found, table)?;
            self.expect_no_votes(ItemRef::Idea(idea))?;
        } else {
            self.expect_step(&[StepKind::Divergence, StepKind::Grouping])?;
        }
        let text = clean_text(text, self.idea_char_limit())?;
        Ok(vec![Event::IdeaEdited { idea, text }])
    }

    fn delete_idea(&self, role: Role, idea: IdeaId) -> Decision {
        let Role::Table(table) = role else {
            unreachable_role()
        };
        let found = self.existing_idea(idea)?;
        self.expect_open_step(&[StepKind::Divergence])?;
        self.expect_own_idea(found, table)?;
        if found.cluster.is_some() {
            return Err(RuleViolation::IdeaInCluster);
        }
        self.expect_no_votes(ItemRef::Idea(idea))?;
        Ok(vec![Event::IdeaDeleted { idea }])
    }

    // ---- grouping ----

    fn merge_items(&self, items: &[ItemRef], title: Option<&str>) -> Decision {
        self.expect_step(&[StepKind::Grouping])?;
        let mut distinct = items.to_vec();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < 2 {
            return Err(RuleViolation::TooFewItems);
        }
        let mut ideas = Vec::new();
        let mut dissolved = Vec::new();
        for item in &distinct {
            if !self.is_vote_item(*item) {
                return Err(unknown_item(*item));
            }
            self.expect_no_votes(*item)?;
            match item {
                ItemRef::Idea(id) => ideas.push(*id),
                ItemRef::Cluster(id) => {
                    dissolved.push(*id);
                    ideas.extend(self.clusters[id.index()].ideas.iter().copied());
                }
            }
        }
        ideas.sort();
        let title = match title {
            Some(title) => clean_text(title, MAX_CLUSTER_TITLE_CHARS)?,
            // The first idea's text, cut to a title's length.
            None => self.ideas[ideas[0].index()]
                .text
                .chars()
                .take(MAX_CLUSTER_TITLE_CHARS as usize)
                .collect(),
        };
        let cluster = ClusterId(self.clusters.len() as u32);
        Ok(vec![Event::ClusterFormed {
            cluster,
            ideas,
            title,
            dissolved,
        }])
    }

    fn rename_cluster(&self, cluster: ClusterId, title: &str) -> Decision {
        self.expect_step(&[StepKind::Grouping])?;
        self.cluster(cluster)
            .ok_or_else(|| unknown_item(ItemRef::Cluster(cluster)))?;
        let title = clean_text(title, MAX_CLUSTER_TITLE_CHARS)?;
        Ok(vec![Event::ClusterRenamed { cluster, title }])
    }

    fn split_cluster(&self, cluster: ClusterId) -> Decision {
        self.expect_step(&[StepKind::Grouping])?;
        self.cluster(cluster)
            .ok_or_else(|| unknown_item(ItemRef::Cluster(cluster)))?;
        self.expect_no_votes(ItemRef::Cluster(cluster))?;
        Ok(vec![Event::ClusterSplit { cluster }])
    }

    fn set_idea_hidden(&self, idea: IdeaId, hidden: bool) -> Decision {
        self.expect_step(&[StepKind::Divergence, StepKind::Grouping])?;
        let found = self.existing_idea(idea)?;
        if found.cluster.is_some() {
            return Err(RuleViolation::IdeaInCluster);
        }
        if hidden {
            self.expect_no_votes(ItemRef::Idea(idea))?;
        }
        Ok(vec![Event::IdeaHiddenChanged { idea, hidden }])
    }

    // ---- budget vote ----

    fn set_vote(&self, role: Role, item: ItemRef, points: u32) -> Decision {
        let Role::Table(table) = role else {
            unreachable_role()
        };
        self.expect_open_step(&[StepKind::BudgetVote])?;
        let StepConfig::BudgetVote {
            budget,
            cap_per_item,
            allow_self_vote,
        } = *self.current_step_config()
        else {
            unreachable!("expect_open_step checked the step kind")
        };
        if !self.is_vote_item(item) {
            return Err(unknown_item(item));
        }
        if points > cap_per_item {
            return Err(RuleViolation::ItemCapExceeded {
                cap: cap_per_item,
                requested: points,
            });
        }
        if points > 0 && !allow_self_vote && self.is_authored_by(item, table) {
            return Err(RuleViolation::OwnIdea { item });
        }
        let step = self.current_step;
        let ledger = self.vote_ledger(step).expect("a vote step has a ledger");
        let spent = ledger.spent(table);
        let old = ledger.points(table, item);
        if spent - old + points > budget {
            return Err(RuleViolation::BudgetExceeded {
                budget,
                remaining: budget - spent,
                requested: points - old,
            });
        }
        Ok(vec![Event::VoteSet {
            step,
            table,
            item,
            points,
        }])
    }

    // ---- scoring ----

    fn set_score(
        &self,
        role: Role,
        seat: u8,
        item: u32,
        criterion: u32,
        score: Option<u8>,
    ) -> Decision {
        let Role::Table(table) = role else {
            unreachable_role()
        };
        self.expect_open_step(&[StepKind::Scoring])?;
        let StepConfig::Scoring {
            scale_min,
            scale_max,
            ..
        } = *self.current_step_config()
        else {
            unreachable!("expect_open_step checked the step kind")
        };
        let step = self.current_step;
        let shape = self.sheet_shape(step).expect("a scoring step has a sheet");
        if seat == 0 || seat > shape.seats {
            return Err(RuleViolation::UnknownSeat { seats: shape.seats });
        }
        if item >= shape.items {
            return Err(RuleViolation::UnknownItem {
                item: item.to_string(),
            });
        }
        if criterion >= shape.criteria {
            return Err(RuleViolation::UnknownCriterion {
                count: shape.criteria,
            });
        }
        if let Some(score) = score.filter(|s| !(scale_min..=scale_max).contains(s)) {
            return Err(RuleViolation::ScoreOutOfRange {
                min: scale_min,
                max: scale_max,
                score,
            });
        }
        Ok(vec![Event::ScoreSet {
            step,
            table,
            seat,
            item,
            criterion,
            score,
        }])
    }

    // ---- flow ----

    fn go_to_step(&self, step: usize) -> Decision {
        let count = self.config.steps().len();
        let target = self
            .config
            .step(step)
            .ok_or(RuleViolation::UnknownStep { count })?;
        let mut events = Vec::new();
        if self.step_open {
            events.push(Event::StepClosed {
                step: self.current_step,
            });
        }
        events.push(Event::StepChanged { step });
        let items_pending = self
            .score_sheet(step)
            .is_some_and(|sheet| sheet.items().is_none());
        if let (
            StepConfig::Scoring {
                items: ScoringItemsSource::TopOfVote { step: from, count },
                ..
            },
            true,
        ) = (target, items_pending)
        {
            events.push(Event::ScoringItemsChosen {
                step,
                items: self.top_of_vote(*from, *count),
            });
        }
        Ok(events)
    }

    /// The best `count` items of vote step `from`, as scoring items.
    fn top_of_vote(&self, from: usize, count: usize) -> Vec<ScoringItem> {
        self.vote_histogram(from)
            .map(|histogram| {
                histogram
                    .bars
                    .into_iter()
                    .take(count)
                    .map(|bar| ScoringItem {
                        text: self.item_label(bar.item).to_owned(),
                        from_item: Some(bar.item),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    // ---- shared checks ----

    fn expect_step(&self, kinds: &[StepKind]) -> Result<(), RuleViolation> {
        let current = self.current_step_config().kind();
        if kinds.contains(&current) {
            Ok(())
        } else {
            Err(RuleViolation::WrongStep {
                expected: kinds.to_vec(),
                current,
            })
        }
    }

    fn expect_open_step(&self, kinds: &[StepKind]) -> Result<(), RuleViolation> {
        self.expect_step(kinds)?;
        if self.step_open {
            Ok(())
        } else {
            Err(RuleViolation::StepClosed {
                current: self.current_step_config().kind(),
            })
        }
    }

    fn existing_idea(&self, idea: IdeaId) -> Result<&Idea, RuleViolation> {
        self.idea(idea)
            .ok_or_else(|| unknown_item(ItemRef::Idea(idea)))
    }

    fn expect_own_idea(&self, idea: &Idea, table: TableId) -> Result<(), RuleViolation> {
        if idea.author == Some(table) {
            Ok(())
        } else {
            Err(RuleViolation::NotYourIdea)
        }
    }

    fn expect_no_votes(&self, item: ItemRef) -> Result<(), RuleViolation> {
        if self.has_votes(item) {
            Err(RuleViolation::ItemHasVotes { item })
        } else {
            Ok(())
        }
    }
}

/// Who may send which command. Finer rules (own idea, open step) come after.
fn check_role(role: Role, command: &Command) -> Result<(), RuleViolation> {
    use Command as C;
    let allowed = match command {
        C::JoinTable { .. } => matches!(role, Role::Guest),
        C::SubmitIdea { .. } | C::EditIdea { .. } => {
            matches!(role, Role::Table(_) | Role::Facilitator)
        }
        C::DeleteIdea { .. } | C::SetVote { .. } | C::SetScore { .. } => {
            matches!(role, Role::Table(_))
        }
        C::MergeItems { .. }
        | C::RenameCluster { .. }
        | C::SplitCluster { .. }
        | C::SetIdeaHidden { .. }
        | C::GoToStep { .. }
        | C::OpenStep { .. }
        | C::CloseStep
        | C::SetJoiningLocked { .. }
        | C::SetResultsVisible { .. } => matches!(role, Role::Facilitator),
    };
    if allowed {
        Ok(())
    } else {
        Err(RuleViolation::NotAllowedForRole { role })
    }
}

fn unreachable_role() -> ! {
    unreachable!("check_role lets only tables send this command")
}

fn unknown_item(item: ItemRef) -> RuleViolation {
    RuleViolation::UnknownItem {
        item: item.to_string(),
    }
}

/// Trims `text` and checks its length in characters.
fn clean_text(text: &str, max: u32) -> Result<String, RuleViolation> {
    let text = text.trim();
    let len = char_count(text);
    if len == 0 {
        Err(RuleViolation::EmptyText)
    } else if len > max {
        Err(RuleViolation::TextTooLong { max, len })
    } else {
        Ok(text.to_owned())
    }
}
