//! Categories of ideas, like coloured post-its (« Regards croisés »: pink
//! for the benefits, yellow for the needs). A divergence step may ask for
//! its ideas in named categories, each with a colour and its own question;
//! a table picks the category as it writes, every idea records it, the wall
//! shows the colours, and the exports and synthesis name them.
//!
//! The ideas themselves are divergence's; this folder owns the categories:
//! their settings and checks, where an idea's category is recorded, and
//! their words.

pub mod texts;

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, StepConfig, StepKind};
use crate::methods::bad_step;
use crate::violation::RuleViolation;
use crate::workshop::Workshop;

/// The most categories a step may have (as many colours as there are).
pub const MAX_CATEGORIES: usize = 6;
/// The longest category name, in characters.
pub const MAX_CATEGORY_NAME_CHARS: usize = 40;
/// The longest category question, in characters.
pub const MAX_CATEGORY_QUESTION_CHARS: usize = 200;

/// A post-it's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    /// Pink (the source's benefits).
    Pink,
    /// Yellow (the source's needs).
    Yellow,
    /// Blue.
    Blue,
    /// Green.
    Green,
    /// Orange.
    Orange,
    /// Purple.
    Purple,
}

impl Colour {
    /// Every colour, in the order a new category takes them.
    pub const ALL: [Colour; MAX_CATEGORIES] = [
        Colour::Pink,
        Colour::Yellow,
        Colour::Blue,
        Colour::Green,
        Colour::Orange,
        Colour::Purple,
    ];

    /// Its name on the wire, what screens mark a category with.
    pub fn key(self) -> &'static str {
        match self {
            Colour::Pink => "pink",
            Colour::Yellow => "yellow",
            Colour::Blue => "blue",
            Colour::Green => "green",
            Colour::Orange => "orange",
            Colour::Purple => "purple",
        }
    }
}

/// One category of ideas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Its name, e.g. « Bénéfices ».
    pub name: String,
    /// Its post-its' colour.
    pub colour: Colour,
    /// What it asks, e.g. « Quels bénéfices d'une démarche d'expérience
    /// usager pour moi ? » (empty: the workshop's question).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub question: String,
}

/// Where an idea's category is said: the step it was written in, and the
/// category, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPlace {
    /// The divergence step.
    pub step: usize,
    /// The category, from 0.
    pub category: u8,
}

/// Checks the categories of divergence step `index`.
pub(crate) fn check_categories(categories: &[Category], index: usize) -> Result<(), ConfigError> {
    let bad = |fr: &str, en: &str| bad_step(index, StepKind::Divergence, "categories", fr, en);
    if categories.len() > MAX_CATEGORIES {
        return Err(bad(
            "une étape a au plus 6 catégories d’idées",
            "a step has at most 6 categories of ideas",
        ));
    }
    for (number, category) in (1..).zip(categories) {
        let name = category.name.chars().count();
        let question = category.question.chars().count();
        let trimmed =
            category.name.trim() == category.name && category.question.trim() == category.question;
        if name == 0
            || name > MAX_CATEGORY_NAME_CHARS
            || question > MAX_CATEGORY_QUESTION_CHARS
            || !trimmed
        {
            return Err(bad(
                &format!(
                    "la catégorie {number} a un nom de 1 à {MAX_CATEGORY_NAME_CHARS} caractères et une question de {MAX_CATEGORY_QUESTION_CHARS} au plus, sans espace au début ni à la fin"
                ),
                &format!(
                    "category {number} has a name of 1 to {MAX_CATEGORY_NAME_CHARS} characters and a question of at most {MAX_CATEGORY_QUESTION_CHARS}, with no space at either end"
                ),
            ));
        }
    }
    Ok(())
}

impl Workshop {
    /// The categories of step `step` (none when it asks for none).
    pub fn categories(&self, step: usize) -> &[Category] {
        match self.config.step(step) {
            Some(StepConfig::Divergence(config)) => &config.categories,
            _ => &[],
        }
    }

    /// An idea's category, if it has one.
    pub fn category_of(&self, place: Option<CategoryPlace>) -> Option<&Category> {
        let place = place?;
        self.categories(place.step).get(usize::from(place.category))
    }

    /// The category a table's idea goes in now: one of the current step's
    /// (a table must choose when there are any; the facilitator may leave
    /// it out), none when the step has none.
    pub(crate) fn expect_category(
        &self,
        category: Option<u8>,
        from_a_table: bool,
    ) -> Result<Option<CategoryPlace>, RuleViolation> {
        let step = self.current_step();
        let count = self.categories(step).len();
        match category {
            None if count == 0 || !from_a_table => Ok(None),
            Some(category) if usize::from(category) < count => {
                Ok(Some(CategoryPlace { step, category }))
            }
            _ => Err(RuleViolation::UnknownCategory {
                category: category.unwrap_or(u8::MAX),
                categories: count as u8,
            }),
        }
    }
}
