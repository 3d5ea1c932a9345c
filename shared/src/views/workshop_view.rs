//! The workshop as one audience may see it, in a shape made for the wire and
//! for storage ([`WorkshopView`]), not the engine's in-memory layout: no
//! running sums, no flattened arrays, only what that audience may read, and a
//! format number. A client (or the server at start-up) rebuilds an engine
//! [`Workshop`] from it with [`Workshop::from_view`], then applies events.
//!
//! What each audience may see is decided here, field by field, with every
//! field named: a new field of the workshop does not compile until it says.

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{StepConfig, WorkshopConfig};
use crate::ids::{IdeaId, ItemRef, TableId};
use crate::methods::journey::{self, JourneyRecord};
use crate::methods::paper_votes::{PaperCount, PaperVotes};
use crate::methods::scoring::sheet::ScoreCell;
use crate::methods::scoring::{Criterion, MAX_CRITERIA, ScoringItem};
use crate::notes::Notes;
use crate::wall::Wall;
use crate::workshop::{Cluster, Idea, ReplayError, StepRecord, Table, Workshop};

/// The shape of [`WorkshopView`]: raised when it changes. Stored snapshots
/// carry it; a reader refuses a format it does not know rather than misread it.
pub const VIEW_FORMAT: u32 = 1;

/// The whole workshop as one audience may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopView {
    /// [`VIEW_FORMAT`].
    pub format: u32,
    /// The settings.
    pub config: WorkshopConfig,
    /// The current step's index.
    pub current_step: usize,
    /// Whether it accepts submissions.
    pub step_open: bool,
    /// When its countdown ends (ms since the Unix epoch), if it has one.
    pub deadline_ms: Option<u64>,
    /// Whether new tables are refused.
    pub joining_locked: bool,
    /// Whether results are shown to tables and the wall.
    pub results_visible: bool,
    /// Every table, by id: `{id, name}`.
    pub tables: Vec<Table>,
    /// Every idea, by id (withdrawn ones keep their slot); a hidden idea's
    /// text is empty for all but the facilitator.
    pub ideas: Vec<Idea>,
    /// Every cluster, by id (dissolved ones keep their slot).
    pub clusters: Vec<Cluster>,
    /// What each step recorded that this audience may see, same index as the steps.
    pub steps: Vec<StepView>,
    /// The facilitator's notes for the synthesis: the facilitator's view
    /// alone carries them (absent when empty, and from older snapshots).
    #[serde(default, skip_serializing_if = "Notes::is_empty")]
    pub notes: Notes,
    /// The wall's join panel and item in focus (absent when as by default,
    /// and from older snapshots).
    #[serde(default, skip_serializing_if = "Wall::is_default")]
    pub wall: Wall,
    /// Votes counted on paper boards, every audience's (absent when none,
    /// and from older snapshots).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub paper: Vec<PaperCount>,
}

/// What one step recorded, as one audience may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepView {
    /// Divergence, grouping and results record nothing of their own.
    Nothing,
    /// A budget vote: the points this audience may see.
    Vote {
        /// One entry per table and item with points.
        points: Vec<PointsGiven>,
    },
    /// A scoring step: its items, and the scores this audience may see.
    Scoring {
        /// The items, once chosen (`null` until a step taking a vote's top is reached).
        items: Option<Vec<ScoringItem>>,
        /// The criteria, when chosen during the workshop (from a vote, or
        /// worded by the facilitator); absent: the step's settings' own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        criteria: Option<Vec<Criterion>>,
        /// One entry per score given.
        scores: Vec<ScoreGiven>,
    },
    /// A dot vote: the dots this audience may see.
    Dots {
        /// One entry per seat and item with dots.
        dots: Vec<DotsGiven>,
    },
    /// A divergence in circles (a spider web): the circle written in now.
    Web {
        /// The circle, from 0.
        circle: u8,
    },
    /// A journey map: the stage open and every table's ratings (the map is
    /// the room's: every audience sees them).
    Journey(JourneyRecord),
}

