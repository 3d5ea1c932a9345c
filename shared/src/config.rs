//! A workshop's settings: the steps it runs and their parameters.
//!
//! [`WorkshopSetup`] is what a facilitator (or a template) asks for;
//! [`WorkshopConfig::new`] is the one place it is checked, so every
//! [`WorkshopConfig`] the engine holds is valid and the rules never re-check it.

use serde::{Deserialize, Serialize};

/// The language of a workshop's screens. French is the default: Ruche's users
/// are mostly French-speaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Français.
    #[default]
    Fr,
    /// English.
    En,
}

/// The default budget of points per table in a budget vote, from the source workshop.
pub const DEFAULT_BUDGET: u32 = 30;
/// The default most points one table may give one item.
pub const DEFAULT_CAP_PER_ITEM: u32 = 3;
/// The default number of seats (people) per table.
pub const DEFAULT_SEATS: u8 = 3;
/// The default longest idea, in characters (Unicode scalar values).
pub const DEFAULT_MAX_IDEA_CHARS: u32 = 280;
/// The longest table name or cluster title, in characters.
pub const MAX_NAME_CHARS: u32 = 60;
/// The longest workshop title or question, in characters.
pub const MAX_QUESTION_CHARS: u32 = 500;
/// Hard ceilings that keep one workshop's memory bounded whatever a facilitator asks for.
pub const MAX_STEPS: usize = 32;
/// The most criteria a scoring step may have.
pub const MAX_CRITERIA: usize = 12;
/// The most items a scoring step may have.
pub const MAX_SCORING_ITEMS: usize = 100;
/// The most seats a table may have.
pub const MAX_SEATS: u8 = 12;

/// One step of a workshop, as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepConfig {
    /// Tables submit ideas ("le robinet à idées") and see each other's.
    Divergence {
        /// The longest idea, in characters.
        #[serde(default = "default_max_idea_chars")]
        max_idea_chars: u32,
    },
    /// The facilitator merges similar ideas into clusters and hides off-topic ones.
    Grouping,
    /// Each table spends a budget of points on ideas and clusters.
    BudgetVote {
        /// Points each table may spend.
        #[serde(default = "default_budget")]
        budget: u32,
        /// Most points one table may give one item.
        #[serde(default = "default_cap")]
        cap_per_item: u32,
        /// Whether a table may give points to an item containing its own idea.
        #[serde(default)]
        allow_self_vote: bool,
    },
    /// Each seat of each table scores each item on each criterion.
    Scoring {
        /// What to judge the items on.
        criteria: Vec<Criterion>,
        /// The lowest score (default 0).
        #[serde(default)]
        scale_min: u8,
        /// The highest score (default 10).
        #[serde(default = "default_scale_max")]
        scale_max: u8,
        /// Where the items to score come from.
        items: ScoringItemsSource,
    },
    /// Nothing to submit: the results of the steps before are shown.
    Results,
}

/// What a step is, without its settings: used in messages ("this is a vote step").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// See [`StepConfig::Divergence`].
    Divergence,
    /// See [`StepConfig::Grouping`].
    Grouping,
    /// See [`StepConfig::BudgetVote`].
    BudgetVote,
    /// See [`StepConfig::Scoring`].
    Scoring,
    /// See [`StepConfig::Results`].
    Results,
}

impl StepConfig {
    /// The kind of this step.
    pub fn kind(&self) -> StepKind {
        match self {
            StepConfig::Divergence { .. } => StepKind::Divergence,
            StepConfig::Grouping => StepKind::Grouping,
            StepConfig::BudgetVote { .. } => StepKind::BudgetVote,
            StepConfig::Scoring { .. } => StepKind::Scoring,
            StepConfig::Results => StepKind::Results,
        }
    }
}

fn default_max_idea_chars() -> u32 {
    DEFAULT_MAX_IDEA_CHARS
}
fn default_budget() -> u32 {
    DEFAULT_BUDGET
}
fn default_cap() -> u32 {
    DEFAULT_CAP_PER_ITEM
}
fn default_scale_max() -> u8 {
    10
}
fn default_seats() -> u8 {
    DEFAULT_SEATS
}

