//! Grouping's refusals, in French and English.

use crate::config::Lang;

/// `idea_in_cluster`.
pub fn idea_in_cluster(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Cette idée fait partie d’un regroupement : séparez-le d’abord.",
        Lang::En => "This idea is part of a cluster: split it first.",
    }
    .to_owned()
}

/// `item_has_votes` (points or dots).
pub fn item_has_votes(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Des points ont déjà été donnés à cette idée.",
        Lang::En => "Points have already been given to this idea.",
    }
    .to_owned()
}

/// `too_few_items`.
pub fn too_few_items(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Choisissez au moins deux idées à regrouper.",
        Lang::En => "Choose at least two ideas to merge.",
    }
    .to_owned()
}

/// The step in plain words, for the synthesis.
pub fn in_words(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "l’animateur regroupe les idées proches et écarte celles hors sujet",
        Lang::En => "the facilitator groups similar ideas and sets off-topic ones aside",
    }
}