/// A table's points on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsGiven {
    /// The table.
    pub table: TableId,
    /// The idea or cluster.
    pub item: ItemRef,
    /// Its points (never 0: an item without points is left out).
    pub points: u32,
}

/// One seat's score of one item on one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreGiven {
    /// The table.
    pub table: TableId,
    /// The seat, from 1.
    pub seat: u8,
    /// The scoring item's index.
    pub item: u32,
    /// The criterion's index.
    pub criterion: u32,
    /// The score.
    pub score: u8,
}

/// One seat's dots on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DotsGiven {
    /// The table.
    pub table: TableId,
    /// The seat, from 1.
    pub seat: u8,
    /// The idea or cluster.
    pub item: ItemRef,
    /// Its dots (never 0).
    pub dots: u32,
}

impl Workshop {
    /// The workshop as `role` may see it: the facilitator everything; a table
    /// its own points, scores and dots and no hidden text; the wall and a
    /// guest no table's points, scores or dots (they see results through the
    /// results views, once revealed) and no hidden text.
    pub fn view_for(&self, role: Role) -> WorkshopView {
        let Workshop {
            config,
            current_step,
            step_open,
            deadline_ms,
            joining_locked,
            results_visible,
            tables,
            ideas,
            clusters,
            records,
            notes,
            wall,
            paper,
        } = self;
        // Whose points, scores and dots this audience may see.
        let sees = |table: TableId| match role {
            Role::Facilitator => true,
            Role::Table(me) => me == table,
            Role::Wall | Role::Guest => false,
        };
        let ideas = ideas
            .iter()
            .map(|idea| {
                let withheld = idea.is_withheld_from(role);
                let Idea {
                    id,
                    author,
                    text,
                    at_ms,
                    hidden,
                    deleted,
                    cluster,
                    pending,
                    corrected,
                    web,
                    journey,
                    category,
                    role,
                } = idea;
                Idea {
                    id: *id,
                    author: *author,
                    text: if withheld {
                        String::new()
                    } else {
                        text.clone()
                    },
                    at_ms: *at_ms,
                    hidden: *hidden,
                    deleted: *deleted,
                    cluster: *cluster,
                    pending: *pending,
                    corrected: *corrected,
                    web: *web,
                    journey: *journey,
                    category: *category,
                    role: *role,
                }
            })
            .collect();
        let steps = records
            .iter()
            .enumerate()
            .map(|(step, record)| match record {
                StepRecord::Nothing => StepView::Nothing,
                StepRecord::Web { circle } => StepView::Web { circle: *circle },
                StepRecord::Journey(record) => StepView::Journey(record.clone()),
                StepRecord::Vote(ledger) => StepView::Vote {
                    points: tables
                        .iter()
                        .filter(|t| sees(t.id))
                        .flat_map(|t| {
                            ledger.given_by(t.id).map(|(item, points)| PointsGiven {
                                table: t.id,
                                item,
                                points,
                            })
                        })
                        .collect(),
                },
                StepRecord::Scoring(sheet) => {
                    let shape = self.sheet_shape(step);
                    let scores = shape.map_or_else(Vec::new, |shape| {
                        tables
                            .iter()
                            .filter(|t| sees(t.id))
                            .flat_map(|t| {
                                (1..=shape.seats).flat_map(move |seat| {
                                    (0..shape.items).flat_map(move |item| {
                                        (0..shape.criteria).map(move |criterion| ScoreCell {
                                            table: t.id,
                                            seat,
                                            item,
                                            criterion,
                                        })
                                    })
                                })
                            })
                            .filter_map(|cell| {
                                Some(ScoreGiven {
                                    table: cell.table,
                                    seat: cell.seat,
                                    item: cell.item,
                                    criterion: cell.criterion,
                                    score: sheet.score(shape, cell)?,
                                })
                            })
                            .collect()
                    });
                    StepView::Scoring {
                        items: sheet.items().map(<[_]>::to_vec),
                        criteria: sheet.criteria().map(<[_]>::to_vec),
                        scores,
                    }
                }
                StepRecord::Dots(ledger) => StepView::Dots {
                    dots: tables
                        .iter()
                        .filter(|t| sees(t.id))
                        .flat_map(|t| {
                            (1..=config.seats()).flat_map(move |seat| {
                                ledger
                                    .given_by(t.id, seat)
                                    .map(move |(item, dots)| DotsGiven {
                                        table: t.id,
                                        seat,
                                        item,
                                        dots,
                                    })
                            })
                        })
                        .collect(),
                },
            })
            .collect();
        WorkshopView {
            format: VIEW_FORMAT,
            config: config.clone(),
            current_step: *current_step,
            step_open: *step_open,
            deadline_ms: *deadline_ms,
            joining_locked: *joining_locked,
            results_visible: *results_visible,
            tables: tables.clone(),
            ideas,
            clusters: clusters.clone(),
            steps,
            notes: match role {
                Role::Facilitator => notes.clone(),
                Role::Table(_) | Role::Wall | Role::Guest => Notes::default(),
            },
            wall: *wall,
            // Counted in the room for all to see, like the histograms.
            paper: paper.counts().to_vec(),
        }
    }