/// A criterion of a scoring step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Its name as shown to participants, e.g. "acceptabilité".
    pub name: String,
    /// Whether a high score is good (acceptability) or bad (cost, when scored as "how costly").
    #[serde(default = "yes")]
    pub higher_is_better: bool,
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

/// Who may join the workshop as a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinPolicy {
    /// Whether joining is locked from the start (the facilitator can change it later).
    #[serde(default)]
    pub locked: bool,
    /// The most tables that may join.
    #[serde(default = "default_max_tables")]
    pub max_tables: u32,
}

/// The default and hard limit on tables per workshop (a large event had 200).
pub const DEFAULT_MAX_TABLES: u32 = 500;

fn default_max_tables() -> u32 {
    DEFAULT_MAX_TABLES
}

impl Default for JoinPolicy {
    fn default() -> Self {
        JoinPolicy {
            locked: false,
            max_tables: DEFAULT_MAX_TABLES,
        }
    }
}

/// A workshop as requested, not yet checked. Turn it into a [`WorkshopConfig`]
/// with [`WorkshopConfig::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopSetup {
    /// A short title, e.g. "Salle municipale".
    pub title: String,
    /// The question the tables work on.
    pub question: String,
    /// The screens' language.
    #[serde(default)]
    pub lang: Lang,
    /// Who may join.
    #[serde(default)]
    pub join: JoinPolicy,
    /// Seats (people) per table, for scoring.
    #[serde(default = "default_seats")]
    pub seats: u8,
    /// The steps, in order.
    pub steps: Vec<StepConfig>,
}

/// A checked workshop configuration: every field is within its limits and every
/// cross-reference (a scoring step's source vote) points where it should.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "WorkshopSetup", into = "WorkshopSetup")]
pub struct WorkshopConfig(WorkshopSetup);

/// Why a [`WorkshopSetup`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ConfigError {
    /// The title or question is empty or too long.
    #[error("the {field} must have between 1 and {max} characters")]
    BadText {
        /// Which text: "title", "question", "criterion name", "scoring item".
        field: String,
        /// Its longest allowed length.
        max: u32,
    },
    /// No steps, or more than [`MAX_STEPS`].
    #[error("a workshop needs between 1 and {max} steps")]
    StepCount {
        /// The most steps allowed.
        max: usize,
    },
    /// Seats outside 1..=[`MAX_SEATS`].
    #[error("a table needs between 1 and {max} seats")]
    Seats {
        /// The most seats allowed.
        max: u8,
    },
    /// max_tables is 0 or above the hard limit.
    #[error("the table limit must be between 1 and {max}")]
    MaxTables {
        /// The most tables allowed.
        max: u32,
    },
    /// A step's numbers make no sense.
    #[error("step {step}: {reason}")]
    BadStep {
        /// The step's index.
        step: usize,
        /// What is wrong, in English (a configuration error is for the facilitator's IT person).
        reason: String,
    },
}

impl WorkshopConfig {
    /// Checks a setup; on success every later rule can trust it.
    pub fn new(setup: WorkshopSetup) -> Result<Self, ConfigError> {
        check_text("title", &setup.title, MAX_QUESTION_CHARS)?;
        check_text("question", &setup.question, MAX_QUESTION_CHARS)?;
        if setup.steps.is_empty() || setup.steps.len() > MAX_STEPS {
            return Err(ConfigError::StepCount { max: MAX_STEPS });
        }
        if setup.seats == 0 || setup.seats > MAX_SEATS {
            return Err(ConfigError::Seats { max: MAX_SEATS });
        }
        if setup.join.max_tables == 0 || setup.join.max_tables > DEFAULT_MAX_TABLES {
            return Err(ConfigError::MaxTables {
                max: DEFAULT_MAX_TABLES,
            });
        }
        for (index, step) in setup.steps.iter().enumerate() {
            check_step(&setup.steps, index, step)?;
        }
        Ok(WorkshopConfig(setup))
    }

