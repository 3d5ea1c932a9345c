//! Divergence (« le robinet à idées »): tables submit ideas and see each
//! other's; a table may edit or withdraw its own while the step is open; the
//! facilitator may type ideas in and correct any, during divergence or grouping.

pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{ConfigError, Lang, StepConfig, StepKind};
use crate::ids::{IdeaId, ItemRef, TableId};
use crate::methods::categories::{self, Category, CategoryPlace};
use crate::methods::spider_web::{self, Circle, WebPlace};
use crate::methods::{CommandRules, EventRules, StepRules, bad_step};
use crate::rules::{Decision, clean_text_lines, expect_next_id};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{Idea, ReplayError, StepRecord, Workshop};

/// The default longest idea, in characters (Unicode scalar values).
pub const DEFAULT_MAX_IDEA_CHARS: u32 = 280;
/// The longest idea limit a facilitator may set.
pub const MAX_IDEA_CHARS_LIMIT: u32 = 2000;
/// Ideas one table may write in a workshop (deleted ones count: they are
/// kept, hidden). A table of three writes a dozen in a divergence; this
/// leaves room for several divergences and bounds what one tablet can add.
pub const MAX_IDEAS_PER_TABLE: usize = 100;
/// Ideas a workshop may hold, the facilitator's included: 200 tables × 5,
/// and what a wall and an export can still show.
pub const MAX_IDEAS: usize = 1000;

/// What participants are asked to do, in their words (tablets, wall).
pub fn task(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Proposez vos idées",
        Lang::En => "Share your ideas",
    }
}

/// The method's name on screens.
pub fn name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr | Lang::En => "divergence",
    }
}

/// A divergence step's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The longest idea, in characters.
    #[serde(default = "default_max_idea_chars")]
    pub max_idea_chars: u32,
    /// Whether a table's ideas wait for the facilitator to accept them
    /// before the wall and the other tables see them (off by default).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moderated: bool,
    /// A spider web's circles, each with its constraint (none: a plain
    /// divergence). See [`crate::methods::spider_web`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub circles: Vec<Circle>,
    /// Categories the ideas go in, like coloured post-its (none: plain
    /// ideas). See [`crate::methods::categories`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_idea_chars: DEFAULT_MAX_IDEA_CHARS,
            moderated: false,
            circles: Vec::new(),
            categories: Vec::new(),
        }
    }
}

fn default_max_idea_chars() -> u32 {
    DEFAULT_MAX_IDEA_CHARS
}

impl StepRules for Config {
    fn check(&self, _steps: &[StepConfig], index: usize) -> Result<(), ConfigError> {
        if !(1..=MAX_IDEA_CHARS_LIMIT).contains(&self.max_idea_chars) {
            return Err(bad_step(
                index,
                StepKind::Divergence,
                "max_idea_chars",
                "la longueur d’une idée doit être entre 1 et 2000 caractères",
                "the idea length limit must be between 1 and 2000 characters",
            ));
        }
        spider_web::check_circles(&self.circles, index)?;
        categories::check_categories(&self.categories, index)
    }

    fn new_record(&self) -> StepRecord {
        if self.circles.is_empty() {
            StepRecord::Nothing
        } else {
            StepRecord::Web { circle: 0 }
        }
    }
}

/// Submit an idea in the open divergence step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitIdea {
    /// The idea, at most the step's limit.
    pub text: String,
    /// Its category, from 0, when the step has categories (a table must
    /// choose one then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<u8>,
    /// The seat writing it, from 1 (its role goes with the idea).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat: Option<u8>,
}

/// Rewrite an idea: a table its own while divergence is open, the
/// facilitator any idea during divergence or grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditIdea {
    /// Which idea.
    pub idea: IdeaId,
    /// Its new text.
    pub text: String,
}

/// Withdraw one of the table's own ideas while divergence is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteIdea {
    /// Which idea.
    pub idea: IdeaId,
}

