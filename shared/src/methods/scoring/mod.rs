//! Multi-criteria scoring (« évaluation multicritère »): each seat of each
//! table scores each item 0–10 (by default) on each criterion. The items are
//! typed in by the facilitator, or taken from the top of an earlier budget
//! vote when the step is first reached; so may the criteria be, from an
//! earlier vote on criteria. Results: the distribution of scores per item
//! and criterion, support, spread and a consensus label.
//!
//! - [`criteria`]: criteria the room chose, and the facilitator's wording.
//! - [`sheet`]: the record.
//! - [`results`]: the results view.
//! - [`texts`]: its refusals, in French and English.

pub mod criteria;
pub mod results;
pub mod sheet;
pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{ConfigError, Lang, MAX_NAME_CHARS, StepConfig, StepKind, text_fits};
use crate::event::Event;
use crate::ids::{ItemRef, TableId};
use crate::methods::divergence::DEFAULT_MAX_IDEA_CHARS;
use crate::methods::{Breach, CommandRules, EventRules, StepRules, bad_step};
use crate::rules::Decision;
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, StepRecord, Workshop};

pub use criteria::{CriteriaFromVote, CriteriaSet, SetCriteria};
use sheet::{ScoreCell, ScoreSheet, SheetShape};

/// The most criteria a scoring step may have.
pub const MAX_CRITERIA: usize = 12;
/// The most items a scoring step may have.
pub const MAX_SCORING_ITEMS: usize = 100;
/// The highest top of a scale.
pub const MAX_SCALE: u8 = 100;

/// What participants are asked to do, in their words (tablets, wall).
pub fn task(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Notez les idées",
        Lang::En => "Score the ideas",
    }
}

/// The method's name on screens.
pub fn name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "évaluation multicritère",
        Lang::En => "multi-criteria scoring",
    }
}

/// A scoring step's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// What to judge the items on (with `criteria_from`: until the vote
    /// gives them, and may be empty).
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// The best items of an earlier vote on criteria, taken as this step's
    /// criteria when it is first reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria_from: Option<criteria::CriteriaFromVote>,
    /// The lowest score (default 0).
    #[serde(default)]
    pub scale_min: u8,
    /// The highest score (default 10).
    #[serde(default = "default_scale_max")]
    pub scale_max: u8,
    /// Where the items to score come from.
    pub items: ScoringItemsSource,
}

fn default_scale_max() -> u8 {
    10
}

/// A criterion of a scoring step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Its name as shown to participants, e.g. "acceptabilité".
    pub name: String,
    /// Whether a high score is good (acceptability) or bad (cost, when scored as "how costly").
    #[serde(default = "yes")]
    pub higher_is_better: bool,
    /// What the lowest score means, e.g. « peu coûteux » (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub low: String,
    /// What the highest score means, e.g. « très coûteux » (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub high: String,
}

fn yes() -> bool {
    true
}

/// Where the items of a scoring step come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum ScoringItemsSource {
    /// Typed in by the facilitator when creating the workshop.
    Given {
        /// The items' texts, in the order they are shown.
        texts: Vec<String>,
    },
    /// The best `count` items of an earlier budget vote step, taken when the
    /// scoring step is first reached.
    TopOfVote {
        /// The index of the budget vote step to take them from.
        step: usize,
        /// How many to take.
        count: usize,
    },
}

/// An item chosen for a scoring step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringItem {
    /// What participants read.
    pub text: String,
    /// The vote item it came from, when taken from a vote's top.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_item: Option<ItemRef>,
}

