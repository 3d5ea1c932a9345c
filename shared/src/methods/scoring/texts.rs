//! The scoring's refusals, in French and English.

use crate::config::Lang;

/// `score_out_of_range`.
pub fn score_out_of_range(lang: Lang, min: u8, max: u8) -> String {
    match lang {
        Lang::Fr => format!("La note doit être entre {min} et {max}."),
        Lang::En => format!("The score must be between {min} and {max}."),
    }
}

/// `unknown_criterion`.
pub fn unknown_criterion(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Ce critère n’existe pas.",
        Lang::En => "There is no such criterion.",
    }
    .to_owned()
}
