//! The live histogram of a budget vote: points per item, and each table's budget.

use serde::{Deserialize, Serialize};

use super::Config;
use crate::config::StepConfig;
use crate::ids::{ItemRef, TableId};
use crate::workshop::Workshop;

/// One bar of the histogram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteBar {
    /// The idea or cluster. Its text is in the client's copy of the workshop
    /// ([`Workshop::item_label`]): a results frame goes to every client many
    /// times a second, so it carries numbers only.
    pub item: ItemRef,
    /// Points from all tables.
    pub points: u32,
    /// Tables that gave it at least one point.
    pub tables: u32,
}

/// Where one table stands in a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableBudget {
    /// The table.
    pub table: TableId,
    /// Points spent.
    pub spent: u32,
    /// Points left.
    pub remaining: u32,
    /// Nothing left to do: every point spent, or every item it may vote for at the cap.
    pub done: bool,
}

/// The histogram of one budget vote step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteHistogram {
    /// The vote step's index.
    pub step: usize,
    /// Points per table.
    pub budget: u32,
    /// Most points per item from one table.
    pub cap_per_item: u32,
    /// Every item that can be voted on, most points first; ties keep the items' order.
    pub bars: Vec<VoteBar>,
    /// Every table, by id.
    pub tables: Vec<TableBudget>,
    /// How many tables are done.
    pub tables_done: u32,
}

impl Workshop {
    /// The histogram of vote step `step`, or `None` if it is not a budget vote.
    pub fn vote_histogram(&self, step: usize) -> Option<VoteHistogram> {
        let StepConfig::BudgetVote(Config {
            budget,
            cap_per_item,
            allow_self_vote,
        }) = *self.config.step(step)?
        else {
            return None;
        };
        let ledger = self.vote_ledger(step)?;
        // The items come in `ItemRef` order (ideas by id, then clusters by
        // id), like the ledger's totals: walk both together instead of
        // looking each item up (the lookups were half of the histogram's cost).
        let mut totals = ledger.tallies().peekable();
        let mut bars: Vec<VoteBar> = self
            .vote_items()
            .map(|item| {
                while totals.next_if(|(counted, _)| *counted < item).is_some() {}
                let tally = totals
                    .next_if(|(counted, _)| *counted == item)
                    .map(|(_, tally)| tally)
                    .unwrap_or_default();
                VoteBar {
                    item,
                    points: tally.points,
                    tables: tally.tables,
                }
            })
            .collect();
        // A stable sort: equal points keep the items' own order.
        bars.sort_by_key(|bar| std::cmp::Reverse(bar.points));
        let tables: Vec<TableBudget> = self
            .tables
            .iter()
            .map(|table| {
                let spent = ledger.spent(table.id);
                let remaining = budget - spent;
                // A table with points left is still done when no item can take more of them.
                let done = remaining == 0
                    || self.vote_items().all(|item| {
                        ledger.points(table.id, item) >= cap_per_item
                            || (!allow_self_vote && self.is_authored_by(item, table.id))
                    });
                TableBudget {
                    table: table.id,
                    spent,
                    remaining,
                    done,
                }
            })
            .collect();
        let tables_done = tables.iter().filter(|t| t.done).count() as u32;
        Some(VoteHistogram {
            step,
            budget,
            cap_per_item,
            bars,
            tables,
            tables_done,
        })
    }

    /// The latest budget vote step at or before the current step (the one screens show).
    pub fn latest_vote_step(&self) -> Option<usize> {
        (0..=self.current_step)
            .rev()
            .find(|&s| self.vote_ledger(s).is_some())
    }
}
