//! Who is taking part: per table, its ideas, its points and its scores.
//! (Whether a tablet is online is the server's business, not the engine's.)

use serde::{Deserialize, Serialize};

use crate::ids::TableId;
use crate::workshop::Workshop;

/// One table's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableProgress {
    /// The table.
    pub table: TableId,
    /// Its name.
    pub name: String,
    /// Its live ideas (not deleted or hidden).
    pub ideas: u32,
    /// Points spent in the latest vote step, if there is one by now.
    pub points_spent: Option<u32>,
    /// Whether it is done voting in that step.
    pub vote_done: bool,
    /// Scores given in the latest scoring step (all seats).
    pub scores_given: u32,
    /// Scores expected there: seats × items × criteria.
    pub scores_expected: u32,
}

/// Participation in the whole workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    /// Every table, by id.
    pub tables: Vec<TableProgress>,
    /// Live ideas in all.
    pub ideas: u32,
    /// Tables done voting in the latest vote step.
    pub tables_done_voting: u32,
}

impl Workshop {
    /// Every table's progress.
    pub fn participation(&self) -> Participation {
        let histogram = self
            .latest_vote_step()
            .and_then(|step| self.vote_histogram(step));
        let scoring = self
            .latest_scoring_step()
            .and_then(|step| Some((self.score_sheet(step)?, self.sheet_shape(step)?)));
        let tables = self
            .tables
            .iter()
            .map(|table| {
                let budget = histogram.as_ref().map(|h| h.tables[table.id.index()]);
                let (scores_given, scores_expected) = scoring.map_or((0, 0), |(sheet, shape)| {
                    let expected = u32::from(shape.seats) * shape.items * shape.criteria;
                    (sheet.given_by(table.id), expected)
                });
                TableProgress {
                    table: table.id,
                    name: table.name.clone(),
                    ideas: self
                        .ideas
                        .iter()
                        .filter(|idea| idea.is_live() && idea.author == Some(table.id))
                        .count() as u32,
                    points_spent: budget.map(|b| b.spent),
                    vote_done: budget.is_some_and(|b| b.done),
                    scores_given,
                    scores_expected,
                }
            })
            .collect();
        Participation {
            tables,
            ideas: self.ideas.iter().filter(|idea| idea.is_live()).count() as u32,
            tables_done_voting: histogram.map_or(0, |h| h.tables_done),
        }
    }
}
