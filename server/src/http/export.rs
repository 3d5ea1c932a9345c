//! A workshop's results for the facilitator, as JSON and as CSV: ideas,
//! clusters, every table's points and their totals, every seat's scores and
//! their statistics. Everything is computed from the engine's views, so the
//! export says exactly what the screens say.

use ruche_shared::methods::budget_vote::histogram::VoteHistogram;
use ruche_shared::methods::categories::Colour;
use ruche_shared::methods::dot_vote::tally::DotTally;
use ruche_shared::methods::journey::Row;
use ruche_shared::methods::paper_votes::PaperCount;
use ruche_shared::methods::scoring::results::ScoringResults;
use ruche_shared::workshop::ReplayError;
use ruche_shared::{Criterion, ItemRef, Lang, TableId, Workshop, WorkshopConfig};
use serde::Serialize;

use crate::audit::chain::{self, ChainedEvent};
use crate::store::History;

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
    /// One entry per user journey step (absent when the workshop has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub journeys: Vec<ExportJourney>,
    /// The consolidated table, when the workshop has roles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consolidated: Option<ExportConsolidated>,
    /// The settings and the whole log, chained, that every figure above is
    /// computed from (`ruche-server verify` re-counts them).
    #[serde(flatten)]
    pub audit: Option<AuditTrail>,
}

/// What lets anyone re-count an export: the settings, every event, and the
/// hash chain over them ([`crate::audit::chain`]).
#[derive(Debug, Serialize)]
pub struct AuditTrail {
    /// The settings the workshop was created with.
    pub setup: WorkshopConfig,
    /// When it was created (ms since the Unix epoch).
    pub created_at_ms: u64,
    /// Every event, in order, with its hash.
    pub log: Vec<ChainedEvent>,
    /// The chain's final hash: what a printed report shows.
    pub log_hash: String,
}

/// The export of a workshop's whole log: the figures computed from its
/// replay (so they are exactly what the log says), with the log chained.
pub fn audited(id: &str, history: &History) -> Result<Export, ReplayError> {
    let mut workshop = Workshop::new(history.config.clone());
    for logged in &history.events {
        workshop.apply(&logged.event)?;
    }
    let (log, log_hash) = chain::chain(
        id,
        history.created_at_ms,
        &history.config,
        history.events.iter().map(|e| (e.seq, e.at_ms, &e.event)),
    );
    Ok(Export {
        audit: Some(AuditTrail {
            setup: history.config.clone(),
            created_at_ms: history.created_at_ms,
            log,
            log_hash,
        }),
        ..export(id, &workshop)
    })
}

/// A dot vote's results.
#[derive(Debug, Serialize)]
pub struct ExportDots {
    /// The histogram (totals, sorted; people done).
    pub tally: DotTally,
    /// Every seat's dots on every item.
    pub by_seat: Vec<ExportDot>,
    /// Dots counted on paper boards, per group and item (apart from the seats').
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paper: Vec<PaperCount>,
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
    /// Where it took place (the facilitator's note; absent until written).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// Its conclusions (the facilitator's note; absent until written).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub conclusions: String,
}

