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
    /// Points from all tables, and from paper.
    pub points: u32,
    /// Tables that gave it at least one point.
    pub tables: u32,
    /// Of `points`, those counted on paper boards.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub paper: u32,
}

pub(crate) fn is_zero(n: &u32) -> bool {
    *n == 0
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
    /// Every table's budget, by id: for the facilitator (and the exports)
    /// only. The frames to tablets and wall leave it out: with 200 tables it
    /// would be 10 KB of each results frame, sent to every screen many times
    /// a second over the venue's Wi-Fi (see [`VoteHistogram::public`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableBudget>,
    /// How many tables there are.
    #[serde(default)]
    pub tables_total: u32,
    /// How many tables are done.
    pub tables_done: u32,
}

impl VoteHistogram {
    /// The histogram as tablets and wall get it: without each table's budget
    /// (the counts stay).
    pub fn public(self) -> VoteHistogram {
        VoteHistogram {
            tables: Vec::new(),
            ..self
        }
    }
}

impl Workshop {
    /// The histogram of vote step `step`, or `None` if it is not a budget vote.
    pub fn vote_histogram(&self, step: usize) -> Option<VoteHistogram> {
        let StepConfig::BudgetVote(Config {
            budget,
            cap_per_item,
            allow_self_vote,
            own_groups,
        }) = *self.config.step(step)?
        else {
            return None;
        };
        let ledger = self.vote_ledger(step)?;
        // The items come in `ItemRef` order (ideas by id, then clusters by
        // id), like the ledger's totals: walk both together instead of
        // looking each item up (the lookups were half of the histogram's cost).
        let mut totals = ledger.tallies().peekable();
        let paper_totals = self.paper.totals(step);
        let mut bars: Vec<VoteBar> = self
            .vote_items()
            .map(|item| {
                while totals.next_if(|(counted, _)| *counted < item).is_some() {}
                let tally = totals
                    .next_if(|(counted, _)| *counted == item)
                    .map(|(_, tally)| tally)
                    .unwrap_or_default();
                let paper = paper_totals.get(&item).copied().unwrap_or(0);
                VoteBar {
                    item,
                    points: tally.points + paper,
                    tables: tally.tables,
                    paper,
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
                            || (!allow_self_vote && self.is_own(item, table.id, own_groups))
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
            tables_total: tables.len() as u32,
            tables,
            tables_done,
        })
    }

    /// What `table` can still give in vote step `step`, and the most it could
    /// give in all as the items stand: `(spendable, reachable)`. Each item it
    /// may vote for takes the cap at most, its own ideas none (unless
    /// allowed): with 9 items and a cap of 3, a table reaches 27 points of
    /// 30, and once it has given them it is done with 3 left.
    pub fn points_within_reach(&self, step: usize, table: TableId) -> Option<(u32, u32)> {
        let StepConfig::BudgetVote(Config {
            budget,
            cap_per_item,
            allow_self_vote,
            own_groups,
        }) = *self.config.step(step)?
        else {
            return None;
        };
        let ledger = self.vote_ledger(step)?;
        let open_items = self
            .vote_items()
            .filter(|&item| allow_self_vote || !self.is_own(item, table, own_groups));
        let (mut room, mut reachable) = (0_u32, 0_u32);
        for item in open_items {
            room += cap_per_item - ledger.points(table, item).min(cap_per_item);
            reachable += cap_per_item;
        }
        let remaining = budget.saturating_sub(ledger.spent(table));
        Some((remaining.min(room), budget.min(reachable)))
    }

    /// The latest budget vote step at or before the current step (the one screens show).
    pub fn latest_vote_step(&self) -> Option<usize> {
        (0..=self.current_step)
            .rev()
            .find(|&s| self.vote_ledger(s).is_some())
    }
}

#[cfg(test)]
mod tests {
    use crate::command::{Command, Role};
    use crate::ids::{IdeaId, ItemRef, TableId};
    use crate::methods::{budget_vote, divergence};
    use crate::templates::Template;
    use crate::{Workshop, WorkshopConfig, flow, joining};

    #[test]
    fn a_table_is_done_when_no_item_can_take_its_points_left() {
        let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
        let mut w = Workshop::new(WorkshopConfig::new(setup).unwrap());
        let f = Role::Facilitator;
        let join = joining::JoinTable { name: "A".into() };
        w.handle(Role::Guest, &join.into(), 0).unwrap();
        let table = TableId(0);
        w.handle(
            f,
            &flow::OpenStep {
                duration_secs: None,
            }
            .into(),
            0,
        )
        .unwrap();
        w.handle(
            Role::Table(table),
            &divergence::SubmitIdea {
                text: "sienne".into(),
                category: None,
                seat: None,
            }
            .into(),
            0,
        )
        .unwrap();
        for n in 0..3 {
            let submit = divergence::SubmitIdea {
                text: format!("idée {n}"),
                category: None,
                seat: None,
            };
            w.handle(f, &submit.into(), 0).unwrap();
        }
        w.handle(f, &flow::GoToStep { step: 2 }.into(), 0).unwrap();
        w.handle(
            f,
            &flow::OpenStep {
                duration_secs: None,
            }
            .into(),
            0,
        )
        .unwrap();
        // Three items it may vote for (not its own) × 3 = 9 of 30.
        assert_eq!(w.points_within_reach(2, table), Some((9, 9)));
        for n in 1..=3 {
            let vote = budget_vote::SetVote {
                item: ItemRef::Idea(IdeaId(n)),
                points: 3,
            };
            w.handle(Role::Table(table), &Command::SetVote(vote), 0)
                .unwrap();
        }
        assert_eq!(w.points_within_reach(2, table), Some((0, 9)));
        let histogram = w.vote_histogram(2).unwrap();
        assert_eq!(
            (histogram.tables[0].remaining, histogram.tables[0].done),
            (21, true)
        );
    }
}
