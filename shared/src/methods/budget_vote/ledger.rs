//! A budget vote's record: each table's points per item.
//!
//! [`VoteLedger`] keeps, beside each table's points, two running sums (points
//! spent per table, points and tables per item) so that checking a vote and
//! updating the histogram cost the same on the first vote and the ten
//! thousandth. They are updated in one place, [`VoteLedger::set`], and
//! [`VoteLedger::check_sums`] recomputes them from scratch in tests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{ItemRef, TableId};

/// The running total of one item in one vote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemTally {
    /// Points from all tables.
    pub points: u32,
    /// Tables that gave it at least one point.
    pub tables: u32,
}

/// The points of one budget vote step.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VoteLedger {
    /// Each table's points per item, indexed by table id; items with 0 points are absent.
    given: Vec<BTreeMap<ItemRef, u32>>,
    /// Points spent per table, indexed by table id (a running sum of `given`).
    spent: Vec<u32>,
    /// Points and tables per item (a running sum of `given`).
    totals: BTreeMap<ItemRef, ItemTally>,
}

/// Two ledgers are equal when they hold the same points: a table that took
/// its points back leaves an empty slot, which a ledger rebuilt from a
/// snapshot does not have.
impl PartialEq for VoteLedger {
    fn eq(&self, other: &Self) -> bool {
        let points = |ledger: &VoteLedger| {
            let by_table = ledger.given.iter().enumerate();
            by_table
                .flat_map(|(t, items)| items.iter().map(move |(item, points)| (t, *item, *points)))
                .collect::<Vec<_>>()
        };
        self.totals == other.totals && points(self) == points(other)
    }
}

impl Eq for VoteLedger {}

impl VoteLedger {
    /// The points `table` gives `item` (0 if none).
    #[inline]
    pub fn points(&self, table: TableId, item: ItemRef) -> u32 {
        self.given
            .get(table.index())
            .and_then(|m| m.get(&item))
            .copied()
            .unwrap_or(0)
    }

    /// All points spent by `table`.
    #[inline]
    pub fn spent(&self, table: TableId) -> u32 {
        self.spent.get(table.index()).copied().unwrap_or(0)
    }

    /// The running total of `item`.
    pub fn tally(&self, item: ItemRef) -> ItemTally {
        self.totals.get(&item).copied().unwrap_or_default()
    }

    /// Every item with at least one point, and its total.
    pub fn tallies(&self) -> impl Iterator<Item = (ItemRef, ItemTally)> + '_ {
        self.totals.iter().map(|(item, tally)| (*item, *tally))
    }

    /// `table`'s points per item (items with points only).
    pub fn given_by(&self, table: TableId) -> impl Iterator<Item = (ItemRef, u32)> + '_ {
        self.given
            .get(table.index())
            .into_iter()
            .flatten()
            .map(|(item, points)| (*item, *points))
    }

    /// Sets `table`'s points for `item`, keeping the running sums right.
    #[inline]
    pub fn set(&mut self, table: TableId, item: ItemRef, points: u32) {
        let t = table.index();
        if self.given.len() <= t {
            self.given.resize_with(t + 1, BTreeMap::new);
            self.spent.resize(t + 1, 0);
        }
        let old = if points == 0 {
            self.given[t].remove(&item).unwrap_or(0)
        } else {
            self.given[t].insert(item, points).unwrap_or(0)
        };
        self.spent[t] = self.spent[t] - old + points;
        let tally = self.totals.entry(item).or_default();
        tally.points = tally.points - old + points;
        match (old > 0, points > 0) {
            (false, true) => tally.tables += 1,
            (true, false) => tally.tables -= 1,
            _ => {}
        }
        if tally.points == 0 {
            self.totals.remove(&item);
        }
    }

    /// The same ledger with only `table`'s points (what that table may see).
    pub fn only_table(&self, table: TableId) -> VoteLedger {
        let mut only = VoteLedger::default();
        for (item, points) in self.given_by(table) {
            only.set(table, item, points);
        }
        only
    }

    /// Recomputes the running sums from the points and says whether they match
    /// (for tests and property tests).
    pub fn check_sums(&self) -> bool {
        let mut totals: BTreeMap<ItemRef, ItemTally> = BTreeMap::new();
        for (t, items) in self.given.iter().enumerate() {
            if items.values().sum::<u32>() != self.spent[t] {
                return false;
            }
            for (item, points) in items {
                let tally = totals.entry(*item).or_default();
                tally.points += points;
                tally.tables += 1;
            }
        }
        totals == self.totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::IdeaId;

    #[test]
    fn setting_points_keeps_the_sums_right() {
        let mut ledger = VoteLedger::default();
        let (a, b) = (ItemRef::Idea(IdeaId(0)), ItemRef::Idea(IdeaId(1)));
        ledger.set(TableId(0), a, 3);
        ledger.set(TableId(2), a, 2);
        ledger.set(TableId(2), b, 1);
        ledger.set(TableId(0), a, 1); // a set, not an increment
        assert_eq!(ledger.spent(TableId(0)), 1);
        assert_eq!(ledger.spent(TableId(2)), 3);
        assert_eq!(
            ledger.tally(a),
            ItemTally {
                points: 3,
                tables: 2
            }
        );
        ledger.set(TableId(2), a, 0);
        assert_eq!(
            ledger.tally(a),
            ItemTally {
                points: 1,
                tables: 1
            }
        );
        ledger.set(TableId(0), a, 0);
        assert_eq!(ledger.tally(a), ItemTally::default());
        assert_eq!(
            ledger.tallies().count(),
            1,
            "an item back at 0 points leaves the totals"
        );
        assert!(ledger.check_sums());
    }
}
