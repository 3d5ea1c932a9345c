//! The user journey map (« la carte du parcours usager »): the facilitator
//! names the stages of a public service's journey (the source: programmation,
//! arrivée et accueil, ateliers et conférences, le off, l'après); for each
//! stage every table writes what the user does (actions, factual), what they
//! think and feel, and what could be better (opportunities), and rates the
//! experience from 1 (très mauvaise) to 5 (très bonne). The wall draws the
//! map: stages across, the rows below, and the emotion curve (each stage's
//! ratings with their median), so the room sees where the journey hurts.
//!
//! A note is an idea (`note_added` records it as one, with its place): it is
//! edited, withdrawn, hidden and exported as any; the opportunities, and
//! only they, are then grouped and voted on like ideas. This folder owns the
//! stages, where a note sits, which stages are open (all, or the one the
//! facilitator opened), the ratings, and the map as screens draw it.

pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{ConfigError, Lang, StepConfig, StepKind};
use crate::ids::{IdeaId, TableId};
use crate::methods::{CommandRules, EventRules, StepRules, bad_step};
use crate::rules::{Decision, clean_text_lines, expect_next_id};
use crate::stats::ScoreStats;
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{Idea, ReplayError, StepRecord, Workshop};

/// The most stages a journey may have (a projector shows eight columns).
pub const MAX_STAGES: usize = 8;
/// The longest stage name, in characters.
pub const MAX_STAGE_CHARS: usize = 60;
/// The lowest rating (« très mauvaise expérience »).
pub const RATING_MIN: u8 = 1;
/// The highest rating (« très bonne expérience »).
pub const RATING_MAX: u8 = 5;

/// What participants are asked to do, in their words (tablets, wall).
pub fn task(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Racontez le parcours de l’usager",
        Lang::En => "Tell the user’s journey",
    }
}

/// The method's name on screens.
pub fn name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "parcours usager",
        Lang::En => "user journey",
    }
}

/// One stage of the journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Its name, e.g. « Arrivée et accueil ».
    pub name: String,
}

impl Stage {
    /// A stage with this name.
    pub fn new(name: &str) -> Stage {
        Stage {
            name: name.to_owned(),
        }
    }
}

/// A journey step's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The stages, in the user's order.
    pub stages: Vec<Stage>,
}

impl Config {
    /// Three stages any service has, for a new step (the designer's default).
    pub fn with_default_stages(lang: Lang) -> Config {
        let names: [&str; 3] = match lang {
            Lang::Fr => ["Avant", "Pendant", "Après"],
            Lang::En => ["Before", "During", "After"],
        };
        Config {
            stages: names.iter().map(|name| Stage::new(name)).collect(),
        }
    }

    /// The settings in plain words, for the synthesis.
    pub fn in_words(&self, lang: Lang) -> String {
        texts::in_words(lang, self.stages.len())
    }
}

