//! A workshop's results for the facilitator, as JSON and as CSV: ideas,
//! clusters, every table's points and their totals, every seat's scores and
//! their statistics. Everything is computed from the engine's views, so the
//! export says exactly what the screens say.

use ruche_shared::methods::budget_vote::histogram::VoteHistogram;
use ruche_shared::methods::dot_vote::tally::DotTally;
use ruche_shared::methods::scoring::results::ScoringResults;
use ruche_shared::{Criterion, ItemRef, Lang, TableId, Workshop};
use serde::Serialize;

/// The JSON export.
#[derive(Debug, Serialize)]
pub struct Export {
    /// The workshop's id, title, question and language.
    pub workshop: ExportHeader,
    /// Every table.
    pub tables: Vec<ExportTable>,
    /// Every idea not withdrawn (hidden ones included, marked).
    pub ideas: Vec<ExportIdea>,
    /// Every cluster standing.
    pub clusters: Vec<ExportCluster>,
    /// One entry per budget vote step.
    pub votes: Vec<ExportVote>,
    /// One entry per scoring step.
    pub scores: Vec<ExportScoring>,
    /// One entry per dot vote step (absent when the workshop has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dots: Vec<ExportDots>,
}

/// A dot vote's results.
#[derive(Debug, Serialize)]
pub struct ExportDots {
    /// The histogram (totals, sorted; people done).
    pub tally: DotTally,
    /// Every seat's dots on every item.
    pub by_seat: Vec<ExportDot>,
}

/// One seat's dots on one item.
#[derive(Debug, Serialize)]
pub struct ExportDot {
    /// Table name.
    pub table: String,
    /// Seat, from 1.
    pub seat: u8,
    /// Item.
    pub item: ItemRef,
    /// Dots.
    pub dots: u32,
}

/// See [`Export::workshop`].
#[derive(Debug, Serialize)]
pub struct ExportHeader {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Question.
    pub question: String,
    /// Language.
    pub lang: Lang,
}

/// A table.
#[derive(Debug, Serialize)]
pub struct ExportTable {
    /// Id.
    pub id: TableId,
    /// Name.
    pub name: String,
}

/// An idea.
#[derive(Debug, Serialize)]
pub struct ExportIdea {
    /// As a vote item, e.g. "i3".
    pub item: ItemRef,
    /// Its table's name, or none when typed by the facilitator.
    pub author: Option<String>,
    /// Text.
    pub text: String,
    /// Hidden by the facilitator.
    pub hidden: bool,
    /// Its cluster, if any.
    pub cluster: Option<ItemRef>,
}

/// A cluster.
#[derive(Debug, Serialize)]
pub struct ExportCluster {
    /// As a vote item, e.g. "c0".
    pub item: ItemRef,
    /// Title.
    pub title: String,
    /// Its ideas.
    pub ideas: Vec<ItemRef>,
    /// The tables that wrote them.
    pub authors: Vec<String>,
}

/// A budget vote's results.
#[derive(Debug, Serialize)]
pub struct ExportVote {
    /// The histogram (totals, sorted; budgets per table).
    pub histogram: VoteHistogram,
    /// Every table's points on every item.
    pub by_table: Vec<ExportPoints>,
}

/// One table's points on one item.
#[derive(Debug, Serialize)]
pub struct ExportPoints {
    /// Table name.
    pub table: String,
    /// Item.
    pub item: ItemRef,
    /// Points.
    pub points: u32,
}

/// A scoring's results.
#[derive(Debug, Serialize)]
pub struct ExportScoring {
    /// Statistics per item and criterion, ranking, consensus.
    pub results: ScoringResults,
    /// Every seat's scores.
    pub by_seat: Vec<ExportScore>,
}

/// One seat's score.
#[derive(Debug, Serialize)]
pub struct ExportScore {
    /// Table name.
    pub table: String,
    /// Seat, from 1.
    pub seat: u8,
    /// Item index.
    pub item: u32,
    /// Criterion name.
    pub criterion: String,
    /// Score.
    pub score: u8,
}