/// Accept a table's idea waiting in a moderated divergence: the wall and
/// the other tables see it from now on. (To refuse it, hide it.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptIdea {
    /// Which idea.
    pub idea: IdeaId,
}

/// An idea was submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaSubmitted {
    /// Its id.
    pub idea: IdeaId,
    /// The table that wrote it, or none when the facilitator typed it in.
    pub author: Option<TableId>,
    /// Its text, trimmed.
    pub text: String,
    /// When, in milliseconds since the Unix epoch, as the server's clock said.
    pub at_ms: u64,
    /// It waits for the facilitator (a moderated divergence): `text` is then
    /// empty, and [`PendingIdeaText`] brings it to its table and the facilitator.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
    /// The circle it was written in, in a spider web (the current step's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circle: Option<u8>,
    /// Its category, from 0, in a step with categories (the current step's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<u8>,
    /// The role of the seat that wrote it (from 0, in the setup's roles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<u8>,
}

/// What a pending idea says (when submitted, or rewritten while it waits):
/// for its table and the facilitator only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingIdeaText {
    /// Which idea.
    pub idea: IdeaId,
    /// The table that wrote it.
    pub table: TableId,
    /// Its text.
    pub text: String,
}

/// A pending idea was accepted: everyone may see it now, with its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaAccepted {
    /// Which idea.
    pub idea: IdeaId,
    /// Its text (the other tables and the wall have not had it).
    pub text: String,
}

/// An idea's text changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaEdited {
    /// Which idea.
    pub idea: IdeaId,
    /// Its new text.
    pub text: String,
    /// The facilitator corrected a table's idea: screens and exports mark it
    /// « modifiée par l'animateur ».
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_facilitator: bool,
}

/// An idea was withdrawn by its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaDeleted {
    /// Which idea.
    pub idea: IdeaId,
}

fn table_or_facilitator(role: Role) -> bool {
    matches!(role, Role::Table(_) | Role::Facilitator)
}

impl CommandRules for SubmitIdea {
    fn may_send(&self, role: Role) -> bool {
        table_or_facilitator(role)
    }

    fn check(&self, workshop: &Workshop, role: Role, now_ms: u64) -> Decision {
        let author = match role {
            Role::Table(table) => {
                workshop.expect_open_step(&[StepKind::Divergence])?;
                Some(table)
            }
            // The facilitator may type ideas in before opening the step, or while grouping.
            _ => {
                workshop.expect_step(&[StepKind::Divergence, StepKind::Grouping])?;
                None
            }
        };
        workshop.expect_room_for_idea(author)?;
        let category = workshop
            .expect_category(self.category, author.is_some())?
            .map(|place| place.category);
        let role = workshop.expect_seat_role(author, self.seat)?;
        let text = clean_text_lines(&self.text, workshop.idea_char_limit(), true)?;
        let idea = IdeaId(workshop.ideas.len() as u32);
        // In a spider web, the idea is on the circle open now (the
        // facilitator's too, typed in during the web).
        let circle = workshop.current_circle(workshop.current_step());
        // A table's idea in a moderated step waits for the facilitator:
        // everyone learns that idea `idea` exists (ids stay in step on every
        // screen), its table and the facilitator alone what it says.
        let moderated = matches!(
            workshop.current_step_config(),
            StepConfig::Divergence(Config {
                moderated: true,
                ..
            })
        );
        if let Some(table) = author.filter(|_| moderated) {
            return Ok(vec![
                IdeaSubmitted {
                    idea,
                    author,
                    text: String::new(),
                    at_ms: now_ms,
                    pending: true,
                    circle,
                    category,
                    role,
                }
                .into(),
                PendingIdeaText { idea, table, text }.into(),
            ]);
        }
        Ok(vec![
            IdeaSubmitted {
                idea,
                author,
                text,
                at_ms: now_ms,
                pending: false,
                circle,
                category,
                role,
            }
            .into(),
        ])
    }
}

impl CommandRules for EditIdea {
    fn may_send(&self, role: Role) -> bool {
        table_or_facilitator(role)
    }