impl StepRules for Config {
    fn check(&self, steps: &[StepConfig], index: usize) -> Result<(), ConfigError> {
        let fewest = usize::from(self.criteria_from.is_none());
        if self.criteria.len() < fewest || self.criteria.len() > MAX_CRITERIA {
            return Err(bad_step(
                index,
                StepKind::Scoring,
                "criteria",
                "il faut entre 1 et 12 critères",
                "a scoring step needs between 1 and 12 criteria",
            ));
        }
        if let Some(from) = self.criteria_from {
            let is_earlier_vote = from.step < index
                && matches!(
                    steps.get(from.step),
                    Some(StepConfig::BudgetVote(_) | StepConfig::DotVote(_))
                );
            if !is_earlier_vote {
                return Err(bad_step(
                    index,
                    StepKind::Scoring,
                    "criteria_from",
                    "les critères viennent d’un vote (à points ou par gommettes) placé avant",
                    "the criteria must come from an earlier vote (points or dots)",
                ));
            }
            if from.count == 0 || from.count > MAX_CRITERIA {
                return Err(bad_step(
                    index,
                    StepKind::Scoring,
                    "criteria_from",
                    "on prend entre 1 et 12 critères d’un vote",
                    "between 1 and 12 criteria may be taken from a vote",
                ));
            }
        }
        for (number, criterion) in (1..).zip(&self.criteria) {
            if !text_fits(&criterion.name, MAX_NAME_CHARS) {
                return Err(bad_step(
                    index,
                    StepKind::Scoring,
                    "criteria",
                    &format!("le critère {number} a un nom de 1 à {MAX_NAME_CHARS} caractères"),
                    &format!("criterion {number} needs a name of 1 to {MAX_NAME_CHARS} characters"),
                ));
            }
            let end_too_long = [&criterion.low, &criterion.high]
                .into_iter()
                .any(|end| !end.is_empty() && !text_fits(end, MAX_NAME_CHARS));
            if end_too_long {
                return Err(bad_step(
                    index,
                    StepKind::Scoring,
                    "criteria",
                    &format!(
                        "ce que veulent dire les notes basse et haute du critère {number} tient en {MAX_NAME_CHARS} caractères"
                    ),
                    &format!(
                        "what the low and high scores of criterion {number} mean is at most {MAX_NAME_CHARS} characters"
                    ),
                ));
            }
        }
        if self.scale_min >= self.scale_max || self.scale_max > MAX_SCALE {
            return Err(bad_step(
                index,
                StepKind::Scoring,
                "scale",
                "l’échelle va d’une note basse à une note haute, 100 au plus",
                "the scale must go from a lower to a higher score, at most 100",
            ));
        }
        match &self.items {
            ScoringItemsSource::Given { texts } => {
                if texts.is_empty() || texts.len() > MAX_SCORING_ITEMS {
                    return Err(bad_step(
                        index,
                        StepKind::Scoring,
                        "items",
                        "il faut entre 1 et 100 idées à noter",
                        "a scoring step needs between 1 and 100 items",
                    ));
                }
                for (number, text) in (1..).zip(texts) {
                    if !text_fits(text, DEFAULT_MAX_IDEA_CHARS) {
                        return Err(bad_step(
                            index,
                            StepKind::Scoring,
                            "items",
                            &format!(
                                "l’idée à noter {number} a entre 1 et {DEFAULT_MAX_IDEA_CHARS} caractères"
                            ),
                            &format!(
                                "item {number} to score needs 1 to {DEFAULT_MAX_IDEA_CHARS} characters"
                            ),
                        ));
                    }
                }
            }
            ScoringItemsSource::TopOfVote { step, count } => {
                let is_earlier_vote =
                    *step < index && matches!(steps.get(*step), Some(StepConfig::BudgetVote(_)));
                if !is_earlier_vote {
                    return Err(bad_step(
                        index,
                        StepKind::Scoring,
                        "items",
                        "les idées à noter viennent d’un vote à points placé avant",
                        "the items must come from an earlier budget vote step",
                    ));
                }
                if *count == 0 || *count > MAX_SCORING_ITEMS {
                    return Err(bad_step(
                        index,
                        StepKind::Scoring,
                        "items",
                        "on prend entre 1 et 100 idées d’un vote",
                        "between 1 and 100 items may be taken from a vote",
                    ));
                }
            }
        }
        Ok(())
    }

    fn new_record(&self) -> StepRecord {
        StepRecord::Scoring(match &self.items {
            ScoringItemsSource::Given { texts } => ScoreSheet::with_items(
                texts
                    .iter()
                    .map(|text| ScoringItem {
                        text: text.trim().to_owned(),
                        from_item: None,
                    })
                    .collect(),
            ),
            ScoringItemsSource::TopOfVote { .. } => ScoreSheet::default(),
        })
    }

    fn on_reached(&self, workshop: &Workshop, step: usize) -> Vec<Event> {
        let mut events: Vec<Event> = self
            .criteria_on_reached(workshop, step)
            .into_iter()
            .collect();
        events.extend(self.items_on_reached(workshop, step));
        events
    }
}

impl Config {
    /// When the step is first reached: its items from its vote's best, if it
    /// takes them from a vote.
    fn items_on_reached(&self, workshop: &Workshop, step: usize) -> Vec<Event> {
        let ScoringItemsSource::TopOfVote { step: from, count } = self.items else {
            return Vec::new();
        };
        let pending = workshop
            .score_sheet(step)
            .is_some_and(|sheet| sheet.items().is_none());
        if !pending {
            return Vec::new();
        }
        // The best `count` items of vote step `from`, as they stand now.
        let items = workshop
            .vote_histogram(from)
            .map(|histogram| {
                histogram
                    .bars
                    .into_iter()
                    .take(count)
                    .map(|bar| ScoringItem {
                        text: workshop.item_label(bar.item).to_owned(),
                        from_item: Some(bar.item),
                    })
                    .collect()
            })
            .unwrap_or_default();
        vec![ScoringItemsChosen { step, items }.into()]
    }
}