impl StepRules for Config {
    fn check(&self, _steps: &[StepConfig], index: usize) -> Result<(), ConfigError> {
        let bad = |fr: &str, en: &str| bad_step(index, StepKind::Journey, "stages", fr, en);
        if self.stages.is_empty() || self.stages.len() > MAX_STAGES {
            return Err(bad(
                "un parcours a de 1 à 8 étapes",
                "a journey has 1 to 8 stages",
            ));
        }
        for (number, stage) in (1..).zip(&self.stages) {
            let chars = stage.name.chars().count();
            if chars == 0 || chars > MAX_STAGE_CHARS || stage.name.trim() != stage.name {
                return Err(bad(
                    &format!(
                        "l’étape {number} du parcours a un nom de 1 à {MAX_STAGE_CHARS} caractères, sans espace au début ni à la fin"
                    ),
                    &format!(
                        "stage {number} of the journey has a name of 1 to {MAX_STAGE_CHARS} characters, with no space at either end"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn new_record(&self) -> StepRecord {
        StepRecord::Journey(JourneyRecord::default())
    }
}

/// A row of the map: what a note says about its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Row {
    /// What the user does, factually (« se préinscrire sur le site »).
    Action,
    /// What they think and feel (« perdue, pas de plan »).
    Feeling,
    /// What could be better: the notes that go on to be grouped and voted on.
    Opportunity,
}

impl Row {
    /// The rows, top to bottom as the map shows them.
    pub const ALL: [Row; 3] = [Row::Action, Row::Feeling, Row::Opportunity];

    /// Its name on the wire (`action`, `feeling`, `opportunity`): what
    /// screens mark it with.
    pub fn key(self) -> &'static str {
        match self {
            Row::Action => "action",
            Row::Feeling => "feeling",
            Row::Opportunity => "opportunity",
        }
    }
}

/// Where a note sits on a journey map: its step, stage and row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotePlace {
    /// The journey step.
    pub step: usize,
    /// The stage, from 0.
    pub stage: u8,
    /// The row.
    pub row: Row,
}

/// What a journey step records: which stages are open, and the ratings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneyRecord {
    /// The one stage tables work on now, or none: every stage is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<u8>,
    /// Each table's rating of each stage it rated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<StageRating>,
}

/// A table's rating of a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRating {
    /// The table.
    pub table: TableId,
    /// The stage, from 0.
    pub stage: u8,
    /// From [`RATING_MIN`] to [`RATING_MAX`].
    pub rating: u8,
}

impl JourneyRecord {
    /// Table `table`'s rating of `stage`, if it gave one.
    pub fn rating(&self, table: TableId, stage: u8) -> Option<u8> {
        self.ratings
            .iter()
            .find(|r| r.table == table && r.stage == stage)
            .map(|r| r.rating)
    }

    fn set(&mut self, table: TableId, stage: u8, rating: Option<u8>) {
        self.ratings
            .retain(|r| !(r.table == table && r.stage == stage));
        if let Some(rating) = rating {
            self.ratings.push(StageRating {
                table,
                stage,
                rating,
            });
        }
    }
}

/// Add a note to the current journey step: a table's (or the facilitator's,
/// typed in), on a stage that is open, in a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddNote {
    /// The stage, from 0.
    pub stage: u8,
    /// The row.
    pub row: Row,
    /// What it says (the workshop's idea length limit).
    pub text: String,
}

/// A note was added: an idea with its place on the map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAdded {
    /// Its id, an idea's.
    pub idea: IdeaId,
    /// The table that wrote it, or none when the facilitator typed it in.
    pub author: Option<TableId>,
    /// The journey step.
    pub step: usize,
    /// The stage, from 0.
    pub stage: u8,
    /// The row.
    pub row: Row,
    /// Its text, trimmed.
    pub text: String,
    /// When, in milliseconds since the Unix epoch, as the server's clock said.
    pub at_ms: u64,
}

/// The facilitator opens one stage of the current journey (tables write and
/// rate there alone), or every stage (`null`: tables go freely).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenStage {
    /// The stage, from 0, or none for all.
    pub stage: Option<u8>,
}

/// The stages open in a journey step changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageOpened {
    /// The journey step.
    pub step: usize,
    /// The one stage open now, or none: all of them.
    pub stage: Option<u8>,
}

/// A table rates its experience of a stage, or takes its rating back (`null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateStage {
    /// The stage, from 0.
    pub stage: u8,
    /// From 1 (très mauvaise) to 5 (très bonne), or none.
    pub rating: Option<u8>,
}

/// A table's rating of a stage changed. Everyone sees it: the map is the
/// room's, drawn on the wall as it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRated {
    /// The journey step.
    pub step: usize,
    /// The table.
    pub table: TableId,
    /// The stage, from 0.
    pub stage: u8,
    /// The rating, or none (taken back).
    pub rating: Option<u8>,
}