    /// The settings, all valid.
    pub fn setup(&self) -> &WorkshopSetup {
        &self.0
    }

    /// The step at `index`, if there is one.
    pub fn step(&self, index: usize) -> Option<&StepConfig> {
        self.0.steps.get(index)
    }

    /// All steps, in order.
    pub fn steps(&self) -> &[StepConfig] {
        &self.0.steps
    }

    /// Seats per table.
    pub fn seats(&self) -> u8 {
        self.0.seats
    }
}

impl TryFrom<WorkshopSetup> for WorkshopConfig {
    type Error = ConfigError;
    fn try_from(setup: WorkshopSetup) -> Result<Self, Self::Error> {
        WorkshopConfig::new(setup)
    }
}

impl From<WorkshopConfig> for WorkshopSetup {
    fn from(config: WorkshopConfig) -> Self {
        config.0
    }
}

/// Counts characters the way people do (Unicode scalar values), not bytes.
pub fn char_count(text: &str) -> u32 {
    u32::try_from(text.chars().count()).unwrap_or(u32::MAX)
}

fn check_text(field: &str, text: &str, max: u32) -> Result<(), ConfigError> {
    let len = char_count(text.trim());
    if len == 0 || len > max {
        return Err(ConfigError::BadText {
            field: field.to_owned(),
            max,
        });
    }
    Ok(())
}