/// Builds the export of `workshop`.
pub fn export(id: &str, workshop: &Workshop) -> Export {
    let setup = workshop.config().setup();
    let table_name = |t: TableId| {
        workshop
            .table(t)
            .map_or_else(String::new, |t| t.name.clone())
    };
    let steps = 0..workshop.config().steps().len();
    Export {
        workshop: ExportHeader {
            id: id.to_owned(),
            title: setup.title.clone(),
            question: setup.question.clone(),
            lang: setup.lang,
        },
        tables: workshop
            .tables()
            .iter()
            .map(|t| ExportTable {
                id: t.id,
                name: t.name.clone(),
            })
            .collect(),
        ideas: workshop
            .all_ideas()
            .iter()
            .filter(|idea| !idea.deleted)
            .map(|idea| ExportIdea {
                item: ItemRef::Idea(idea.id),
                author: idea.author.map(table_name),
                text: idea.text.clone(),
                hidden: idea.hidden,
                cluster: idea.cluster.map(ItemRef::Cluster),
            })
            .collect(),
        clusters: workshop
            .all_clusters()
            .iter()
            .filter(|c| !c.dissolved)
            .map(|c| ExportCluster {
                item: ItemRef::Cluster(c.id),
                title: c.title.clone(),
                ideas: c.ideas.iter().map(|i| ItemRef::Idea(*i)).collect(),
                authors: workshop
                    .authors_of(ItemRef::Cluster(c.id))
                    .into_iter()
                    .map(table_name)
                    .collect(),
            })
            .collect(),
        votes: steps
            .clone()
            .filter_map(|step| {
                let histogram = workshop.vote_histogram(step)?;
                let ledger = workshop.vote_ledger(step)?;
                let by_table = workshop
                    .tables()
                    .iter()
                    .flat_map(|t| {
                        ledger.given_by(t.id).map(|(item, points)| ExportPoints {
                            table: t.name.clone(),
                            item,
                            points,
                        })
                    })
                    .collect();
                Some(ExportVote {
                    histogram,
                    by_table,
                })
            })
            .collect(),
        scores: steps
            .clone()
            .filter_map(|step| {
                let results = workshop.scoring_results(step)?;
                let by_seat = seat_scores(workshop, step, &results.criteria);
                Some(ExportScoring { results, by_seat })
            })
            .collect(),
        dots: steps
            .filter_map(|step| {
                let tally = workshop.dot_tally(step)?;
                let ledger = workshop.dot_ledger(step)?;
                let seats = workshop.config().seats();
                let by_seat = workshop
                    .tables()
                    .iter()
                    .flat_map(|t| (1..=seats).map(move |seat| (t, seat)))
                    .flat_map(|(t, seat)| {
                        ledger
                            .given_by(t.id, seat)
                            .map(move |(item, dots)| ExportDot {
                                table: t.name.clone(),
                                seat,
                                item,
                                dots,
                            })
                    })
                    .collect();
                Some(ExportDots { tally, by_seat })
            })
            .collect(),
    }
}

fn seat_scores(workshop: &Workshop, step: usize, criteria: &[Criterion]) -> Vec<ExportScore> {
    let (Some(sheet), Some(shape)) = (workshop.score_sheet(step), workshop.sheet_shape(step))
    else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for table in workshop.tables() {
        for seat in 1..=shape.seats {
            for item in 0..shape.items {
                for (c, criterion) in criteria.iter().enumerate() {
                    let cell = ruche_shared::methods::scoring::sheet::ScoreCell {
                        table: table.id,
                        seat,
                        item,
                        criterion: c as u32,
                    };
                    if let Some(score) = sheet.score(shape, cell) {
                        rows.push(ExportScore {
                            table: table.name.clone(),
                            seat,
                            item,
                            criterion: criterion.name.clone(),
                            score,
                        });
                    }
                }
            }
        }
    }
    rows
}

/// The CSV columns: one long table a spreadsheet can filter by `section`.
pub const CSV_HEADER: [&str; 9] = [
    "section",
    "step",
    "table",
    "seat",
    "item",
    "text",
    "criterion",
    "value",
    "detail",
];

