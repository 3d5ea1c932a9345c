//! A dot vote's record: each seat's dots per item, with running totals so that
//! checking a dot and drawing the histogram cost the same on the first dot and
//! the thousandth.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{ItemRef, TableId};

/// The running total of one item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DotCount {
    /// Dots from all seats.
    pub dots: u32,
    /// Seats that gave it at least one dot.
    pub seats: u32,
}

/// The dots of one dot vote step.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DotLedger {
    /// Indexed by table id, then by seat − 1: that seat's dots per item
    /// (items without dots are absent).
    given: Vec<Vec<BTreeMap<ItemRef, u32>>>,
    /// Dots and seats per item (a running sum of `given`).
    totals: BTreeMap<ItemRef, DotCount>,
}

/// Two ledgers are equal when they hold the same dots (see `VoteLedger`:
/// a seat that took its dots back leaves an empty slot).
impl PartialEq for DotLedger {
    fn eq(&self, other: &Self) -> bool {
        let dots = |ledger: &DotLedger| {
            let mut all = Vec::new();
            for (t, seats) in ledger.given.iter().enumerate() {
                for (s, items) in seats.iter().enumerate() {
                    all.extend(items.iter().map(|(item, dots)| (t, s, *item, *dots)));
                }
            }
            all
        };
        self.totals == other.totals && dots(self) == dots(other)
    }
}

impl Eq for DotLedger {}

impl DotLedger {
    fn seat(&self, table: TableId, seat: u8) -> Option<&BTreeMap<ItemRef, u32>> {
        self.given
            .get(table.index())?
            .get(usize::from(seat).checked_sub(1)?)
    }

    /// The dots `seat` of `table` put on `item`.
    pub fn dots(&self, table: TableId, seat: u8, item: ItemRef) -> u32 {
        self.seat(table, seat)
            .and_then(|items| items.get(&item))
            .copied()
            .unwrap_or(0)
    }

    /// The dots `seat` of `table` has placed, per item (items with dots only).
    pub fn given_by(&self, table: TableId, seat: u8) -> impl Iterator<Item = (ItemRef, u32)> + '_ {
        self.seat(table, seat)
            .into_iter()
            .flatten()
            .map(|(item, dots)| (*item, *dots))
    }

    /// All the dots `seat` of `table` has placed.
    pub fn placed(&self, table: TableId, seat: u8) -> u32 {
        self.seat(table, seat)
            .map_or(0, |items| items.values().sum())
    }

    /// The running total of `item`.
    pub fn count(&self, item: ItemRef) -> DotCount {
        self.totals.get(&item).copied().unwrap_or_default()
    }

    /// Whether any seat put a dot on `item`.
    pub fn has_dots(&self, item: ItemRef) -> bool {
        self.totals.contains_key(&item)
    }

    /// Sets the dots of `seat` (from 1) of `table` on `item`, keeping the totals right.
    pub fn set(&mut self, table: TableId, seat: u8, item: ItemRef, dots: u32) {
        let (t, s) = (table.index(), usize::from(seat.max(1)) - 1);
        if self.given.len() <= t {
            self.given.resize_with(t + 1, Vec::new);
        }
        if self.given[t].len() <= s {
            self.given[t].resize_with(s + 1, BTreeMap::new);
        }
        let old = if dots == 0 {
            self.given[t][s].remove(&item).unwrap_or(0)
        } else {
            self.given[t][s].insert(item, dots).unwrap_or(0)
        };
        let count = self.totals.entry(item).or_default();
        count.dots = count.dots - old + dots;
        match (old > 0, dots > 0) {
            (false, true) => count.seats += 1,
            (true, false) => count.seats -= 1,
            _ => {}
        }
        if count.dots == 0 {
            self.totals.remove(&item);
        }
    }

    /// The same ledger with only `table`'s dots (what that table may see).
    pub fn only_table(&self, table: TableId) -> DotLedger {
        let mut only = DotLedger::default();
        if let Some(seats) = self.given.get(table.index()) {
            for (s, items) in seats.iter().enumerate() {
                for (item, dots) in items {
                    only.set(table, s as u8 + 1, *item, *dots);
                }
            }
        }
        only
    }

    /// Recomputes the totals from the dots and says whether they match (for tests).
    pub fn check_sums(&self) -> bool {
        let mut totals: BTreeMap<ItemRef, DotCount> = BTreeMap::new();
        for items in self.given.iter().flatten() {
            for (item, dots) in items {
                let count = totals.entry(*item).or_default();
                count.dots += dots;
                count.seats += 1;
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
    fn dots_are_set_per_seat_and_the_totals_follow() {
        let mut ledger = DotLedger::default();
        let (a, b) = (ItemRef::Idea(IdeaId(0)), ItemRef::Idea(IdeaId(1)));
        ledger.set(TableId(1), 2, a, 1);
        ledger.set(TableId(1), 3, a, 1);
        ledger.set(TableId(0), 1, b, 1);
        ledger.set(TableId(1), 2, a, 1); // a set, not an increment
        assert_eq!(ledger.count(a), DotCount { dots: 2, seats: 2 });
        assert_eq!(ledger.placed(TableId(1), 2), 1);
        assert_eq!(ledger.dots(TableId(1), 1, a), 0);
        ledger.set(TableId(1), 3, a, 0);
        assert_eq!(ledger.count(a), DotCount { dots: 1, seats: 1 });
        assert!(ledger.check_sums());
        let only = ledger.only_table(TableId(0));
        assert_eq!(only.count(a), DotCount::default());
        assert_eq!(only.count(b), DotCount { dots: 1, seats: 1 });
    }
}
