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

/// `idea_not_pending`.
pub fn idea_not_pending(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Cette idée n’attend pas de validation.",
        Lang::En => "This idea is not waiting to be accepted.",
    }
    .to_owned()
}

/// `table_idea_limit`.
pub fn table_idea_limit(lang: Lang, max: u32) -> String {
    match lang {
        Lang::Fr => format!("Votre table a déjà écrit {max} idées, le maximum par table."),
        Lang::En => format!("Your table has already written {max} ideas, the most a table may."),
    }
}

/// `workshop_idea_limit`.
pub fn workshop_idea_limit(lang: Lang, max: u32) -> String {
    match lang {
        Lang::Fr => format!("L’atelier a reçu {max} idées, le maximum ; il n’en prend plus."),
        Lang::En => format!("The workshop has received {max} ideas, the most it takes."),
    }
}

impl super::Config {
    /// The settings in plain words, for the synthesis.
    pub fn in_words(&self, lang: Lang) -> String {
        let max = self.max_idea_chars;
        match lang {
            Lang::Fr => format!("chaque table propose ses idées, {max} caractères au plus chacune"),
            Lang::En => format!("each table puts forward its ideas, at most {max} characters each"),
        }
    }
}
