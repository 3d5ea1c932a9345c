//! Divergence's refusals, in French and English.

use crate::config::Lang;

/// `not_your_idea`.
pub fn not_your_idea(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Cette idée n’est pas la vôtre.",
        Lang::En => "This idea is not yours.",
    }
    .to_owned()
}
