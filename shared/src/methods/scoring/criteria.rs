//! Criteria the room chooses (« un atelier aurait pu être organisé pour
//! définir ces critères »): a scoring step may take its criteria from the
//! best items of an earlier vote (budget or dots), fixed when the step is
//! first reached; the facilitator then words them (a name, what the two
//! ends of the scale mean, which end is better) before anyone scores.
//! Whatever their origin, a step's criteria are [`Workshop::criteria`].

use serde::{Deserialize, Serialize};

use super::{Config, Criterion, MAX_CRITERIA};
use crate::command::Role;
use crate::config::{MAX_NAME_CHARS, StepConfig, StepKind};
use crate::event::Event;
use crate::methods::{CommandRules, EventRules};
use crate::rules::{Decision, clean_text};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, StepRecord, Workshop};

/// Where a scoring step's criteria come from when the room chose them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaFromVote {
    /// The index of the budget vote or dot vote step to take them from.
    pub step: usize,
    /// How many of its best items become criteria.
    pub count: usize,
}

/// The facilitator words the criteria of scoring step `step` (before any
/// seat has scored in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCriteria {
    /// The scoring step.
    pub step: usize,
    /// Its criteria, in order.
    pub criteria: Vec<Criterion>,
}

/// Scoring step `step`'s criteria are now `criteria`: taken from its vote
/// when it was reached, or worded by the facilitator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaSet {
    /// The scoring step.
    pub step: usize,
    /// Its criteria, in order.
    pub criteria: Vec<Criterion>,
}

impl CommandRules for SetCriteria {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        let count = workshop.config.steps().len();
        let config = workshop
            .config
            .step(self.step)
            .ok_or(RuleViolation::UnknownStep { count })?;
        if config.kind() != StepKind::Scoring {
            return Err(RuleViolation::WrongStep {
                expected: vec![StepKind::Scoring],
                current: config.kind(),
            });
        }
        if workshop
            .score_sheet(self.step)
            .is_some_and(|sheet| sheet.has_scores())
        {
            return Err(RuleViolation::ScoresGiven);
        }
        if self.criteria.is_empty() || self.criteria.len() > MAX_CRITERIA {
            return Err(RuleViolation::CriterionCount {
                max: MAX_CRITERIA as u32,
            });
        }
        let criteria = self
            .criteria
            .iter()
            .map(|criterion| {
                let end = |text: &str| {
                    if text.trim().is_empty() {
                        Ok(String::new())
                    } else {
                        clean_text(text, MAX_NAME_CHARS)
                    }
                };
                Ok(Criterion {
                    name: clean_text(&criterion.name, MAX_NAME_CHARS)?,
                    higher_is_better: criterion.higher_is_better,
                    low: end(&criterion.low)?,
                    high: end(&criterion.high)?,
                })
            })
            .collect::<Result<Vec<_>, RuleViolation>>()?;
        Ok(vec![
            CriteriaSet {
                step: self.step,
                criteria,
            }
            .into(),
        ])
    }
}

impl EventRules for CriteriaSet {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        match workshop.records.get_mut(self.step) {
            Some(StepRecord::Scoring(sheet)) if !sheet.has_scores() => {
                sheet.choose_criteria(self.criteria.clone());
                Ok(())
            }
            Some(StepRecord::Scoring(_)) => Err(ReplayError(format!(
                "the criteria of step {} changed after scores",
                self.step
            ))),
            _ => Err(ReplayError(format!(
                "step {} is not a scoring step",
                self.step
            ))),
        }
    }
}

impl Config {
    /// When the step is first reached: its criteria from its vote's best
    /// items, if it takes them from a vote and none were chosen yet.
    pub(super) fn criteria_on_reached(&self, workshop: &Workshop, step: usize) -> Option<Event> {
        let from = self.criteria_from?;
        // Not once someone scored on the settings' criteria (a vote with
        // no points when the step was first reached).
        let pending = workshop
            .score_sheet(step)
            .is_some_and(|sheet| sheet.criteria().is_none() && !sheet.has_scores());
        if !pending {
            return None;
        }
        let best: Vec<_> = match workshop.config.step(from.step)? {
            StepConfig::BudgetVote(_) => workshop
                .vote_histogram(from.step)?
                .bars
                .into_iter()
                .filter(|bar| bar.points > 0)
                .map(|bar| bar.item)
                .collect(),
            StepConfig::DotVote(_) => workshop
                .dot_tally(from.step)?
                .bars
                .into_iter()
                .filter(|bar| bar.dots > 0)
                .map(|bar| bar.item)
                .collect(),
            _ => return None,
        };
        let criteria: Vec<Criterion> = best
            .into_iter()
            .take(from.count)
            .map(|item| Criterion {
                name: criterion_name(workshop.item_label(item)),
                higher_is_better: true,
                low: String::new(),
                high: String::new(),
            })
            .collect();
        // Nothing voted: the step keeps its settings' criteria (if any),
        // and the facilitator words some.
        (!criteria.is_empty()).then(|| CriteriaSet { step, criteria }.into())
    }
}

/// An idea's text as a criterion's name: on one line, and cut to a name's
/// length with « … » (the facilitator words it better before scoring).
fn criterion_name(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let max = MAX_NAME_CHARS as usize;
    if line.chars().count() <= max {
        line
    } else {
        let mut cut: String = line.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

impl Workshop {
    /// The criteria of scoring step `step`: those chosen during the workshop
    /// (from its vote, or worded by the facilitator), else its settings'.
    pub fn criteria(&self, step: usize) -> Option<&[Criterion]> {
        let StepConfig::Scoring(config) = self.config.step(step)? else {
            return None;
        };
        Some(
            self.score_sheet(step)
                .and_then(|sheet| sheet.criteria())
                .unwrap_or(&config.criteria),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idea_becomes_a_criterions_name_on_one_line_and_within_its_length() {
        assert_eq!(
            criterion_name("  le coût\npour la ville "),
            "le coût pour la ville"
        );
        let long = "a".repeat(100);
        let name = criterion_name(&long);
        assert_eq!(name.chars().count(), MAX_NAME_CHARS as usize);
        assert!(name.ends_with('…'));
    }
}
