//! The results of a scoring step: per item and criterion, the distribution of
//! scores and its figures; per item, its overall support, its spread, and a
//! consensus label a facilitator can read at a glance; and the ranking.

use serde::{Deserialize, Serialize};

use super::{Config, Criterion};
use crate::config::StepConfig;
use crate::stats::ScoreStats;
use crate::workshop::Workshop;

/// Support at or above this (on a 0–1 scale) is high.
pub const HIGH_SUPPORT: f64 = 0.65;
/// Support at or below this is low.
pub const LOW_SUPPORT: f64 = 0.35;
/// Spread (standard deviation over the scale's width) at or below this is low:
/// 1.5 points on a 0–10 scale.
pub const LOW_SPREAD: f64 = 0.15;
/// Spread at or above this means the room is divided: 2.5 points on 0–10.
pub const HIGH_SPREAD: f64 = 0.25;

/// What the room thinks of an item, at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consensus {
    /// High support, low spread: the room agrees it is good.
    Consensus,
    /// Low support, low spread: the room agrees it is not.
    Rejected,
    /// High spread: the room is split.
    Divided,
    /// Neither clear support nor clear rejection.
    Mixed,
    /// No scores yet.
    NoScores,
}

/// The results of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResults {
    /// The item's index in the step.
    pub item: u32,
    /// Its text.
    pub text: String,
    /// One summary per criterion, in the criteria's order.
    pub criteria: Vec<ScoreStats>,
    /// Mean of the criteria's means, each turned so that 1 is best and 0 worst
    /// (a "lower is better" criterion is reversed). `None` without scores.
    pub support: Option<f64>,
    /// The largest of the criteria's standard deviations over the scale's width
    /// (0 = unanimous): an item that splits the room on one criterion is not
    /// consensual, however much the others agree.
    pub spread: Option<f64>,
    /// The label for the facilitator.
    pub consensus: Consensus,
}

/// The results of one scoring step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringResults {
    /// The scoring step's index.
    pub step: usize,
    /// The lowest score.
    pub scale_min: u8,
    /// The highest score.
    pub scale_max: u8,
    /// The criteria.
    pub criteria: Vec<Criterion>,
    /// Every item, in the step's order.
    pub items: Vec<ItemResults>,
    /// Item indices, best first: highest support, then lowest spread, then the
    /// step's order; items without scores last.
    pub ranking: Vec<u32>,
}

impl Workshop {
    /// The results of scoring step `step`, or `None` if it is not a scoring step.
    pub fn scoring_results(&self, step: usize) -> Option<ScoringResults> {
        let criteria = self.criteria(step)?;
        let StepConfig::Scoring(Config {
            scale_min,
            scale_max,
            ..
        }) = self.config.step(step)?
        else {
            return None;
        };
        let sheet = self.score_sheet(step)?;
        let shape = self.sheet_shape(step)?;
        let width = f64::from(scale_max - scale_min);
        let levels = usize::from(scale_max - scale_min) + 1;
        let items: Vec<ItemResults> = sheet
            .items()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(index, scoring_item)| {
                let item = index as u32;
                let stats: Vec<ScoreStats> = (0..shape.criteria)
                    .map(|criterion| {
                        let mut counts = vec![0; levels];
                        for score in sheet.scores_of(shape, item, criterion) {
                            counts[usize::from(score - scale_min)] += 1;
                        }
                        ScoreStats::from_counts(*scale_min, counts)
                    })
                    .collect();
                let (support, spread) = support_and_spread(&stats, criteria, *scale_min, width);
                ItemResults {
                    item,
                    text: scoring_item.text.clone(),
                    criteria: stats,
                    support,
                    spread,
                    consensus: consensus(support, spread),
                }
            })
            .collect();
        let mut ranking: Vec<&ItemResults> = items.iter().collect();
        ranking.sort_by(|a, b| match (a.support, b.support) {
            (Some(sa), Some(sb)) => sb
                .total_cmp(&sa)
                .then(a.spread.unwrap_or(0.0).total_cmp(&b.spread.unwrap_or(0.0))),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        Some(ScoringResults {
            step,
            scale_min: *scale_min,
            scale_max: *scale_max,
            criteria: criteria.to_vec(),
            ranking: ranking.iter().map(|r| r.item).collect(),
            items,
        })
    }

    /// The latest scoring step at or before the current step (the one screens show).
    pub fn latest_scoring_step(&self) -> Option<usize> {
        (0..=self.current_step)
            .rev()
            .find(|&s| self.score_sheet(s).is_some())
    }
}

/// Support and spread over the criteria that have scores.
fn support_and_spread(
    stats: &[ScoreStats],
    criteria: &[Criterion],
    scale_min: u8,
    width: f64,
) -> (Option<f64>, Option<f64>) {
    let scored: Vec<(f64, f64)> = stats
        .iter()
        .zip(criteria)
        .filter_map(|(s, criterion)| {
            let goodness = (s.mean? - f64::from(scale_min)) / width;
            let goodness = if criterion.higher_is_better {
                goodness
            } else {
                1.0 - goodness
            };
            Some((goodness, s.std_dev? / width))
        })
        .collect();
    if scored.is_empty() {
        return (None, None);
    }
    let n = scored.len() as f64;
    let support = scored.iter().map(|(g, _)| g).sum::<f64>() / n;
    let spread = scored.iter().map(|(_, s)| *s).fold(0.0, f64::max);
    (Some(support), Some(spread))
}

/// The label for a support and a spread (see the thresholds above).
pub fn consensus(support: Option<f64>, spread: Option<f64>) -> Consensus {
    let (Some(support), Some(spread)) = (support, spread) else {
        return Consensus::NoScores;
    };
    if spread >= HIGH_SPREAD {
        Consensus::Divided
    } else if spread <= LOW_SPREAD && support >= HIGH_SUPPORT {
        Consensus::Consensus
    } else if spread <= LOW_SPREAD && support <= LOW_SUPPORT {
        Consensus::Rejected
    } else {
        Consensus::Mixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_support_and_spread() {
        assert_eq!(consensus(Some(0.8), Some(0.05)), Consensus::Consensus);
        assert_eq!(consensus(Some(0.2), Some(0.05)), Consensus::Rejected);
        assert_eq!(consensus(Some(0.8), Some(0.3)), Consensus::Divided);
        assert_eq!(consensus(Some(0.5), Some(0.05)), Consensus::Mixed);
        assert_eq!(consensus(Some(0.8), Some(0.2)), Consensus::Mixed);
        assert_eq!(consensus(None, None), Consensus::NoScores);
    }
}