    /// Rebuilds a workshop from a view (a snapshot received or stored),
    /// checking that every part fits: ids in order, steps matching the
    /// settings, every point, score and dot on a table, seat and item that exist.
    pub fn from_view(view: WorkshopView) -> Result<Workshop, ReplayError> {
        let bad = |what: &str| Err(ReplayError(format!("snapshot: {what}")));
        if view.format != VIEW_FORMAT {
            return bad(&format!("format {} is not {VIEW_FORMAT}", view.format));
        }
        let WorkshopView {
            format: _,
            config,
            current_step,
            step_open,
            deadline_ms,
            joining_locked,
            results_visible,
            tables,
            ideas,
            clusters,
            steps,
            notes,
            wall,
            paper,
        } = view;
        let mut workshop = Workshop::new(config);
        let count = workshop.config.steps().len();
        if current_step >= count || steps.len() != count {
            return bad("the steps do not match the settings");
        }
        let in_order = tables.iter().enumerate().all(|(i, t)| t.id.index() == i)
            && ideas
                .iter()
                .enumerate()
                .all(|(i, idea)| idea.id.index() == i)
            && clusters.iter().enumerate().all(|(i, c)| c.id.index() == i);
        if !in_order {
            return bad("ids out of order");
        }
        let ids_fit = ideas.iter().all(|idea| {
            idea.author.is_none_or(|t| t.index() < tables.len())
                && idea.cluster.is_none_or(|c| c.index() < clusters.len())
        }) && clusters
            .iter()
            .all(|c| c.ideas.iter().all(|i: &IdeaId| i.index() < ideas.len()));
        if !ids_fit {
            return bad("an idea or a cluster points nowhere");
        }
        let roles = workshop.config.setup().roles.len();
        let notes_fit = ideas.iter().all(|idea| {
            idea.journey
                .is_none_or(|place| usize::from(place.stage) < workshop.stages(place.step).len())
                && idea.category.is_none_or(|place| {
                    usize::from(place.category) < workshop.categories(place.step).len()
                })
                && idea.role.is_none_or(|r| usize::from(r) < roles)
        }) && tables.iter().all(|t| {
            t.seat_roles.len() <= usize::from(workshop.config.seats())
                && t.seat_roles
                    .iter()
                    .flatten()
                    .all(|r| usize::from(*r) < roles)
        });
        if !notes_fit {
            return bad("a note, category or role that the settings do not have");
        }
        workshop.current_step = current_step;
        workshop.step_open = step_open;
        workshop.deadline_ms = deadline_ms;
        workshop.joining_locked = joining_locked;
        workshop.results_visible = results_visible;
        workshop.tables = tables;
        workshop.ideas = ideas;
        workshop.clusters = clusters;
        workshop.notes = notes;
        workshop.wall = wall;
        let on_votes = paper.iter().all(|c| {
            c.step < count
                && matches!(
                    workshop.config.steps()[c.step],
                    StepConfig::BudgetVote(_) | StepConfig::DotVote(_)
                )
        });
        if !on_votes {
            return bad("a paper count outside a vote");
        }
        workshop.paper = PaperVotes::from_counts(paper)?;
        let seats = workshop.config.seats();
        let table_exists = |t: TableId, tables: usize| t.index() < tables;
        let tables_count = workshop.tables.len();
        for (step, recorded) in steps.into_iter().enumerate() {
            let config_step = workshop.config.steps()[step].clone();
            match (recorded, &config_step) {
                (
                    StepView::Nothing,
                    StepConfig::Divergence(_) | StepConfig::Grouping(_) | StepConfig::Results(_),
                ) => {}
                (StepView::Web { circle }, StepConfig::Divergence(config))
                    if usize::from(circle) < config.circles.len() =>
                {
                    workshop.records[step] = StepRecord::Web { circle };
                }
                (StepView::Journey(record), StepConfig::Journey(config)) => {
                    let stages = config.stages.len();
                    let sound = record.open.is_none_or(|s| usize::from(s) < stages)
                        && record.ratings.iter().all(|r| {
                            usize::from(r.stage) < stages
                                && table_exists(r.table, tables_count)
                                && (journey::RATING_MIN..=journey::RATING_MAX).contains(&r.rating)
                        });
                    if !sound {
                        return bad("a journey's stage or rating out of range");
                    }
                    workshop.records[step] = StepRecord::Journey(record);
                }
                (StepView::Vote { points }, StepConfig::BudgetVote(_)) => {
                    let Some(StepRecord::Vote(ledger)) = workshop.records.get_mut(step) else {
                        return bad("a vote without its record");
                    };
                    for p in points {
                        if !table_exists(p.table, tables_count) || p.points == 0 {
                            return bad("points of no table");
                        }
                        ledger.set(p.table, p.item, p.points);
                    }
                }
                (
                    StepView::Scoring {
                        items,
                        criteria,
                        scores,
                    },
                    StepConfig::Scoring(_),
                ) => {
                    if let Some(StepRecord::Scoring(sheet)) = workshop.records.get_mut(step) {
                        if let Some(items) = items {
                            sheet.choose_items(items);
                        }
                        if let Some(criteria) = criteria {
                            if criteria.is_empty() || criteria.len() > MAX_CRITERIA {
                                return bad("a scoring step's criteria out of bounds");
                            }
                            sheet.choose_criteria(criteria);
                        }
                    }
                    let Some(shape) = workshop.sheet_shape(step) else {
                        return bad("a scoring without its sheet");
                    };
                    let Some(StepRecord::Scoring(sheet)) = workshop.records.get_mut(step) else {
                        return bad("a scoring without its sheet");
                    };
                    for s in scores {
                        let fits = table_exists(s.table, tables_count)
                            && (1..=shape.seats).contains(&s.seat)
                            && s.item < shape.items
                            && s.criterion < shape.criteria;
                        if !fits {
                            return bad("a score off the sheet");
                        }
                        let cell = ScoreCell {
                            table: s.table,
                            seat: s.seat,
                            item: s.item,
                            criterion: s.criterion,
                        };
                        sheet.set(shape, cell, Some(s.score));
                    }
                }
                (StepView::Dots { dots }, StepConfig::DotVote(_)) => {
                    let Some(StepRecord::Dots(ledger)) = workshop.records.get_mut(step) else {
                        return bad("a dot vote without its record");
                    };
                    for d in dots {
                        let fits = table_exists(d.table, tables_count)
                            && (1..=seats).contains(&d.seat)
                            && d.dots > 0;
                        if !fits {
                            return bad("dots of no seat");
                        }
                        ledger.set(d.table, d.seat, d.item, d.dots);
                    }
                }
                _ => return bad(&format!("step {step} does not match its settings")),
            }
        }
        Ok(workshop)
    }
}