impl Workshop {
    /// The stages of step `step` (none when it is not a journey).
    pub fn stages(&self, step: usize) -> &[Stage] {
        match self.config.step(step) {
            Some(StepConfig::Journey(config)) => &config.stages,
            _ => &[],
        }
    }

    /// Step `step`'s record, if it is a journey.
    pub fn journey_record(&self, step: usize) -> Option<&JourneyRecord> {
        match self.records.get(step) {
            Some(StepRecord::Journey(record)) => Some(record),
            _ => None,
        }
    }

    /// The current step, if it is a journey with stage `stage`.
    fn expect_stage(&self, stage: u8) -> Result<usize, RuleViolation> {
        let step = self.current_step();
        let stages = self.stages(step).len();
        if usize::from(stage) >= stages {
            return Err(RuleViolation::UnknownStage {
                stage,
                stages: stages as u8,
            });
        }
        Ok(step)
    }

    /// Whether tables may write on and rate `stage` of the current step now:
    /// it exists and it is open (every stage is, unless one was opened alone).
    fn expect_stage_open(&self, stage: u8) -> Result<usize, RuleViolation> {
        let step = self.expect_stage(stage)?;
        match self.journey_record(step).and_then(|r| r.open) {
            Some(open) if open != stage => Err(RuleViolation::StageNotOpen { stage, open }),
            _ => Ok(step),
        }
    }
}

fn table_or_facilitator(role: Role) -> bool {
    matches!(role, Role::Table(_) | Role::Facilitator)
}

impl CommandRules for AddNote {
    fn may_send(&self, role: Role) -> bool {
        table_or_facilitator(role)
    }

    fn check(&self, workshop: &Workshop, role: Role, now_ms: u64) -> Decision {
        let author = match role {
            Role::Table(table) => {
                workshop.expect_open_step(&[StepKind::Journey])?;
                Some(table)
            }
            // The facilitator may type notes in before opening the step.
            _ => {
                workshop.expect_step(&[StepKind::Journey])?;
                None
            }
        };
        // A table writes on an open stage; the facilitator on any.
        let step = if author.is_some() {
            workshop.expect_stage_open(self.stage)?
        } else {
            workshop.expect_stage(self.stage)?
        };
        workshop.expect_room_for_idea(author)?;
        let text = clean_text_lines(&self.text, workshop.idea_char_limit(), true)?;
        Ok(vec![
            NoteAdded {
                idea: IdeaId(workshop.ideas.len() as u32),
                author,
                step,
                stage: self.stage,
                row: self.row,
                text,
                at_ms: now_ms,
            }
            .into(),
        ])
    }
}

impl EventRules for NoteAdded {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        expect_next_id(self.idea.index(), workshop.ideas.len(), "idea")?;
        if usize::from(self.stage) >= workshop.stages(self.step).len() {
            return Err(ReplayError(format!(
                "step {} has no stage {}",
                self.step, self.stage
            )));
        }
        if self
            .author
            .is_some_and(|table| workshop.table(table).is_none())
        {
            return Err(ReplayError("the note's table does not exist".into()));
        }
        workshop.ideas.push(Idea {
            id: self.idea,
            author: self.author,
            text: self.text.clone(),
            at_ms: self.at_ms,
            hidden: false,
            deleted: false,
            cluster: None,
            pending: false,
            corrected: false,
            web: None,
            category: None,
            role: None,
            journey: Some(NotePlace {
                step: self.step,
                stage: self.stage,
                row: self.row,
            }),
        });
        Ok(())
    }

    fn without_hidden_text(&self, workshop: &Workshop) -> Self {
        NoteAdded {
            text: if workshop.idea(self.idea).is_some_and(|idea| idea.hidden) {
                String::new()
            } else {
                self.text.clone()
            },
            ..self.clone()
        }
    }
}

impl CommandRules for OpenStage {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop.expect_step(&[StepKind::Journey])?;
        let step = match self.stage {
            Some(stage) => workshop.expect_stage(stage)?,
            None => workshop.current_step(),
        };
        Ok(vec![
            StageOpened {
                step,
                stage: self.stage,
            }
            .into(),
        ])
    }
}