/// A table.
#[derive(Debug, Serialize)]
pub struct ExportTable {
    /// Id.
    pub id: TableId,
    /// Name.
    pub name: String,
    /// The persona it thought for (design thinking), by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persona: Option<String>,
    /// Its own question, if it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
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
    /// Hidden by the facilitator, or never accepted (a moderated divergence).
    pub hidden: bool,
    /// Its text corrected by the facilitator (« modifiée par l'animateur »).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub corrected: bool,
    /// Its cluster, if any.
    pub cluster: Option<ItemRef>,
    /// The spider web's circle it was written in, from 1 as on the screens
    /// (absent for an idea written on no web).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub circle: Option<u8>,
    /// Where it sits on a user journey's map (absent for an idea that is no
    /// journey's note).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journey: Option<ExportNotePlace>,
    /// Its category (a coloured post-it), by name, with its colour (absent
    /// for an idea in no category).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<ExportCategory>,
    /// The role of the seat that wrote it (absent when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// The consolidated table (« Regards croisés »): the workshop's roles
/// across, each category of ideas down, each cell its ideas.
#[derive(Debug, Serialize)]
pub struct ExportConsolidated {
    /// The roles, in order; a last column holds the ideas of no role.
    pub roles: Vec<String>,
    /// One row per category with ideas (its name; empty: ideas in none).
    pub rows: Vec<ExportConsolidatedRow>,
}

/// A row of the consolidated table.
#[derive(Debug, Serialize)]
pub struct ExportConsolidatedRow {
    /// The category's name (empty: ideas in no category).
    pub category: String,
    /// One cell per role, then the ideas of no role: the ideas, as items.
    pub cells: Vec<Vec<ItemRef>>,
}

/// An idea's category.
#[derive(Debug, Serialize)]
pub struct ExportCategory {
    /// Its name.
    pub name: String,
    /// Its colour.
    pub colour: Colour,
}

/// A journey's note's place: its stage (from 1, with its name) and row.
#[derive(Debug, Serialize)]
pub struct ExportNotePlace {
    /// The journey step's index (from 0, as `step` elsewhere).
    pub step: usize,
    /// The stage, from 1 as on the screens.
    pub stage: u8,
    /// The stage's name.
    pub stage_name: String,
    /// `action`, `feeling` or `opportunity`.
    pub row: Row,
}

/// A user journey's map: each stage's ratings (its notes are among the
/// ideas, with their place).
#[derive(Debug, Serialize)]
pub struct ExportJourney {
    /// The step's index, from 0.
    pub step: usize,
    /// Each stage, in order.
    pub stages: Vec<ExportStage>,
}

/// One stage of a journey and how the tables rated it.
#[derive(Debug, Serialize)]
pub struct ExportStage {
    /// From 1.
    pub stage: u8,
    /// Its name.
    pub name: String,
    /// How many tables gave 1, 2, 3, 4 and 5.
    pub counts: Vec<u32>,
    /// The median rating, if any.
    pub median: Option<f64>,
    /// The mean rating, if any.
    pub mean: Option<f64>,
    /// Each table's rating.
    pub by_table: Vec<ExportRating>,
}

/// A table's rating of a stage.
#[derive(Debug, Serialize)]
pub struct ExportRating {
    /// Table name.
    pub table: String,
    /// From 1 to 5.
    pub rating: u8,
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
    /// Points counted on paper boards, per group and item (apart from the tables').
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paper: Vec<PaperCount>,
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
            place: workshop.notes().place.clone(),
            conclusions: workshop.notes().conclusions.clone(),
        },
        tables: workshop
            .tables()
            .iter()
            .map(|t| ExportTable {
                id: t.id,
                name: t.name.clone(),
                persona: workshop.persona_of(t.id).map(|p| p.name.clone()),
                question: t.question.clone(),
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
                // Never accepted (a moderated divergence) is set aside too:
                // the room never saw it.
                hidden: idea.hidden || idea.pending,
                corrected: idea.corrected,
                cluster: idea.cluster.map(ItemRef::Cluster),
                circle: idea.web.map(|place| place.circle + 1),
                journey: idea.journey.map(|place| ExportNotePlace {
                    step: place.step,
                    stage: place.stage + 1,
                    stage_name: workshop
                        .stages(place.step)
                        .get(usize::from(place.stage))
                        .map_or_else(String::new, |s| s.name.clone()),
                    row: place.row,
                }),
                category: workshop.category_of(idea.category).map(|c| ExportCategory {
                    name: c.name.clone(),
                    colour: c.colour,
                }),
                role: workshop.role_name(idea.role).map(str::to_owned),
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
                    paper: workshop.paper_counts(step),
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
        journeys: steps
            .clone()
            .filter_map(|step| journey(workshop, step))
            .collect(),
        consolidated: consolidated(workshop),
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
                Some(ExportDots {
                    tally,
                    by_seat,
                    paper: workshop.paper_counts(step),
                })
            })
            .collect(),
        audit: None,
    }
}

/// The consolidated table, if the workshop has roles.
fn consolidated(workshop: &Workshop) -> Option<ExportConsolidated> {
    let roles = &workshop.config().setup().roles;
    if roles.is_empty() {
        return None;
    }
    let rows = workshop
        .consolidated()
        .rows
        .into_iter()
        .map(|row| ExportConsolidatedRow {
            category: row.name,
            cells: row
                .cells
                .iter()
                .map(|cell| cell.iter().map(|(id, _)| ItemRef::Idea(*id)).collect())
                .collect(),
        })
        .collect();
    Some(ExportConsolidated {
        roles: roles.clone(),
        rows,
    })
}

/// Journey step `step`'s stages and ratings, if it is a journey.
fn journey(workshop: &Workshop, step: usize) -> Option<ExportJourney> {
    let record = workshop.journey_record(step)?;
    let stages = workshop
        .journey_map(step)
        .into_iter()
        .map(|stage| ExportStage {
            stage: stage.stage + 1,
            by_table: workshop
                .tables()
                .iter()
                .filter_map(|t| {
                    Some(ExportRating {
                        table: t.name.clone(),
                        rating: record.rating(t.id, stage.stage)?,
                    })
                })
                .collect(),
            name: stage.name,
            median: stage.ratings.median,
            mean: stage.ratings.mean,
            counts: stage.ratings.counts,
        })
        .collect();
    Some(ExportJourney { step, stages })
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