fn check_step(steps: &[StepConfig], index: usize, step: &StepConfig) -> Result<(), ConfigError> {
    let bad = |reason: &str| ConfigError::BadStep {
        step: index,
        reason: reason.to_owned(),
    };
    match step {
        StepConfig::Divergence { max_idea_chars } => {
            if !(1..=2000).contains(max_idea_chars) {
                return Err(bad(
                    "the idea length limit must be between 1 and 2000 characters",
                ));
            }
        }
        StepConfig::Grouping | StepConfig::Results => {}
        StepConfig::BudgetVote {
            budget,
            cap_per_item,
            ..
        } => {
            if !(1..=1000).contains(budget) {
                return Err(bad("the budget must be between 1 and 1000 points"));
            }
            if *cap_per_item == 0 || cap_per_item > budget {
                return Err(bad("the cap per item must be between 1 and the budget"));
            }
        }
        StepConfig::Scoring {
            criteria,
            scale_min,
            scale_max,
            items,
        } => {
            if criteria.is_empty() || criteria.len() > MAX_CRITERIA {
                return Err(bad("a scoring step needs between 1 and 12 criteria"));
            }
            for criterion in criteria {
                check_text("criterion name", &criterion.name, MAX_NAME_CHARS)?;
            }
            if scale_min >= scale_max || *scale_max > 100 {
                return Err(bad(
                    "the scale must go from a lower to a higher score, at most 100",
                ));
            }
            match items {
                ScoringItemsSource::Given { texts } => {
                    if texts.is_empty() || texts.len() > MAX_SCORING_ITEMS {
                        return Err(bad("a scoring step needs between 1 and 100 items"));
                    }
                    for text in texts {
                        check_text("scoring item", text, DEFAULT_MAX_IDEA_CHARS)?;
                    }
                }
                ScoringItemsSource::TopOfVote { step, count } => {
                    let is_earlier_vote = *step < index
                        && matches!(steps.get(*step), Some(StepConfig::BudgetVote { .. }));
                    if !is_earlier_vote {
                        return Err(bad("the items must come from an earlier budget vote step"));
                    }
                    if *count == 0 || *count > MAX_SCORING_ITEMS {
                        return Err(bad("between 1 and 100 items may be taken from a vote"));
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::{Template, source_criteria};

    fn ideation() -> WorkshopSetup {
        Template::Ideation.setup("Salle", "Comment ?", vec![], vec![])
    }

    fn refused(setup: WorkshopSetup) -> ConfigError {
        WorkshopConfig::new(setup).expect_err("setup should be refused")
    }

    #[test]
    fn texts_seats_tables_and_step_counts_are_bounded() {
        let mut s = ideation();
        s.question = " ".into();
        assert!(matches!(refused(s), ConfigError::BadText { field, .. } if field == "question"));
        let mut s = ideation();
        s.steps.clear();
        assert_eq!(refused(s), ConfigError::StepCount { max: MAX_STEPS });
        let mut s = ideation();
        s.seats = 0;
        assert_eq!(refused(s), ConfigError::Seats { max: MAX_SEATS });
        let mut s = ideation();
        s.join.max_tables = 0;
        assert_eq!(
            refused(s),
            ConfigError::MaxTables {
                max: DEFAULT_MAX_TABLES
            }
        );
    }

    #[test]
    fn vote_and_scoring_settings_must_make_sense() {
        let mut s = ideation();
        s.steps[2] = StepConfig::BudgetVote {
            budget: 30,
            cap_per_item: 31,
            allow_self_vote: false,
        };
        assert!(matches!(refused(s), ConfigError::BadStep { step: 2, .. }));
        let mut s = ideation();
        s.steps[2] = StepConfig::BudgetVote {
            budget: 0,
            cap_per_item: 0,
            allow_self_vote: false,
        };
        assert!(matches!(refused(s), ConfigError::BadStep { step: 2, .. }));

        let scoring = |criteria, scale_max, items| StepConfig::Scoring {
            criteria,
            scale_min: 0,
            scale_max,
            items,
        };
        let given = || ScoringItemsSource::Given {
            texts: vec!["Idée".into()],
        };
        let mut s = ideation();
        s.steps.push(scoring(vec![], 10, given()));
        assert!(matches!(refused(s), ConfigError::BadStep { step: 4, .. }));
        let mut s = ideation();
        s.steps.push(scoring(source_criteria(), 0, given()));
        assert!(matches!(refused(s), ConfigError::BadStep { step: 4, .. }));
        let mut s = ideation();
        let empty = ScoringItemsSource::Given { texts: vec![] };
        s.steps.push(scoring(source_criteria(), 10, empty));
        assert!(matches!(refused(s), ConfigError::BadStep { step: 4, .. }));
        // Items must come from an *earlier* budget vote step.
        let mut s = ideation();
        let from_grouping = ScoringItemsSource::TopOfVote { step: 1, count: 5 };
        s.steps.push(scoring(source_criteria(), 10, from_grouping));
        assert!(matches!(refused(s), ConfigError::BadStep { step: 4, .. }));
        let mut s = ideation();
        s.steps.push(scoring(
            source_criteria(),
            10,
            ScoringItemsSource::TopOfVote { step: 2, count: 5 },
        ));
        assert!(WorkshopConfig::new(s).is_ok());
    }

    #[test]
    fn a_config_is_checked_again_when_read_from_json() {
        let mut s = ideation();
        s.seats = 0;
        let json = serde_json::to_string(&s).unwrap();
        assert!(serde_json::from_str::<WorkshopConfig>(&json).is_err());
        let good = WorkshopConfig::new(ideation()).unwrap();
        let json = serde_json::to_string(&good).unwrap();
        assert_eq!(serde_json::from_str::<WorkshopConfig>(&json).unwrap(), good);
    }

    #[test]
    fn defaults_are_the_source_workshop() {
        let json = r#"{"title":"T","question":"Q","steps":[{"kind":"budget_vote"}]}"#;
        let setup: WorkshopSetup = serde_json::from_str(json).unwrap();
        assert_eq!(setup.lang, Lang::Fr);
        assert_eq!(setup.seats, 3);
        assert_eq!(
            setup.steps[0],
            StepConfig::BudgetVote {
                budget: 30,
                cap_per_item: 3,
                allow_self_vote: false
            }
        );
    }
}