/// The same export as CSV, one row per fact.
pub fn to_csv(export: &Export, workshop: &Workshop) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_HEADER)?;
    let mut row = |cells: [&str; 9]| {
        out.write_record(cells.map(|cell| neutralise_formula(cell).into_owned()))
    };
    for idea in &export.ideas {
        let detail = match (idea.hidden, idea.cluster) {
            (true, _) => "hidden".to_owned(),
            (false, Some(cluster)) => format!("in {cluster}"),
            (false, None) => String::new(),
        };
        let item = idea.item.to_string();
        row([
            "idea",
            "",
            idea.author.as_deref().unwrap_or(""),
            "",
            &item,
            &idea.text,
            "",
            "",
            &detail,
        ])?;
    }
    for cluster in &export.clusters {
        let ideas: Vec<String> = cluster.ideas.iter().map(ToString::to_string).collect();
        let item = cluster.item.to_string();
        row([
            "cluster",
            "",
            "",
            "",
            &item,
            &cluster.title,
            "",
            "",
            &ideas.join(" "),
        ])?;
    }
    for vote in &export.votes {
        let step = vote.histogram.step.to_string();
        for points in &vote.by_table {
            let item = points.item.to_string();
            let text = workshop.item_label(points.item);
            row([
                "vote",
                &step,
                &points.table,
                "",
                &item,
                text,
                "",
                &points.points.to_string(),
                "",
            ])?;
        }
        for bar in &vote.histogram.bars {
            let item = bar.item.to_string();
            let tables = format!("{} tables", bar.tables);
            let text = workshop.item_label(bar.item);
            row([
                "vote_total",
                &step,
                "",
                "",
                &item,
                text,
                "",
                &bar.points.to_string(),
                &tables,
            ])?;
        }
    }
    for dots in &export.dots {
        let step = dots.tally.step.to_string();
        for dot in &dots.by_seat {
            let (item, seat) = (dot.item.to_string(), dot.seat.to_string());
            let text = workshop.item_label(dot.item);
            let value = dot.dots.to_string();
            row(["dot", &step, &dot.table, &seat, &item, text, "", &value, ""])?;
        }
        for bar in &dots.tally.bars {
            let item = bar.item.to_string();
            let people = format!("{} people", bar.seats);
            let text = workshop.item_label(bar.item);
            let value = bar.dots.to_string();
            row(["dot_total", &step, "", "", &item, text, "", &value, &people])?;
        }
    }
    for scoring in &export.scores {
        let step = scoring.results.step.to_string();
        let text_of = |item: u32| {
            scoring
                .results
                .items
                .get(item as usize)
                .map_or("", |i| i.text.as_str())
        };
        for s in &scoring.by_seat {
            let (seat, item) = (s.seat.to_string(), s.item.to_string());
            row([
                "score",
                &step,
                &s.table,
                &seat,
                &item,
                text_of(s.item),
                &s.criterion,
                &s.score.to_string(),
                "",
            ])?;
        }
        for item in &scoring.results.items {
            let index = item.item.to_string();
            for (stats, criterion) in item.criteria.iter().zip(&scoring.results.criteria) {
                let figures = [
                    ("score_count", Some(f64::from(stats.scorers))),
                    ("score_mean", stats.mean),
                    ("score_median", stats.median),
                    ("score_std_dev", stats.std_dev),
                    ("score_iqr", stats.iqr),
                ];
                for (section, value) in figures {
                    let value = value.map(format_figure).unwrap_or_default();
                    row([
                        section,
                        &step,
                        "",
                        "",
                        &index,
                        &item.text,
                        &criterion.name,
                        &value,
                        "",
                    ])?;
                }
            }
            let consensus = serde_json::to_value(item.consensus).ok();
            let label = consensus.as_ref().and_then(|v| v.as_str()).unwrap_or("");
            let support = item.support.map(format_figure).unwrap_or_default();
            row([
                "score_support",
                &step,
                "",
                "",
                &index,
                &item.text,
                "",
                &support,
                label,
            ])?;
        }
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}

/// A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`,
/// `@SUM(…)`, or one behind a tab or carriage return) gets a leading `'`,
/// as OWASP recommends: the text reads the same and nothing runs. Numbers
/// (a negative figure) are left as they are.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && cell.trim().parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A figure with at most 4 decimals and no trailing zeros: 5.9333, 2, 0.5.
fn format_figure(value: f64) -> String {
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::{format_figure, neutralise_formula};

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for formula in [
            "=HYPERLINK(\"http://evil.example\",\"clic\")",
            "=cmd|'/C calc'!A0",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(neutralise_formula(formula), format!("'{formula}"));
        }
        for plain in ["Une idée", "-3", "5.9333", "", "a=b", "moins - que"] {
            assert_eq!(neutralise_formula(plain), plain);
        }
    }

    #[test]
    fn figures_are_short() {
        assert_eq!(format_figure(89.0 / 15.0), "5.9333");
        assert_eq!(format_figure(2.0), "2");
        assert_eq!(format_figure(0.5), "0.5");
    }
}
