//! A scoring step's record: its items, and each seat's score of each item on
//! each criterion.

use serde::{Deserialize, Serialize};

use super::{Criterion, ScoringItem};
use crate::ids::TableId;

/// The scores of one scoring step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSheet {
    /// The items being scored; `None` until the step is first reached (when
    /// they come from a vote).
    items: Option<Vec<ScoringItem>>,
    /// The criteria, when chosen during the workshop (from an earlier vote,
    /// or set by the facilitator); `None`: the step's settings' own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    criteria: Option<Vec<Criterion>>,
    /// Indexed by table id; each is `[seat][item][criterion]` flattened, `None`
    /// where not scored yet. Empty until the table's first score.
    scores: Vec<Vec<Option<u8>>>,
}

/// Where one score sits in a [`ScoreSheet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreCell {
    /// The table.
    pub table: TableId,
    /// The seat, from 1.
    pub seat: u8,
    /// The item's index.
    pub item: u32,
    /// The criterion's index.
    pub criterion: u32,
}

/// The shape of a sheet: how many seats, items and criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetShape {
    /// Seats per table.
    pub seats: u8,
    /// Items to score.
    pub items: u32,
    /// Criteria per item.
    pub criteria: u32,
}

impl SheetShape {
    fn cells(self) -> usize {
        usize::from(self.seats) * self.items as usize * self.criteria as usize
    }

    fn offset(self, cell: ScoreCell) -> usize {
        ((usize::from(cell.seat) - 1) * self.items as usize + cell.item as usize)
            * self.criteria as usize
            + cell.criterion as usize
    }
}

impl ScoreSheet {
    /// A sheet whose items are known from the start.
    pub fn with_items(items: Vec<ScoringItem>) -> Self {
        ScoreSheet {
            items: Some(items),
            criteria: None,
            scores: Vec::new(),
        }
    }

    /// The criteria chosen during the workshop, if any.
    pub fn criteria(&self) -> Option<&[Criterion]> {
        self.criteria.as_deref()
    }

    /// Fixes the criteria (from a vote when the step is reached, or by the
    /// facilitator before any score).
    pub fn choose_criteria(&mut self, criteria: Vec<Criterion>) {
        self.criteria = Some(criteria);
        // No score is given (the rules say so), but a cleared one leaves
        // its table's row sized for the old number of criteria: a row is
        // laid out by the sheet's shape, so it starts again.
        self.scores.clear();
    }

    /// Whether any seat has given any score.
    pub fn has_scores(&self) -> bool {
        self.scores.iter().flatten().any(Option::is_some)
    }

    /// The items, once chosen.
    pub fn items(&self) -> Option<&[ScoringItem]> {
        self.items.as_deref()
    }

    /// Fixes the items (when a scoring step taking a vote's top is first reached).
    pub fn choose_items(&mut self, items: Vec<ScoringItem>) {
        self.items = Some(items);
    }

    /// One score, if given.
    pub fn score(&self, shape: SheetShape, cell: ScoreCell) -> Option<u8> {
        self.scores
            .get(cell.table.index())?
            .get(shape.offset(cell))
            .copied()
            .flatten()
    }

    /// Sets or clears one score. The cell must be within `shape` (the rules check it).
    pub fn set(&mut self, shape: SheetShape, cell: ScoreCell, score: Option<u8>) {
        let t = cell.table.index();
        if self.scores.len() <= t {
            self.scores.resize_with(t + 1, Vec::new);
        }
        let row = &mut self.scores[t];
        if row.is_empty() {
            row.resize(shape.cells(), None);
        }
        if let Some(slot) = row.get_mut(shape.offset(cell)) {
            *slot = score;
        }
    }

    /// Every given score of `item` on `criterion`, from all tables and seats.
    pub fn scores_of(
        &self,
        shape: SheetShape,
        item: u32,
        criterion: u32,
    ) -> impl Iterator<Item = u8> + '_ {
        self.scores.iter().enumerate().flat_map(move |(t, row)| {
            (1..=shape.seats).filter_map(move |seat| {
                let cell = ScoreCell {
                    table: TableId(t as u32),
                    seat,
                    item,
                    criterion,
                };
                row.get(shape.offset(cell)).copied().flatten()
            })
        })
    }

    /// The same sheet with only `table`'s scores (what that table may see).
    pub fn only_table(&self, table: TableId) -> ScoreSheet {
        let scores = self
            .scores
            .iter()
            .enumerate()
            .map(|(t, row)| {
                if t == table.index() {
                    row.clone()
                } else {
                    Vec::new()
                }
            })
            .collect();
        ScoreSheet {
            items: self.items.clone(),
            criteria: self.criteria.clone(),
            scores,
        }
    }

    /// The same sheet with its items and no scores (what the wall may see).
    pub fn without_scores(&self) -> ScoreSheet {
        ScoreSheet {
            items: self.items.clone(),
            criteria: self.criteria.clone(),
            scores: Vec::new(),
        }
    }

    /// How many scores `table` has given (all seats, items and criteria).
    pub fn given_by(&self, table: TableId) -> u32 {
        self.scores
            .get(table.index())
            .map_or(0, |row| row.iter().flatten().count() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_land_in_their_own_cell() {
        let shape = SheetShape {
            seats: 3,
            items: 2,
            criteria: 2,
        };
        let mut sheet = ScoreSheet::with_items(Vec::new());
        let cell = |seat, item, criterion| ScoreCell {
            table: TableId(1),
            seat,
            item,
            criterion,
        };
        sheet.set(shape, cell(3, 1, 1), Some(7));
        sheet.set(shape, cell(1, 0, 0), Some(2));
        assert_eq!(sheet.score(shape, cell(3, 1, 1)), Some(7));
        assert_eq!(sheet.score(shape, cell(1, 0, 0)), Some(2));
        assert_eq!(sheet.score(shape, cell(2, 1, 1)), None);
        assert_eq!(sheet.scores_of(shape, 1, 1).collect::<Vec<_>>(), vec![7]);
        assert_eq!(sheet.given_by(TableId(1)), 2);
        sheet.set(shape, cell(3, 1, 1), None);
        assert_eq!(sheet.given_by(TableId(1)), 1);
    }
}
