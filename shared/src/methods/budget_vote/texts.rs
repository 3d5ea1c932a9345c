//! The budget vote's refusals, in French and English.

use crate::config::Lang;

/// `budget_exceeded`.
pub fn budget_exceeded(lang: Lang, remaining: u32, requested: u32) -> String {
    match lang {
        Lang::Fr => {
            format!("Il vous reste {remaining} point(s) : impossible d’en ajouter {requested}.")
        }
        Lang::En => format!("You have {remaining} point(s) left: you cannot add {requested}."),
    }
}

/// `item_cap_exceeded`.
pub fn item_cap_exceeded(lang: Lang, cap: u32) -> String {
    match lang {
        Lang::Fr => format!("{cap} points au maximum par idée."),
        Lang::En => format!("At most {cap} points per idea."),
    }
}

/// `own_idea` (the dot vote says it the same way).
pub fn own_idea(lang: Lang) -> String {
    match lang {
        Lang::Fr => "On ne vote pas pour ses propres idées !",
        Lang::En => "You cannot vote for your own ideas!",
    }
    .to_owned()
}
