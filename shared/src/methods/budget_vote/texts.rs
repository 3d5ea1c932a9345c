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

impl super::Config {
    /// The settings in plain words, for the synthesis: « 30 points par
    /// table, 3 au plus par idée, pas pour ses propres idées ».
    pub fn in_words(&self, lang: Lang) -> String {
        let (budget, cap) = (self.budget, self.cap_per_item);
        match (lang, self.allow_self_vote) {
            (Lang::Fr, false) => format!(
                "{budget} points par table, {cap} au plus par idée, pas pour ses propres idées"
            ),
            (Lang::Fr, true) => format!(
                "{budget} points par table, {cap} au plus par idée, ses propres idées comprises"
            ),
            (Lang::En, false) => {
                format!("{budget} points per table, at most {cap} per idea, not on its own ideas")
            }
            (Lang::En, true) => {
                format!("{budget} points per table, at most {cap} per idea, its own ideas included")
            }
        }
    }
}