    fn check(&self, workshop: &Workshop, role: Role, _now_ms: u64) -> Decision {
        let found = workshop.existing_idea(self.idea)?;
        if let Role::Table(table) = role {
            expect_changeable_now(workshop, found)?;
            expect_own_idea(found, table)?;
            workshop.expect_no_votes(ItemRef::Idea(self.idea))?;
        } else {
            // The facilitator corrects a typo at any step, points or not:
            // the correction is recorded and shown (`by_facilitator`).
        }
        let text = clean_text_lines(&self.text, workshop.idea_char_limit(), true)?;
        // A pending idea's text still goes to its table alone.
        if let (true, Some(table)) = (found.pending, found.author) {
            return Ok(vec![
                PendingIdeaText {
                    idea: self.idea,
                    table,
                    text,
                }
                .into(),
            ]);
        }
        Ok(vec![
            IdeaEdited {
                idea: self.idea,
                text,
                by_facilitator: role == Role::Facilitator && found.author.is_some(),
            }
            .into(),
        ])
    }
}

impl CommandRules for DeleteIdea {
    fn may_send(&self, role: Role) -> bool {
        matches!(role, Role::Table(_))
    }

    fn check(&self, workshop: &Workshop, role: Role, _now_ms: u64) -> Decision {
        let Role::Table(table) = role else {
            return Err(RuleViolation::NotAllowedForRole { role });
        };
        let found = workshop.existing_idea(self.idea)?;
        expect_changeable_now(workshop, found)?;
        expect_own_idea(found, table)?;
        if found.cluster.is_some() {
            return Err(RuleViolation::IdeaInCluster);
        }
        workshop.expect_no_votes(ItemRef::Idea(self.idea))?;
        Ok(vec![IdeaDeleted { idea: self.idea }.into()])
    }
}

/// Whether a table may rewrite or withdraw `idea` in the current step: an
/// idea while a divergence is open, a note of the journey open now.
fn expect_changeable_now(workshop: &Workshop, idea: &Idea) -> Result<(), RuleViolation> {
    workshop.expect_open_step(&[StepKind::Divergence, StepKind::Journey])?;
    let current = workshop.current_step();
    let journey_now = workshop.current_step_config().kind() == StepKind::Journey;
    if journey_now && idea.journey.is_none_or(|place| place.step != current) {
        return Err(RuleViolation::WrongStep {
            expected: vec![StepKind::Divergence],
            current: StepKind::Journey,
        });
    }
    Ok(())
}

fn expect_own_idea(idea: &Idea, table: TableId) -> Result<(), RuleViolation> {
    if idea.author == Some(table) {
        Ok(())
    } else {
        Err(RuleViolation::NotYourIdea)
    }
}

impl CommandRules for AcceptIdea {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        let found = workshop.existing_idea(self.idea)?;
        if !found.pending {
            return Err(RuleViolation::IdeaNotPending);
        }
        Ok(vec![
            IdeaAccepted {
                idea: self.idea,
                text: found.text.clone(),
            }
            .into(),
        ])
    }
}

/// Whether an idea's text is withheld from everyone but the facilitator in
/// events (hidden, or pending: its table gets the text by its own event).
fn is_withheld(workshop: &Workshop, idea: IdeaId) -> bool {
    workshop
        .ideas
        .get(idea.index())
        .is_some_and(|idea| idea.hidden || idea.pending)
}

