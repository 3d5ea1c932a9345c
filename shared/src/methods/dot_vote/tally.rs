//! The live histogram of a dot vote: dots per item, and how many seats have
//! placed all their dots.

use serde::{Deserialize, Serialize};

use super::Config;
use crate::config::StepConfig;
use crate::ids::ItemRef;
use crate::workshop::Workshop;

/// One bar of the histogram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DotBar {
    /// The idea or cluster (its text is in the client's copy of the workshop).
    pub item: ItemRef,
    /// Dots from all seats.
    pub dots: u32,
    /// Seats that put at least one dot on it.
    pub seats: u32,
    /// Of `dots`, those counted on paper boards.
    #[serde(
        default,
        skip_serializing_if = "crate::methods::budget_vote::histogram::is_zero"
    )]
    pub paper: u32,
}

/// The histogram of one dot vote step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DotTally {
    /// The dot vote step's index.
    pub step: usize,
    /// Dots each seat may place.
    pub dots_per_seat: u32,
    /// Every item that can get dots, most dots first; ties keep the items' order.
    pub bars: Vec<DotBar>,
    /// Seats (people) in the room: tables × seats per table.
    pub seats_total: u32,
    /// Seats that have placed all their dots.
    pub seats_done: u32,
}

impl Workshop {
    /// The histogram of dot vote step `step`, or `None` if it is not a dot vote.
    pub fn dot_tally(&self, step: usize) -> Option<DotTally> {
        let StepConfig::DotVote(Config { dots_per_seat, .. }) = *self.config.step(step)? else {
            return None;
        };
        let ledger = self.dot_ledger(step)?;
        let paper_totals = self.paper.totals(step);
        let mut bars: Vec<DotBar> = self
            .vote_items()
            .map(|item| {
                let count = ledger.count(item);
                let paper = paper_totals.get(&item).copied().unwrap_or(0);
                DotBar {
                    item,
                    dots: count.dots + paper,
                    seats: count.seats,
                    paper,
                }
            })
            .collect();
        // A stable sort: equal counts keep the items' own order.
        bars.sort_by_key(|bar| std::cmp::Reverse(bar.dots));
        let seats = self.config.seats();
        let seats_done = self
            .tables
            .iter()
            .flat_map(|table| (1..=seats).map(move |seat| (table.id, seat)))
            .filter(|&(table, seat)| ledger.placed(table, seat) >= dots_per_seat)
            .count() as u32;
        Some(DotTally {
            step,
            dots_per_seat,
            bars,
            seats_total: self.tables.len() as u32 * u32::from(seats),
            seats_done,
        })
    }

    /// The latest dot vote step at or before the current step (the one screens show).
    pub fn latest_dot_step(&self) -> Option<usize> {
        (0..=self.current_step)
            .rev()
            .find(|&s| self.dot_ledger(s).is_some())
    }
}