impl EventRules for StageOpened {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let stages = workshop.stages(self.step).len();
        match workshop.records.get_mut(self.step) {
            Some(StepRecord::Journey(record))
                if self.stage.is_none_or(|s| usize::from(s) < stages) =>
            {
                record.open = self.stage;
                Ok(())
            }
            _ => Err(ReplayError(format!(
                "step {} is no journey with stage {:?}",
                self.step, self.stage
            ))),
        }
    }
}

impl CommandRules for RateStage {
    fn may_send(&self, role: Role) -> bool {
        matches!(role, Role::Table(_))
    }

    fn check(&self, workshop: &Workshop, role: Role, _now_ms: u64) -> Decision {
        let Role::Table(table) = role else {
            return Err(RuleViolation::NotAllowedForRole { role });
        };
        workshop.expect_open_step(&[StepKind::Journey])?;
        let step = workshop.expect_stage_open(self.stage)?;
        if let Some(rating) = self
            .rating
            .filter(|r| !(RATING_MIN..=RATING_MAX).contains(r))
        {
            return Err(RuleViolation::ScoreOutOfRange {
                min: RATING_MIN,
                max: RATING_MAX,
                score: rating,
            });
        }
        Ok(vec![
            StageRated {
                step,
                table,
                stage: self.stage,
                rating: self.rating,
            }
            .into(),
        ])
    }
}

impl EventRules for StageRated {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let stages = workshop.stages(self.step).len();
        let tables = workshop.tables.len();
        let in_range = self
            .rating
            .is_none_or(|r| (RATING_MIN..=RATING_MAX).contains(&r));
        match workshop.records.get_mut(self.step) {
            Some(StepRecord::Journey(record))
                if usize::from(self.stage) < stages && self.table.index() < tables && in_range =>
            {
                record.set(self.table, self.stage, self.rating);
                Ok(())
            }
            _ => Err(ReplayError(format!(
                "no rating of stage {} by table {} in step {}",
                self.stage, self.table.0, self.step
            ))),
        }
    }
}

/// One stage of a journey map as the screens draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct StageMap {
    /// The stage, from 0.
    pub stage: u8,
    /// Its name.
    pub name: String,
    /// Its live notes per row ([`Row::ALL`]'s order): id and text.
    pub rows: [Vec<(IdeaId, String)>; 3],
    /// Its ratings: how many tables gave 1, 2, … 5, with median and mean.
    pub ratings: ScoreStats,
}

impl Workshop {
    /// The map of journey step `step`: each stage with its notes (live ones,
    /// grouped or not) and the statistics of its ratings. Empty when the
    /// step is no journey.
    pub fn journey_map(&self, step: usize) -> Vec<StageMap> {
        let record = self.journey_record(step);
        self.stages(step)
            .iter()
            .enumerate()
            .map(|(n, stage)| {
                let stage_n = n as u8;
                let notes = |row: Row| {
                    self.ideas
                        .iter()
                        .filter(|idea| {
                            idea.is_live()
                                && idea.journey
                                    == Some(NotePlace {
                                        step,
                                        stage: stage_n,
                                        row,
                                    })
                        })
                        .map(|idea| (idea.id, idea.text.clone()))
                        .collect()
                };
                let mut counts = vec![0; usize::from(RATING_MAX - RATING_MIN + 1)];
                for r in record
                    .into_iter()
                    .flat_map(|r| &r.ratings)
                    .filter(|r| r.stage == stage_n)
                {
                    counts[usize::from(r.rating - RATING_MIN)] += 1;
                }
                StageMap {
                    stage: stage_n,
                    name: stage.name.clone(),
                    rows: Row::ALL.map(notes),
                    ratings: ScoreStats::from_counts(RATING_MIN, counts),
                }
            })
            .collect()
    }
}
