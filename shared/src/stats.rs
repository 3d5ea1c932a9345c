//! Descriptive statistics of a set of scores given as counts per score:
//! mean, median, population standard deviation, interquartile range.
//!
//! Quantiles use linear interpolation between closest ranks (the "type 7"
//! method of R and NumPy's default), so results match a spreadsheet.

use serde::{Deserialize, Serialize};

/// Summary of the scores one item got on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreStats {
    /// How many times each score was given: `counts[i]` is the count of score `scale_min + i`.
    pub counts: Vec<u32>,
    /// How many scores (= people who scored it).
    pub scorers: u32,
    /// Mean score, if any.
    pub mean: Option<f64>,
    /// Median score, if any.
    pub median: Option<f64>,
    /// Population standard deviation, if any.
    pub std_dev: Option<f64>,
    /// Third quartile minus first quartile, if any.
    pub iqr: Option<f64>,
}

impl ScoreStats {
    /// Summarises `counts`, where `counts[i]` is how many gave `scale_min + i`.
    pub fn from_counts(scale_min: u8, counts: Vec<u32>) -> Self {
        let scorers: u32 = counts.iter().sum();
        if scorers == 0 {
            return ScoreStats {
                counts,
                scorers,
                mean: None,
                median: None,
                std_dev: None,
                iqr: None,
            };
        }
        let value = |i: usize| f64::from(scale_min) + i as f64;
        let n = f64::from(scorers);
        let mean = counts
            .iter()
            .enumerate()
            .map(|(i, c)| value(i) * f64::from(*c))
            .sum::<f64>()
            / n;
        let variance = counts
            .iter()
            .enumerate()
            .map(|(i, c)| (value(i) - mean).powi(2) * f64::from(*c))
            .sum::<f64>()
            / n;
        let quantile = |q: f64| quantile(&counts, scorers, scale_min, q);
        ScoreStats {
            mean: Some(mean),
            median: Some(quantile(0.5)),
            std_dev: Some(variance.sqrt()),
            iqr: Some(quantile(0.75) - quantile(0.25)),
            scorers,
            counts,
        }
    }
}

/// Where `value` ranks among `values`, largest first, as a results table
/// says it: 1 + how many are larger (equal values share a rank: 1, 1, 3),
/// and whether another value equals it (a tie, to mark).
pub fn rank_among(values: impl Iterator<Item = u32>, value: u32) -> (u32, bool) {
    let (mut larger, mut equal) = (0, 0);
    for other in values {
        if other > value {
            larger += 1;
        } else if other == value {
            equal += 1;
        }
    }
    (larger + 1, equal > 1)
}

/// `part` of `whole` in percent, rounded to the unit (0 when `whole` is 0).
pub fn percent(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        0
    } else {
        ((u64::from(part) * 200 + u64::from(whole)) / (2 * u64::from(whole))) as u32
    }
}

impl ScoreStats {
    /// The first and third quartiles (the same method as `iqr`: type 7), if
    /// there are scores; `scale_min` is the scale's lowest score.
    pub fn quartiles(&self, scale_min: u8) -> Option<(f64, f64)> {
        (self.scorers > 0).then(|| {
            (
                quantile(&self.counts, self.scorers, scale_min, 0.25),
                quantile(&self.counts, self.scorers, scale_min, 0.75),
            )
        })
    }
}

/// The `q` quantile of `scorers` scores counted in `counts` (type 7:
/// linear between the two closest ranks).
fn quantile(counts: &[u32], scorers: u32, scale_min: u8, q: f64) -> f64 {
    let rank = q * (f64::from(scorers) - 1.0);
    let (low, high) = (rank.floor(), rank.ceil());
    let at = |r: f64| value_at_rank(counts, r as u32) + f64::from(scale_min);
    at(low) + (at(high) - at(low)) * (rank - low)
}

/// The offset (from the scale's minimum) of the score at 0-based `rank` in sorted order.
fn value_at_rank(counts: &[u32], rank: u32) -> f64 {
    let mut seen = 0;
    for (i, count) in counts.iter().enumerate() {
        seen += count;
        if rank < seen {
            return i as f64;
        }
    }
    (counts.len().saturating_sub(1)) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts_of(scores: &[u8]) -> Vec<u32> {
        let mut counts = vec![0; 11];
        for s in scores {
            counts[usize::from(*s)] += 1;
        }
        counts
    }

    #[test]
    fn ranks_share_ties_and_shares_round_to_the_unit() {
        let points = [12, 12, 9, 4, 4, 4, 0];
        let ranks: Vec<(u32, bool)> = points
            .iter()
            .map(|p| rank_among(points.iter().copied(), *p))
            .collect();
        assert_eq!(
            ranks,
            [
                (1, true),
                (1, true),
                (3, false),
                (4, true),
                (4, true),
                (4, true),
                (7, false)
            ]
        );
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(1, 8), 13, "12.5 rounds up");
        assert_eq!(percent(5, 0), 0);
    }

    #[test]
    fn matches_hand_computed_figures() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population sd 2, median 4.5,
        // Q1 = 4 (rank 1.75), Q3 = 5.5 (rank 5.25 between 5 and 7), IQR 1.5.
        let stats = ScoreStats::from_counts(0, counts_of(&[2, 4, 4, 4, 5, 5, 7, 9]));
        assert_eq!(stats.scorers, 8);
        assert_eq!(stats.mean, Some(5.0));
        assert_eq!(stats.std_dev, Some(2.0));
        assert_eq!(stats.median, Some(4.5));
        assert_eq!(stats.iqr, Some(1.5));
        assert_eq!(stats.quartiles(0), Some((4.0, 5.5)));
    }

    #[test]
    fn one_score_has_no_spread_and_no_score_has_no_figures() {
        let one = ScoreStats::from_counts(0, counts_of(&[7]));
        assert_eq!(
            (one.mean, one.median, one.std_dev, one.iqr),
            (Some(7.0), Some(7.0), Some(0.0), Some(0.0))
        );
        let none = ScoreStats::from_counts(0, counts_of(&[]));
        assert_eq!((none.scorers, none.mean, none.median), (0, None, None));
    }

    #[test]
    fn a_scale_not_starting_at_zero_shifts_the_figures() {
        // Scale 1..=5; scores 1, 3, 5.
        let stats = ScoreStats::from_counts(1, vec![1, 0, 1, 0, 1]);
        assert_eq!(stats.mean, Some(3.0));
        assert_eq!(stats.median, Some(3.0));
        assert_eq!(stats.iqr, Some(2.0));
    }
}
