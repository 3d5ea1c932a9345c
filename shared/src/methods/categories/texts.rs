//! The categories' words, in French and English.

use crate::config::Lang;

use super::Colour;

/// A colour's name (for screen readers and the exports: the colour itself
/// is never the only way a category is told).
pub fn colour_name(lang: Lang, colour: Colour) -> &'static str {
    match (lang, colour) {
        (Lang::Fr, Colour::Pink) => "rose",
        (Lang::Fr, Colour::Yellow) => "jaune",
        (Lang::Fr, Colour::Blue) => "bleu",
        (Lang::Fr, Colour::Green) => "vert",
        (Lang::Fr, Colour::Orange) => "orange",
        (Lang::Fr, Colour::Purple) => "violet",
        (Lang::En, Colour::Pink) => "pink",
        (Lang::En, Colour::Yellow) => "yellow",
        (Lang::En, Colour::Blue) => "blue",
        (Lang::En, Colour::Green) => "green",
        (Lang::En, Colour::Orange) => "orange",
        (Lang::En, Colour::Purple) => "purple",
    }
}

/// Refusal `unknown_category` (`u8::MAX`: none was chosen).
pub fn unknown_category(lang: Lang, category: u8, categories: u8) -> String {
    match (lang, categories, category) {
        (Lang::Fr, 0, _) => "Cette étape ne range pas les idées par catégorie.".to_owned(),
        (Lang::En, 0, _) => "This step does not sort ideas into categories.".to_owned(),
        (Lang::Fr, _, u8::MAX) => "Choisissez d’abord la catégorie de votre idée.".to_owned(),
        (Lang::En, _, u8::MAX) => "Choose your idea’s category first.".to_owned(),
        (Lang::Fr, _, _) => format!(
            "Cette étape n’a pas de catégorie {} : elle en a {categories}.",
            u32::from(category) + 1
        ),
        (Lang::En, _, _) => format!(
            "This step has no category {}: it has {categories}.",
            u32::from(category) + 1
        ),
    }
}

/// The tablet's label above the category buttons.
pub fn choose(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Catégorie de l’idée",
        Lang::En => "The idea’s category",
    }
}