impl Config {
    /// What in step `step`'s record breaks this step's rules (see [`Breach`]).
    pub(crate) fn breaches(&self, workshop: &Workshop, step: usize) -> Vec<Breach> {
        let (Some(sheet), Some(shape)) = (workshop.score_sheet(step), workshop.sheet_shape(step))
        else {
            return Vec::new();
        };
        let (n, low, high) = (step + 1, self.scale_min, self.scale_max);
        let mut breaches = Vec::new();
        for table in workshop.tables() {
            for seat in 1..=shape.seats {
                for item in 0..shape.items {
                    for criterion in 0..shape.criteria {
                        let cell = ScoreCell {
                            table: table.id,
                            seat,
                            item,
                            criterion,
                        };
                        let Some(score) = sheet.score(shape, cell) else {
                            continue;
                        };
                        if !(low..=high).contains(&score) {
                            let name = &table.name;
                            let (i, c) = (item + 1, criterion + 1);
                            breaches.push(Breach {
                                fr: format!("étape {n} : la place {seat} de « {name} » a noté {score} (idée {i}, critère {c}), hors de l'échelle {low}–{high}"),
                                en: format!("step {n}: seat {seat} of \"{name}\" scored {score} (item {i}, criterion {c}), outside the scale {low}–{high}"),
                            });
                        }
                    }
                }
            }
        }
        breaches
    }
}

/// Set one seat's score of one item on one criterion; `None` clears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetScore {
    /// The seat, from 1 to the number of seats ("Personne 1").
    pub seat: u8,
    /// The scoring item's index in the step's list.
    pub item: u32,
    /// The criterion's index in the step's list.
    pub criterion: u32,
    /// The score, within the step's scale, or `None` to clear it.
    pub score: Option<u8>,
}

/// A seat's score for an item on a criterion is now `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSet {
    /// The scoring step's index.
    pub step: usize,
    /// The table.
    pub table: TableId,
    /// The seat, from 1.
    pub seat: u8,
    /// The scoring item's index.
    pub item: u32,
    /// The criterion's index.
    pub criterion: u32,
    /// The score, or none when cleared.
    pub score: Option<u8>,
}

/// The items of a scoring step were fixed (when it was first reached).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringItemsChosen {
    /// The scoring step's index.
    pub step: usize,
    /// Its items, in order.
    pub items: Vec<ScoringItem>,
}

impl CommandRules for SetScore {
    fn may_send(&self, role: Role) -> bool {
        matches!(role, Role::Table(_))
    }

    fn check(&self, workshop: &Workshop, role: Role, _now_ms: u64) -> Decision {
        let Role::Table(table) = role else {
            return Err(RuleViolation::NotAllowedForRole { role });
        };
        workshop.expect_open_step(&[StepKind::Scoring])?;
        let StepConfig::Scoring(Config {
            scale_min,
            scale_max,
            ..
        }) = *workshop.current_step_config()
        else {
            unreachable!("expect_open_step checked the step kind")
        };
        let step = workshop.current_step;
        let shape = workshop
            .sheet_shape(step)
            .expect("a scoring step has a sheet");
        let SetScore {
            seat,
            item,
            criterion,
            score,
        } = *self;
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
        Ok(vec![
            ScoreSet {
                step,
                table,
                seat,
                item,
                criterion,
                score,
            }
            .into(),
        ])
    }
}

impl EventRules for ScoreSet {
    fn audience(&self) -> Audience {
        // A table's scores are its own; the room sees them through the results.
        Audience::OneTable(self.table)
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let missing = || ReplayError(format!("no such score cell in step {}", self.step));
        let shape = workshop.sheet_shape(self.step).ok_or_else(missing)?;
        let in_shape = (1..=shape.seats).contains(&self.seat)
            && self.item < shape.items
            && self.criterion < shape.criteria
            && workshop.table(self.table).is_some();
        if !in_shape {
            return Err(missing());
        }
        let cell = ScoreCell {
            table: self.table,
            seat: self.seat,
            item: self.item,
            criterion: self.criterion,
        };
        if let Some(StepRecord::Scoring(sheet)) = workshop.records.get_mut(self.step) {
            sheet.set(shape, cell, self.score);
        }
        Ok(())
    }
}

impl EventRules for ScoringItemsChosen {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        match workshop.records.get_mut(self.step) {
            Some(StepRecord::Scoring(sheet)) => {
                sheet.choose_items(self.items.clone());
                Ok(())
            }
            _ => Err(ReplayError(format!(
                "step {} is not a scoring step",
                self.step
            ))),
        }
    }
}

impl Workshop {
    /// The score sheet of step `step`, if it is a scoring step.
    pub fn score_sheet(&self, step: usize) -> Option<&ScoreSheet> {
        match self.records.get(step) {
            Some(StepRecord::Scoring(sheet)) => Some(sheet),
            _ => None,
        }
    }

    /// The seats, items and criteria of scoring step `step`.
    pub fn sheet_shape(&self, step: usize) -> Option<SheetShape> {
        let criteria = self.criteria(step)?;
        let items = self.score_sheet(step)?.items().map_or(0, <[_]>::len);
        Some(SheetShape {
            seats: self.config.seats(),
            items: items as u32,
            criteria: criteria.len() as u32,
        })
    }
}
