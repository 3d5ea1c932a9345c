//! The dot vote's refusals, in French and English.

use crate::config::Lang;

/// `no_dots_left`.
pub fn no_dots_left(lang: Lang, dots: u32, remaining: u32) -> String {
    match lang {
        Lang::Fr => format!(
            "Cette personne a déjà placé ses {dots} gommette(s) : il lui en reste {remaining}. Retirez-en une d’abord."
        ),
        Lang::En => format!(
            "This person has placed their {dots} dot(s): {remaining} left. Take one back first."
        ),
    }
}

/// `dot_cap_exceeded`.
pub fn dot_cap_exceeded(lang: Lang, cap: u32) -> String {
    match lang {
        Lang::Fr => format!("{cap} gommette(s) au maximum par idée et par personne."),
        Lang::En => format!("At most {cap} dot(s) per idea and per person."),
    }
}

impl super::Config {
    /// The settings in plain words, for the synthesis.
    pub fn in_words(&self, lang: Lang) -> String {
        let (dots, cap) = (self.dots_per_seat, self.max_per_item);
        match (lang, self.allow_self_vote) {
            (Lang::Fr, false) => format!(
                "{dots} gommette(s) par personne, {cap} au plus par idée, pas sur les idées de sa table"
            ),
            (Lang::Fr, true) => format!(
                "{dots} gommette(s) par personne, {cap} au plus par idée, celles de sa table comprises"
            ),
            (Lang::En, false) => format!(
                "{dots} dot(s) per person, at most {cap} per idea, not on the table's own ideas"
            ),
            (Lang::En, true) => format!(
                "{dots} dot(s) per person, at most {cap} per idea, the table's own included"
            ),
        }
    }
}
