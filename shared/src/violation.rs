//! Why a command was refused ([`RuleViolation`]): a stable machine-readable
//! code, the numbers a person needs ("12 points left"), and a sentence in
//! French or English. The client shows [`RuleViolation::message`] as is, so
//! the wording lives in one place: here for the refusals every method shares
//! (wrong step, text too long, …), in each method's `texts` for its own.

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{Lang, StepKind};
use crate::ids::ItemRef;
use crate::methods::{budget_vote, divergence, dot_vote, grouping, scoring};

/// A command broke a rule; the workshop is unchanged.
///
/// Serialised with its code in `code` and its details beside it, e.g.
/// `{"code":"budget_exceeded","budget":30,"remaining":4,"requested":6}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RuleViolation {
    /// The command belongs to another kind of step than the current one.
    WrongStep {
        /// The kinds of step where it would be accepted.
        expected: Vec<StepKind>,
        /// The current step's kind.
        current: StepKind,
    },
    /// The current step is the right kind but is not open.
    StepClosed {
        /// The current step's kind.
        current: StepKind,
    },
    /// The points would take the table past its budget.
    BudgetExceeded {
        /// The table's budget.
        budget: u32,
        /// Points the table has left before this vote.
        remaining: u32,
        /// Extra points this vote would need.
        requested: u32,
    },
    /// More than the cap on one item.
    ItemCapExceeded {
        /// The most points per item.
        cap: u32,
        /// Points asked for.
        requested: u32,
    },
    /// A table may not give points to its own idea (or a cluster holding one).
    OwnIdea {
        /// The item.
        item: ItemRef,
    },
    /// A score outside the scale.
    ScoreOutOfRange {
        /// Lowest score.
        min: u8,
        /// Highest score.
        max: u8,
        /// The score given.
        score: u8,
    },
    /// No such table.
    UnknownTable,
    /// No such idea or cluster (or it is hidden, deleted, or inside a cluster).
    UnknownItem {
        /// The item, as given.
        item: String,
    },
    /// No such criterion in this scoring step.
    UnknownCriterion {
        /// How many criteria there are.
        count: u32,
    },
    /// A scoring step's criteria cannot change once a seat has scored.
    ScoresGiven,
    /// A scoring step has between 1 and `max` criteria.
    CriterionCount {
        /// The most criteria.
        max: u32,
    },
    /// No such seat at this table.
    UnknownSeat {
        /// Seats per table (seats are 1..=seats).
        seats: u8,
    },
    /// No such step.
    UnknownStep {
        /// How many steps the workshop has.
        count: usize,
    },
    /// This role may not do this.
    NotAllowedForRole {
        /// The role that asked.
        role: Role,
    },
    /// The text is empty (or only spaces).
    EmptyText,
    /// The text is too long.
    TextTooLong {
        /// Most characters allowed.
        max: u32,
        /// Characters given.
        len: u32,
    },
    /// The text holds a character that cannot be shown or would disguise
    /// the text: a control character (NUL, ESC, …), a zero-width or a
    /// bidirectional override.
    InvisibleCharacter {
        /// The first one, as `U+202E`.
        character: String,
    },
    /// The table has written as many ideas as a table may (divergence).
    TableIdeaLimit {
        /// Ideas a table may write.
        max: u32,
    },
    /// The workshop holds as many ideas as a workshop may (divergence).
    WorkshopIdeaLimit {
        /// Ideas a workshop may hold.
        max: u32,
    },
    /// The facilitator has locked joining, or the workshop is full.
    JoiningLocked,
    /// Another table already has this name.
    NameTaken,
    /// A table may change only its own ideas.
    NotYourIdea,
    /// Only an idea waiting for the facilitator can be accepted.
    IdeaNotPending,
    /// A table may set only its own question.
    NotYourTable,
    /// The workshop has no such persona.
    UnknownPersona {
        /// The persona asked for, from 0.
        persona: u8,
        /// How many personas the workshop has.
        personas: u8,
    },
    /// The step's web has no such circle (spider web).
    UnknownCircle {
        /// The circle asked for, from 0.
        circle: u8,
        /// How many circles the web has.
        circles: u8,
    },
    /// The journey has no such stage.
    UnknownStage {
        /// The stage asked for, from 0.
        stage: u8,
        /// How many stages the journey has.
        stages: u8,
    },
    /// The facilitator opened another stage of the journey alone.
    StageNotOpen {
        /// The stage asked for, from 0.
        stage: u8,
        /// The stage open now, from 0.
        open: u8,
    },
    /// The step has no such category of ideas, or a table chose none.
    UnknownCategory {
        /// The category asked for, from 0 (255: none was chosen).
        category: u8,
        /// How many categories the step has.
        categories: u8,
    },
    /// The workshop has no such role.
    UnknownRole {
        /// The role asked for, from 0.
        role: u8,
        /// How many roles the workshop has.
        roles: u8,
    },
    /// An idea inside a cluster cannot be hidden or deleted: split the cluster first.
    IdeaInCluster,
    /// An item that already has points cannot be merged, split or deleted.
    ItemHasVotes {
        /// The item.
        item: ItemRef,
    },
    /// A merge needs at least two distinct items.
    TooFewItems,
    /// The dots would take a seat past its dots (dot vote).
    NoDotsLeft {
        /// Dots each seat has.
        dots: u32,
        /// Dots the seat has left before this one.
        remaining: u32,
        /// Extra dots this would need.
        requested: u32,
    },
    /// Too many paper groups in a vote, or too high a count.
    PaperLimit {
        /// The most paper groups per vote.
        groups: u32,
        /// The most points or dots per item and group.
        count: u32,
    },
    /// More dots on one item than a seat may put there (dot vote).
    DotCapExceeded {
        /// The most dots per item.
        cap: u32,
        /// Dots asked for.
        requested: u32,
    },
}