impl EventRules for IdeaSubmitted {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        expect_next_id(self.idea.index(), workshop.ideas.len(), "idea")?;
        if self
            .author
            .is_some_and(|table| workshop.table(table).is_none())
        {
            return Err(ReplayError("the idea's table does not exist".into()));
        }
        let categories = workshop.categories(workshop.current_step).len();
        if self.category.is_some_and(|c| usize::from(c) >= categories) {
            return Err(ReplayError("the idea's category does not exist".into()));
        }
        let roles = workshop.config.setup().roles.len();
        if self.role.is_some_and(|r| usize::from(r) >= roles) {
            return Err(ReplayError("the idea's role does not exist".into()));
        }
        workshop.ideas.push(Idea {
            id: self.idea,
            author: self.author,
            text: self.text.clone(),
            at_ms: self.at_ms,
            hidden: false,
            deleted: false,
            cluster: None,
            pending: self.pending,
            corrected: false,
            web: self.circle.map(|circle| WebPlace {
                step: workshop.current_step,
                circle,
            }),
            journey: None,
            category: self.category.map(|category| CategoryPlace {
                step: workshop.current_step,
                category,
            }),
            role: self.role,
        });
        Ok(())
    }

    fn without_hidden_text(&self, workshop: &Workshop) -> Self {
        IdeaSubmitted {
            text: if is_withheld(workshop, self.idea) {
                String::new()
            } else {
                self.text.clone()
            },
            ..self.clone()
        }
    }
}

impl EventRules for PendingIdeaText {
    fn audience(&self) -> Audience {
        Audience::OneTable(self.table)
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let idea = workshop.idea_mut(self.idea)?;
        if !idea.pending || idea.author != Some(self.table) {
            return Err(ReplayError(format!(
                "idea {} is not pending for that table",
                self.idea.0
            )));
        }
        idea.text = self.text.clone();
        Ok(())
    }
}

impl EventRules for IdeaAccepted {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let idea = workshop.idea_mut(self.idea)?;
        idea.pending = false;
        idea.text = self.text.clone();
        Ok(())
    }

    fn without_hidden_text(&self, workshop: &Workshop) -> Self {
        IdeaAccepted {
            idea: self.idea,
            // Hidden meanwhile (refused, then accepted): still withheld.
            text: if workshop.idea(self.idea).is_some_and(|i| i.hidden) {
                String::new()
            } else {
                self.text.clone()
            },
        }
    }
}

impl EventRules for IdeaEdited {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let idea = workshop.idea_mut(self.idea)?;
        idea.text = self.text.clone();
        idea.corrected |= self.by_facilitator;
        Ok(())
    }

    fn without_hidden_text(&self, workshop: &Workshop) -> Self {
        IdeaEdited {
            idea: self.idea,
            text: if is_withheld(workshop, self.idea) {
                String::new()
            } else {
                self.text.clone()
            },
            by_facilitator: self.by_facilitator,
        }
    }
}

impl EventRules for IdeaDeleted {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        workshop.idea_mut(self.idea)?.deleted = true;
        Ok(())
    }
}

impl Workshop {
    /// Refuses a new idea (or a journey's note) past the workshop's limit,
    /// or past its table's (`author`; none: the facilitator's).
    pub(crate) fn expect_room_for_idea(
        &self,
        author: Option<TableId>,
    ) -> Result<(), RuleViolation> {
        if self.ideas.len() >= MAX_IDEAS {
            return Err(RuleViolation::WorkshopIdeaLimit {
                max: MAX_IDEAS as u32,
            });
        }
        if let Some(table) = author {
            let written = self
                .ideas
                .iter()
                .filter(|idea| idea.author == Some(table))
                .count();
            if written >= MAX_IDEAS_PER_TABLE {
                return Err(RuleViolation::TableIdeaLimit {
                    max: MAX_IDEAS_PER_TABLE as u32,
                });
            }
        }
        Ok(())
    }

    /// The longest idea accepted now: the limit of the latest divergence step
    /// at or before the current one (a journey's notes: the default).
    pub fn idea_char_limit(&self) -> u32 {
        self.config.steps()[..=self.current_step]
            .iter()
            .rev()
            .find_map(|step| match step {
                StepConfig::Divergence(config) => Some(config.max_idea_chars),
                StepConfig::Journey(_) => Some(DEFAULT_MAX_IDEA_CHARS),
                _ => None,
            })
            .unwrap_or(DEFAULT_MAX_IDEA_CHARS)
    }
}
