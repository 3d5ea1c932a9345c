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

/// The default number of seats (people) per table.
pub const DEFAULT_SEATS: u8 = 3;
/// The longest table name or cluster title, in characters.
pub const MAX_NAME_CHARS: u32 = 60;
/// The longest workshop title or question, in characters.
pub const MAX_QUESTION_CHARS: u32 = 500;
/// Hard ceilings that keep one workshop's memory bounded whatever a facilitator asks for.
pub const MAX_STEPS: usize = 32;
/// The most seats a table may have.
pub const MAX_SEATS: u8 = 12;

pub use crate::methods::budget_vote::{DEFAULT_BUDGET, DEFAULT_CAP_PER_ITEM};
pub use crate::methods::divergence::DEFAULT_MAX_IDEA_CHARS;
pub use crate::methods::scoring::{Criterion, MAX_CRITERIA, MAX_SCORING_ITEMS, ScoringItemsSource};

/// Declares [`StepConfig`] and [`StepKind`] from one list of methods, and
/// their delegation to each method's `Config`.
macro_rules! steps {
    ($( $(#[$doc:meta])* $variant:ident($method:ident) = $name:literal, )*) => {
        /// One step of a workshop, as configured: a method and its settings.
        /// On the wire: `{"kind":"budget_vote","budget":30,...}`.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum StepConfig {
            $( $(#[$doc])* $variant(crate::methods::$method::Config), )*
        }

        /// What a step is, without its settings: used in messages ("this is a vote step").
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum StepKind {
            $( $(#[$doc])* $variant, )*
        }

        impl StepConfig {
            /// The kind of this step.
            pub fn kind(&self) -> StepKind {
                match self {
                    $( StepConfig::$variant(_) => StepKind::$variant, )*
                }
            }

            pub(crate) fn rules(&self) -> &dyn crate::methods::StepRules {
                match self {
                    $( StepConfig::$variant(config) => config, )*
                }
            }
        }

        impl StepKind {
            /// Every kind, in the list's order.
            pub const ALL: &[StepKind] = &[$(StepKind::$variant),*];

            /// The method's name, as shown on screens ("vote à points").
            pub fn name(self, lang: Lang) -> &'static str {
                match self {
                    $( StepKind::$variant => crate::methods::$method::name(lang), )*
                }
            }

            /// What participants do in it, in residents' words (« Votez avec
            /// vos points »): the tablets and the wall, where « divergence »
            /// means nothing to most.
            pub fn task(self, lang: Lang) -> &'static str {
                match self {
                    $( StepKind::$variant => crate::methods::$method::task(lang), )*
                }
            }

            /// Its name as a heading (« Vote à points »): screens and the synthesis.
            pub fn title(self, lang: Lang) -> String {
                let mut chars = self.name(lang).chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            }

            /// Its name on the wire (`"budget_vote"`).
            pub fn code(self) -> &'static str {
                match self {
                    $( StepKind::$variant => $name, )*
                }
            }
        }
    };
}

impl StepKind {
    /// Whether tables submit something in this step (ideas, points, scores,
    /// dots), so that a closed step has inputs to grey out.
    pub fn takes_input(self) -> bool {
        !matches!(self, StepKind::Grouping | StepKind::Results)
    }
}

steps! {
    /// Tables submit ideas ("le robinet à idées") and see each other's.
    Divergence(divergence) = "divergence",
    /// The facilitator merges similar ideas into clusters and hides off-topic ones.
    Grouping(grouping) = "grouping",
    /// Each table spends a budget of points on ideas and clusters.
    BudgetVote(budget_vote) = "budget_vote",
    /// Each seat of each table scores each item on each criterion.
    Scoring(scoring) = "scoring",
    /// Each seat of each table puts its dots on the ideas it keeps (« gommettes »).
    DotVote(dot_vote) = "dot_vote",
    /// Nothing to submit: the results of the steps before are shown.
    Results(results) = "results",
    /// Tables map a user's journey, stage by stage: actions, feelings, a rating, opportunities.
    Journey(journey) = "journey",
}

impl StepConfig {
    /// The step's settings in plain words, for the synthesis (« 30 points
    /// par table, 3 au plus par idée, pas pour ses propres idées »).
    pub fn in_words(&self, lang: Lang) -> String {
        use crate::methods::grouping;
        match self {
            StepConfig::Divergence(config) => config.in_words(lang),
            StepConfig::Grouping(_) => grouping::texts::in_words(lang).to_owned(),
            StepConfig::BudgetVote(config) => config.in_words(lang),
            StepConfig::Scoring(config) => config.in_words(lang),
            StepConfig::DotVote(config) => config.in_words(lang),
            StepConfig::Journey(config) => config.in_words(lang),
            StepConfig::Results(_) => match lang {
                Lang::Fr => "les résultats des étapes précédentes sont présentés".to_owned(),
                Lang::En => "the results of the steps before are shown".to_owned(),
            },
        }
    }
}

fn default_seats() -> u8 {
    DEFAULT_SEATS
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
    /// The personas the tables think for (design thinking), none by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub personas: Vec<crate::methods::persona::Persona>,
    /// Each step's default countdown in minutes, in the steps' order (none,
    /// or fewer than the steps: no countdown proposed). The console offers
    /// it when the step comes; the facilitator opens the step with it, or not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countdown_minutes: Vec<Option<u32>>,
    /// The roles a seat may take (« Regards croisés »: usager, agent,
    /// manager, élu), none by default. See [`crate::methods::roles`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// The longest countdown a facilitator may set, in minutes.
pub const MAX_COUNTDOWN_MINUTES: u32 = 180;

impl WorkshopSetup {
    /// Step `step`'s default countdown, in minutes, if it has one.
    pub fn countdown_of(&self, step: usize) -> Option<u32> {
        self.countdown_minutes.get(step).copied().flatten()
    }
}

/// A checked workshop configuration: every field is within its limits and every
/// cross-reference (a scoring step's source vote) points where it should.
///
/// Shared, not copied: the registry, the actor's workshop and its views all
/// hold the same one (a setup of 31 steps of 100 items is a few hundred KiB).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "WorkshopSetup", into = "WorkshopSetup")]
pub struct WorkshopConfig(std::sync::Arc<WorkshopSetup>);

/// Why a [`WorkshopSetup`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ConfigError {
    /// The title or question is empty or too long.
    #[error("the {field} must have between 1 and {max} characters")]
    BadText {
        /// Which text: "title" or "question" (a step's texts are [`ConfigError::BadStep`]s).
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
    /// More countdowns than steps.
    #[error("the countdowns are one per step at most")]
    Countdowns,
    /// The personas break a limit.
    #[error("personas: {reason}")]
    BadPersonas {
        /// What is wrong, in English.
        reason: String,
        /// What is wrong, in French (not sent: `message` says it).
        #[serde(skip)]
        reason_fr: String,
    },
    /// The roles break a limit.
    #[error("roles: {reason}")]
    BadRoles {
        /// What is wrong, in English.
        reason: String,
        /// What is wrong, in French (not sent: `message` says it).
        #[serde(skip)]
        reason_fr: String,
    },
    /// A step's numbers make no sense.
    #[error("step {} ({kind:?}), {field}: {reason}", step + 1)]
    BadStep {
        /// The step's index (from 0; the screens and sentences count from 1).
        step: usize,
        /// Its method.
        kind: StepKind,
        /// The setting at fault, as named in the setup (`budget`, `cap_per_item`, `criteria`…).
        field: String,
        /// What is wrong, in English.
        reason: String,
        /// What is wrong, in French (not sent: `message` says it).
        #[serde(skip)]
        reason_fr: String,
    },
}

impl ConfigError {
    /// A sentence for the facilitator, in their workshop's language, naming
    /// the step (as numbered on the screens, with its method) and the setting.
    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            ConfigError::BadText { field, max } if fr => {
                // The workshop's own texts (a step's are `BadStep`s).
                let field = match field.as_str() {
                    "title" => "Le titre",
                    "question" => "La question",
                    other => other,
                };
                format!("{field} doit avoir entre 1 et {max} caractères.")
            }
            ConfigError::StepCount { max } if fr => {
                format!("Un atelier compte entre 1 et {max} étapes.")
            }
            ConfigError::Seats { max } if fr => {
                format!("Une table compte entre 1 et {max} places.")
            }
            ConfigError::MaxTables { max } if fr => {
                format!("Le nombre de tables doit être entre 1 et {max}.")
            }
            ConfigError::Countdowns if fr => {
                "Les comptes à rebours sont un par étape au plus.".to_owned()
            }
            ConfigError::BadPersonas { reason, reason_fr } => {
                if fr {
                    format!("Personas : {reason_fr}.")
                } else {
                    format!("Personas: {reason}.")
                }
            }
            ConfigError::BadRoles { reason, reason_fr } => {
                if fr {
                    format!("Rôles : {reason_fr}.")
                } else {
                    format!("Roles: {reason}.")
                }
            }
            ConfigError::BadStep {
                step,
                kind,
                reason,
                reason_fr,
                ..
            } => {
                let number = step + 1;
                let name = capitalised(kind.name(lang));
                if fr && !reason_fr.is_empty() {
                    format!("Étape {number} ({name}) : {reason_fr}.")
                } else {
                    format!("Step {number} ({name}): {reason}.")
                }
            }
            other => capitalised(&other.to_string()) + ".",
        }
    }
}

/// `text` with its first letter in capitals, as a sentence or a name starts.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
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
        if setup.countdown_minutes.len() > setup.steps.len() {
            return Err(ConfigError::Countdowns);
        }
        for (index, minutes) in setup.countdown_minutes.iter().enumerate() {
            if minutes.is_some_and(|m| !(1..=MAX_COUNTDOWN_MINUTES).contains(&m)) {
                return Err(crate::methods::bad_step(
                    index,
                    setup.steps[index].kind(),
                    "countdown_minutes",
                    "le compte à rebours va de 1 à 180 minutes",
                    "the countdown must be between 1 and 180 minutes",
                ));
            }
        }
        crate::methods::persona::check_personas(&setup.personas)?;
        crate::methods::roles::check_roles(&setup.roles)?;
        Ok(WorkshopConfig(std::sync::Arc::new(setup)))
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
        std::sync::Arc::unwrap_or_clone(config.0)
    }
}