impl RuleViolation {
    /// What the browser client holds in place of a violation it does not
    /// decode (it shows the server's sentence instead: see `ServerMsg`).
    #[cfg(target_arch = "wasm32")]
    pub fn unread() -> RuleViolation {
        RuleViolation::NotAllowedForRole { role: Role::Guest }
    }

    /// The stable code, e.g. `"budget_exceeded"`: what clients and metrics match on.
    pub fn code(&self) -> &'static str {
        match self {
            RuleViolation::WrongStep { .. } => "wrong_step",
            RuleViolation::StepClosed { .. } => "step_closed",
            RuleViolation::BudgetExceeded { .. } => "budget_exceeded",
            RuleViolation::ItemCapExceeded { .. } => "item_cap_exceeded",
            RuleViolation::OwnIdea { .. } => "own_idea",
            RuleViolation::ScoreOutOfRange { .. } => "score_out_of_range",
            RuleViolation::UnknownTable => "unknown_table",
            RuleViolation::UnknownItem { .. } => "unknown_item",
            RuleViolation::UnknownCriterion { .. } => "unknown_criterion",
            RuleViolation::ScoresGiven => "scores_given",
            RuleViolation::PaperLimit { .. } => "paper_limit",
            RuleViolation::CriterionCount { .. } => "criterion_count",
            RuleViolation::UnknownSeat { .. } => "unknown_seat",
            RuleViolation::UnknownStep { .. } => "unknown_step",
            RuleViolation::NotAllowedForRole { .. } => "not_allowed_for_role",
            RuleViolation::EmptyText => "empty_text",
            RuleViolation::TextTooLong { .. } => "text_too_long",
            RuleViolation::InvisibleCharacter { .. } => "invisible_character",
            RuleViolation::TableIdeaLimit { .. } => "table_idea_limit",
            RuleViolation::WorkshopIdeaLimit { .. } => "workshop_idea_limit",
            RuleViolation::JoiningLocked => "joining_locked",
            RuleViolation::NameTaken => "name_taken",
            RuleViolation::NotYourIdea => "not_your_idea",
            RuleViolation::IdeaNotPending => "idea_not_pending",
            RuleViolation::UnknownCircle { .. } => "unknown_circle",
            RuleViolation::UnknownPersona { .. } => "unknown_persona",
            RuleViolation::NotYourTable => "not_your_table",
            RuleViolation::UnknownStage { .. } => "unknown_stage",
            RuleViolation::StageNotOpen { .. } => "stage_not_open",
            RuleViolation::UnknownCategory { .. } => "unknown_category",
            RuleViolation::UnknownRole { .. } => "unknown_role",
            RuleViolation::IdeaInCluster => "idea_in_cluster",
            RuleViolation::ItemHasVotes { .. } => "item_has_votes",
            RuleViolation::TooFewItems => "too_few_items",
            RuleViolation::NoDotsLeft { .. } => "no_dots_left",
            RuleViolation::DotCapExceeded { .. } => "dot_cap_exceeded",
        }
    }

    /// A sentence for the person who tried, in the workshop's language.
    pub fn message(&self, lang: Lang) -> String {
        use RuleViolation as V;
        let fr = lang == Lang::Fr;
        let pick = |fr_text: String, en_text: String| if fr { fr_text } else { en_text };
        match self {
            V::WrongStep { current, .. } => pick(
                format!(
                    "Ce n’est pas possible pendant l’étape « {} ».",
                    step_name(*current, lang)
                ),
                format!(
                    "That is not possible during the “{}” step.",
                    step_name(*current, lang)
                ),
            ),
            V::StepClosed { current } => pick(
                format!("L’étape « {} » est fermée.", step_name(*current, lang)),
                format!("The “{}” step is closed.", step_name(*current, lang)),
            ),
            V::BudgetExceeded {
                remaining,
                requested,
                ..
            } => budget_vote::texts::budget_exceeded(lang, *remaining, *requested),
            V::ItemCapExceeded { cap, .. } => budget_vote::texts::item_cap_exceeded(lang, *cap),
            V::OwnIdea { .. } => budget_vote::texts::own_idea(lang),
            V::ScoreOutOfRange { min, max, .. } => {
                scoring::texts::score_out_of_range(lang, *min, *max)
            }
            V::UnknownTable => pick(
                "Cette table n’existe pas.".to_owned(),
                "There is no such table.".to_owned(),
            ),
            V::UnknownItem { .. } => pick(
                "Cette idée n’existe pas ou n’est plus disponible.".to_owned(),
                "This idea does not exist or is no longer available.".to_owned(),
            ),
            V::UnknownCriterion { .. } => scoring::texts::unknown_criterion(lang),
            V::ScoresGiven => scoring::texts::scores_given(lang),
            V::PaperLimit { groups, count } => {
                crate::methods::paper_votes::texts::paper_limit(lang, *groups, *count)
            }
            V::CriterionCount { max } => scoring::texts::criterion_count(lang, *max),
            V::UnknownSeat { seats } => pick(
                format!("Les places vont de 1 à {seats}."),
                format!("Seats go from 1 to {seats}."),
            ),
            V::UnknownStep { .. } => pick(
                "Cette étape n’existe pas.".to_owned(),
                "There is no such step.".to_owned(),
            ),
            V::NotAllowedForRole { .. } => pick(
                "Vous n’avez pas le droit de faire cela.".to_owned(),
                "You are not allowed to do that.".to_owned(),
            ),
            V::EmptyText => pick(
                "Le texte est vide.".to_owned(),
                "The text is empty.".to_owned(),
            ),
            V::TextTooLong { max, len } => pick(
                format!("Le texte fait {len} caractères ; {max} au maximum."),
                format!("The text has {len} characters; at most {max}."),
            ),
            V::InvisibleCharacter { character } => pick(
                format!(
                    "Le texte contient un caractère invisible ou de contrôle ({character}) : retirez-le."
                ),
                format!(
                    "The text holds an invisible or control character ({character}): remove it."
                ),
            ),
            V::TableIdeaLimit { max } => divergence::texts::table_idea_limit(lang, *max),
            V::WorkshopIdeaLimit { max } => divergence::texts::workshop_idea_limit(lang, *max),
            V::JoiningLocked => pick(
                "L’atelier n’accepte plus de nouvelles tables.".to_owned(),
                "The workshop is not accepting new tables.".to_owned(),
            ),
            V::NameTaken => pick(
                "Une autre table porte déjà ce nom.".to_owned(),
                "Another table already has this name.".to_owned(),
            ),
            V::NotYourIdea => divergence::texts::not_your_idea(lang),
            V::IdeaNotPending => divergence::texts::idea_not_pending(lang),
            V::NotYourTable => pick(
                "Une table ne change que sa propre question.".to_owned(),
                "A table changes only its own question.".to_owned(),
            ),
            V::UnknownPersona { persona, personas } => {
                crate::methods::persona::texts::unknown_persona(lang, *persona, *personas)
            }
            V::UnknownCircle { circle, circles } => {
                crate::methods::spider_web::texts::unknown_circle(lang, *circle, *circles)
            }
            V::UnknownStage { stage, stages } => {
                crate::methods::journey::texts::unknown_stage(lang, *stage, *stages)
            }
            V::StageNotOpen { open, .. } => {
                crate::methods::journey::texts::stage_not_open(lang, *open)
            }
            V::UnknownCategory {
                category,
                categories,
            } => crate::methods::categories::texts::unknown_category(lang, *category, *categories),
            V::UnknownRole { role, roles } => {
                crate::methods::roles::texts::unknown_role(lang, *role, *roles)
            }
            V::IdeaInCluster => grouping::texts::idea_in_cluster(lang),
            V::ItemHasVotes { .. } => grouping::texts::item_has_votes(lang),
            V::TooFewItems => grouping::texts::too_few_items(lang),
            V::NoDotsLeft {
                dots, remaining, ..
            } => dot_vote::texts::no_dots_left(lang, *dots, *remaining),
            V::DotCapExceeded { cap, .. } => dot_vote::texts::dot_cap_exceeded(lang, *cap),
        }
    }
}

/// The name of a kind of step, as shown on screens.
pub fn step_name(kind: StepKind, lang: Lang) -> &'static str {
    kind.name(lang)
}

impl std::fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message(Lang::En))
    }
}

impl std::error::Error for RuleViolation {}
