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

impl super::VotesReturned {
    /// What the table reads: « 2 points vous ont été rendus : idées
    /// regroupées » (`dots`: in a dot vote).
    pub fn message(&self, lang: Lang, dots: bool) -> String {
        use super::ReturnReason::{Hidden, Merged, Split};
        let n = self.points;
        let what = match (lang, dots, n) {
            (Lang::Fr, false, 1) => "1 point vous a été rendu".to_owned(),
            (Lang::Fr, false, _) => format!("{n} points vous ont été rendus"),
            (Lang::Fr, true, 1) => "1 gommette vous a été rendue".to_owned(),
            (Lang::Fr, true, _) => format!("{n} gommettes vous ont été rendues"),
            (Lang::En, false, 1) => "1 point was given back to you".to_owned(),
            (Lang::En, false, _) => format!("{n} points were given back to you"),
            (Lang::En, true, 1) => "1 dot was given back to you".to_owned(),
            (Lang::En, true, _) => format!("{n} dots were given back to you"),
        };
        let why = match (lang, self.reason) {
            (Lang::Fr, Merged) => "idées regroupées",
            (Lang::Fr, Split) => "groupe défait",
            (Lang::Fr, Hidden) => "idée masquée par l’animateur",
            (Lang::En, Merged) => "ideas merged",
            (Lang::En, Split) => "group split",
            (Lang::En, Hidden) => "idea hidden by the facilitator",
        };
        match lang {
            Lang::Fr => format!("{what} : {why}."),
            Lang::En => format!("{what}: {why}."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ReturnReason, VotesReturned};
    use crate::config::Lang;
    use crate::ids::TableId;

    #[test]
    fn a_table_is_told_in_its_language_what_came_back_and_why() {
        let returned = |points, reason| VotesReturned {
            step: 2,
            table: TableId(0),
            points,
            reason,
        };
        assert_eq!(
            returned(2, ReturnReason::Merged).message(Lang::Fr, false),
            "2 points vous ont été rendus : idées regroupées."
        );
        assert_eq!(
            returned(1, ReturnReason::Split).message(Lang::Fr, true),
            "1 gommette vous a été rendue : groupe défait."
        );
        assert_eq!(
            returned(3, ReturnReason::Hidden).message(Lang::En, false),
            "3 points were given back to you: idea hidden by the facilitator."
        );
    }
}