/// Counts characters the way people do (Unicode scalar values), not bytes.
pub fn char_count(text: &str) -> u32 {
    u32::try_from(text.chars().count()).unwrap_or(u32::MAX)
}

/// Whether `text`, trimmed, has between 1 and `max` characters.
pub(crate) fn text_fits(text: &str, max: u32) -> bool {
    (1..=max).contains(&char_count(text.trim()))
}

pub(crate) fn check_text(field: &str, text: &str, max: u32) -> Result<(), ConfigError> {
    if !text_fits(text, max) {
        return Err(ConfigError::BadText {
            field: field.to_owned(),
            max,
        });
    }
    Ok(())
}

fn check_step(steps: &[StepConfig], index: usize, step: &StepConfig) -> Result<(), ConfigError> {
    step.rules().check(steps, index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::{budget_vote, scoring};
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
    fn a_bad_setup_is_said_in_the_workshops_language_with_its_step_and_setting() {
        let mut s = ideation();
        s.steps[2] = StepConfig::BudgetVote(budget_vote::Config {
            budget: 30,
            cap_per_item: 31,
            allow_self_vote: false,
            own_groups: Default::default(),
        });
        let error = refused(s);
        assert!(matches!(&error, ConfigError::BadStep { field, .. } if field == "cap_per_item"));
        assert_eq!(
            error.message(Lang::Fr),
            "Étape 3 (Vote à points) : le plafond par idée doit être entre 1 et le budget."
        );
        assert_eq!(
            error.message(Lang::En),
            "Step 3 (Point vote): the cap per item must be between 1 and the budget."
        );
        let mut s = ideation();
        s.seats = 0;
        assert_eq!(
            refused(s).message(Lang::Fr),
            "Une table compte entre 1 et 12 places."
        );
        let mut s = ideation();
        s.title = String::new();
        assert_eq!(
            refused(s).message(Lang::Fr),
            "Le titre doit avoir entre 1 et 500 caractères."
        );
        let mut s = ideation();
        s.seats = 0;
        assert_eq!(
            refused(s).message(Lang::En),
            "A table needs between 1 and 12 seats."
        );
    }

    #[test]
    fn vote_and_scoring_settings_must_make_sense() {
        let mut s = ideation();
        s.steps[2] = StepConfig::BudgetVote(budget_vote::Config {
            budget: 30,
            cap_per_item: 31,
            allow_self_vote: false,
            own_groups: Default::default(),
        });
        assert!(matches!(refused(s), ConfigError::BadStep { step: 2, .. }));
        let mut s = ideation();
        s.steps[2] = StepConfig::BudgetVote(budget_vote::Config {
            budget: 0,
            cap_per_item: 0,
            allow_self_vote: false,
            own_groups: Default::default(),
        });
        assert!(matches!(refused(s), ConfigError::BadStep { step: 2, .. }));

        let scoring = |criteria, scale_max, items| {
            StepConfig::Scoring(scoring::Config {
                criteria,
                criteria_from: None,
                scale_min: 0,
                scale_max,
                items,
            })
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
            StepConfig::BudgetVote(budget_vote::Config {
                budget: 30,
                cap_per_item: 3,
                allow_self_vote: false,
                own_groups: Default::default(),
            })
        );
    }

    /// Every way a programme can be wrong, said as the designer shows it:
    /// the step (as numbered on screen, with its method), the setting, and
    /// which criterion, circle, item or persona; in French with no English
    /// left in, and in English.
    #[test]
    fn every_refusal_names_its_step_setting_and_item_in_both_languages() {
        use crate::methods::divergence;
        use crate::methods::persona::Persona;
        use crate::methods::spider_web::Circle;
        use crate::templates::Template;
        let chained = || {
            Template::IdeationThenEvaluation.setup("Salle", "Comment ?", source_criteria(), vec![])
        };
        fn scoring_of(s: &mut WorkshopSetup) -> &mut scoring::Config {
            match &mut s.steps[3] {
                StepConfig::Scoring(config) => config,
                _ => unreachable!("the template's fourth step scores"),
            }
        }
        type Change = Box<dyn Fn(&mut WorkshopSetup)>;
        let cases: Vec<(Change, &str, &str)> = vec![
            (
                Box::new(|s| s.question = String::new()),
                "La question doit avoir entre 1 et 500 caractères.",
                "The question must have between 1 and 500 characters.",
            ),
            (
                Box::new(|s| scoring_of(s).criteria[1].name = " ".into()),
                "Étape 4 (Évaluation multicritère) : le critère 2 a un nom de 1 à 60 caractères.",
                "Step 4 (Multi-criteria scoring): criterion 2 needs a name of 1 to 60 characters.",
            ),
            (
                Box::new(|s| scoring_of(s).criteria[2].high = "x".repeat(61)),
                "Étape 4 (Évaluation multicritère) : ce que veulent dire les notes basse et haute du critère 3 tient en 60 caractères.",
                "Step 4 (Multi-criteria scoring): what the low and high scores of criterion 3 mean is at most 60 characters.",
            ),
            (
                Box::new(|s| {
                    scoring_of(s).items = ScoringItemsSource::Given {
                        texts: vec!["Une idée".into(), "  ".into()],
                    }
                }),
                "Étape 4 (Évaluation multicritère) : l’idée à noter 2 a entre 1 et 280 caractères.",
                "Step 4 (Multi-criteria scoring): item 2 to score needs 1 to 280 characters.",
            ),
            (
                Box::new(|s| {
                    s.steps[0] = StepConfig::Divergence(divergence::Config {
                        circles: vec![Circle::new(""), Circle::new("en 2050 ")],
                        ..divergence::Config::default()
                    })
                }),
                "Étape 1 (Divergence) : la contrainte du cercle 2 tient en 200 caractères, sans espace au début ni à la fin.",
                "Step 1 (Divergence): the constraint of circle 2 is at most 200 characters, with no space at either end.",
            ),
            (
                Box::new(|s| {
                    s.personas = vec![Persona {
                        name: String::new(),
                        ..crate::templates::source_personas()[0].clone()
                    }]
                }),
                "Personas : le persona 1 a un prénom de 1 à 60 caractères.",
                "Personas: persona 1 needs a name of 1 to 60 characters.",
            ),
        ];
        for (change, fr, en) in cases {
            let mut setup = chained();
            change(&mut setup);
            let refused = refused(setup);
            assert_eq!(refused.message(Lang::Fr), fr);
            assert_eq!(refused.message(Lang::En), en);
        }
    }
}
