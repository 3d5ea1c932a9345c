//! Grouping while a vote is on: a duplicate noticed during the vote can be
//! merged, a group split, an idea hidden, without every table first taking
//! its points back. The rule (docs/protocol.md, « Regrouper pendant un vote »):
//!
//! - **merging** moves each table's points (each seat's dots) on the merged
//!   items to the new group, up to the cap; what is over the cap goes back
//!   to the table's budget (the seat's dots); and nothing stays on a group
//!   that is the table's own (its ideas, by the vote's `own_groups`);
//! - **splitting** a group and **hiding** an idea give their points back;
//! - each table that got points back is told ([`VotesReturned`]).
//!
//! Only the current vote's points move: an item with points in another step
//! (a finished vote) still cannot be regrouped (`item_has_votes`). The moves
//! are ordinary `vote_set` / `dot_set` events around the grouping event, so
//! budgets, caps and self-votes hold by construction, and the model test
//! checks them after every random sequence.

use serde::{Deserialize, Serialize};

use crate::config::StepConfig;
use crate::event::Event;
use crate::ids::{IdeaId, ItemRef, TableId};
use crate::methods::{EventRules, OwnGroups, budget_vote, dot_vote};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, StepRecord, Workshop};

/// Why a table got points or dots back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    /// Its items were merged and the group holds at most the cap.
    Merged,
    /// The group it backed was split.
    Split,
    /// The idea it backed was hidden.
    Hidden,
}

/// A table got points (in a budget vote) or dots (in a dot vote) back
/// because the facilitator regrouped during the vote. Only that table and
/// the facilitator receive it; its tablet says so in its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotesReturned {
    /// The vote step.
    pub step: usize,
    /// The table.
    pub table: TableId,
    /// How many points (or dots, all its seats together) came back.
    pub points: u32,
    /// Why.
    pub reason: ReturnReason,
}

impl EventRules for VotesReturned {
    fn audience(&self) -> Audience {
        Audience::OneTable(self.table)
    }

    /// Nothing to record: the points moved by their own events; this one
    /// only tells the table.
    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        if workshop.table(self.table).is_none() {
            return Err(ReplayError("the table told does not exist".into()));
        }
        Ok(())
    }
}

/// The events that move the current vote's points when `removed` items stop
/// being vote items: `before` (taking the points off them) goes before the
/// grouping event, `after` (onto the new group, and who is told) after it.
/// `into`: the new group and all its ideas, for a merge.
pub(crate) struct Moves {
    pub(crate) before: Vec<Event>,
    pub(crate) after: Vec<Event>,
}

impl Workshop {
    /// Refuses when an item holds points in a step other than the current
    /// one (a finished vote is not rewritten), or paper votes in any (a
    /// board's stickers do not move with a merge).
    pub(crate) fn expect_no_votes_elsewhere(&self, item: ItemRef) -> Result<(), RuleViolation> {
        let elsewhere = self.paper.any_on(item)
            || self.records.iter().enumerate().any(|(step, record)| {
                step != self.current_step
                    && match record {
                        StepRecord::Vote(ledger) => ledger.tally(item).points > 0,
                        StepRecord::Dots(ledger) => ledger.has_dots(item),
                        StepRecord::Nothing
                        | StepRecord::Scoring(_)
                        | StepRecord::Web { .. }
                        | StepRecord::Journey(_) => false,
                    }
            });
        if elsewhere {
            Err(RuleViolation::ItemHasVotes { item })
        } else {
            Ok(())
        }
    }

    /// What regrouping `removed` does to the current step's points or dots.
    pub(crate) fn votes_moved(
        &self,
        removed: &[ItemRef],
        into: Option<(ItemRef, &[IdeaId])>,
        reason: ReturnReason,
    ) -> Moves {
        let step = self.current_step;
        let mut moves = Moves {
            before: Vec::new(),
            after: Vec::new(),
        };
        // Whether the new group would be `table`'s own, by the step's rule.
        let own = |table: TableId, allowed: bool, policy: OwnGroups| {
            let Some((_, ideas)) = into else {
                return false;
            };
            !allowed && self.ideas_are_own(ideas, table, policy)
        };
        match (self.config.step(step), self.records.get(step)) {
            (Some(StepConfig::BudgetVote(config)), Some(StepRecord::Vote(ledger))) => {
                for table in &self.tables {
                    let table = table.id;
                    let mut had = 0;
                    for &item in removed {
                        let points = ledger.points(table, item);
                        if points > 0 {
                            had += points;
                            let set = budget_vote::VoteSet {
                                step,
                                table,
                                item,
                                points: 0,
                            };
                            moves.before.push(set.into());
                        }
                    }
                    if had == 0 {
                        continue;
                    }
                    let kept = match into {
                        Some(_) if own(table, config.allow_self_vote, config.own_groups) => 0,
                        Some(_) => had.min(config.cap_per_item),
                        None => 0,
                    };
                    if let (Some((group, _)), true) = (into, kept > 0) {
                        let set = budget_vote::VoteSet {
                            step,
                            table,
                            item: group,
                            points: kept,
                        };
                        moves.after.push(set.into());
                    }
                    if had > kept {
                        moves.after.push(told(step, table, had - kept, reason));
                    }
                }
            }
            (Some(StepConfig::DotVote(config)), Some(StepRecord::Dots(ledger))) => {
                let seats = self.config.seats();
                for table in &self.tables {
                    let table = table.id;
                    let mut returned = 0;
                    for seat in 1..=seats {
                        let mut had = 0;
                        for &item in removed {
                            let dots = ledger.dots(table, seat, item);
                            if dots > 0 {
                                had += dots;
                                let set = dot_vote::DotSet {
                                    step,
                                    table,
                                    seat,
                                    item,
                                    dots: 0,
                                };
                                moves.before.push(set.into());
                            }
                        }
                        if had == 0 {
                            continue;
                        }
                        let kept = match into {
                            Some(_) if own(table, config.allow_self_vote, config.own_groups) => 0,
                            Some(_) => had.min(config.max_per_item),
                            None => 0,
                        };
                        if let (Some((group, _)), true) = (into, kept > 0) {
                            let set = dot_vote::DotSet {
                                step,
                                table,
                                seat,
                                item: group,
                                dots: kept,
                            };
                            moves.after.push(set.into());
                        }
                        returned += had - kept;
                    }
                    if returned > 0 {
                        moves.after.push(told(step, table, returned, reason));
                    }
                }
            }
            _ => {}
        }
        moves
    }
}

fn told(step: usize, table: TableId, points: u32, reason: ReturnReason) -> Event {
    VotesReturned {
        step,
        table,
        points,
        reason,
    }
    .into()
}
