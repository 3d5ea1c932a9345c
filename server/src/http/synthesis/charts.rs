//! The synthesis's charts, as SVG inside the page: they print sharp at any
//! size and need no script. Bars are drawn in a 0–100 box stretched to the
//! cell they sit in; a score distribution is a small column chart with its
//! quartiles shaded and its median marked.

use std::fmt::Write as _;

use ruche_shared::stats::ScoreStats;

use super::escape;

/// A horizontal bar filled to `value / max`, labelled for screen readers.
pub fn bar(value: u32, max: u32, label: &str) -> String {
    let width = if max == 0 {
        0.0
    } else {
        100.0 * f64::from(value) / f64::from(max)
    };
    format!(
        r#"<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{}"><rect class="track" width="100" height="10"/><rect class="fill" width="{width:.2}" height="10"/></svg>"#,
        escape(label)
    )
}

/// Width of one column of a distribution, and the chart's height.
const COLUMN: f64 = 20.0;
const HEIGHT: f64 = 60.0;
const LABELS: f64 = 16.0;

/// How many gave each score from `scale_min` up, as columns; the band from
/// the first to the third quartile shaded, the median a line.
pub fn distribution(stats: &ScoreStats, scale_min: u8, label: &str) -> String {
    let columns = stats.counts.len();
    let width = COLUMN * columns as f64;
    let tallest = stats.counts.iter().copied().max().unwrap_or(0).max(1);
    let x_of = |score: f64| (score - f64::from(scale_min)) * COLUMN + COLUMN / 2.0;
    let mut svg = format!(
        r#"<svg class="distribution" viewBox="0 0 {width} {}" role="img" aria-label="{}">"#,
        HEIGHT + LABELS,
        escape(label)
    );
    if let Some((q1, q3)) = stats.quartiles(scale_min) {
        let _ = write!(
            svg,
            r#"<rect class="iqr" x="{:.1}" y="0" width="{:.1}" height="{HEIGHT}"/>"#,
            x_of(q1) - COLUMN / 2.0,
            (q3 - q1) * COLUMN + COLUMN
        );
    }
    for (index, count) in stats.counts.iter().enumerate() {
        let height = HEIGHT * f64::from(*count) / f64::from(tallest);
        let x = index as f64 * COLUMN + 2.0;
        let _ = write!(
            svg,
            r#"<rect class="column" x="{x:.1}" y="{:.1}" width="{:.1}" height="{height:.1}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            HEIGHT - height,
            COLUMN - 4.0,
            index as f64 * COLUMN + COLUMN / 2.0,
            HEIGHT + LABELS - 2.0,
            usize::from(scale_min) + index
        );
    }
    if let Some(median) = stats.median {
        let x = x_of(median);
        let _ = write!(
            svg,
            r#"<line class="median" x1="{x:.1}" x2="{x:.1}" y1="0" y2="{HEIGHT}"/>"#
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_is_as_long_as_its_share_and_says_what_it_is() {
        let svg = bar(3, 12, "i1 <b>");
        assert!(svg.contains(r#"class="fill" width="25.00""#), "{svg}");
        assert!(svg.contains("aria-label=\"i1 &lt;b&gt;\""), "{svg}");
        assert!(bar(0, 0, "").contains(r#"width="0.00""#));
    }

    #[test]
    fn a_distribution_has_a_column_per_score_its_quartiles_and_median() {
        let mut counts = vec![0; 11];
        for score in [2, 4, 4, 4, 5, 5, 7, 9] {
            counts[score] += 1;
        }
        let stats = ScoreStats::from_counts(0, counts);
        let svg = distribution(&stats, 0, "coût");
        assert_eq!(svg.matches(r#"class="column""#).count(), 11);
        // Median 4.5: between the columns of 4 and 5.
        assert!(svg.contains(r#"x1="100.0""#), "{svg}");
        // Q1 4, Q3 5.5: from the left of 4 to the right of 5.5.
        assert!(
            svg.contains(r#"class="iqr" x="80.0" y="0" width="50.0""#),
            "{svg}"
        );
    }
}
