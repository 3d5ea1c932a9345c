//! The user journey's words, in French and English.

use crate::config::Lang;

use super::Row;

/// A row's name on the map and the tablets.
pub fn row_name(lang: Lang, row: Row) -> &'static str {
    match (lang, row) {
        (Lang::Fr, Row::Action) => "Actions",
        (Lang::Fr, Row::Feeling) => "Pensées et émotions",
        (Lang::Fr, Row::Opportunity) => "Opportunités",
        (Lang::En, Row::Action) => "Actions",
        (Lang::En, Row::Feeling) => "Thoughts and feelings",
        (Lang::En, Row::Opportunity) => "Opportunities",
    }
}

/// What a row asks the tables, under its name on the tablets.
pub fn row_hint(lang: Lang, row: Row) -> &'static str {
    match (lang, row) {
        (Lang::Fr, Row::Action) => "Ce que fait l’usager, concrètement",
        (Lang::Fr, Row::Feeling) => "Ce qu’il pense, ce qu’il ressent",
        (Lang::Fr, Row::Opportunity) => "Ce qui pourrait être amélioré",
        (Lang::En, Row::Action) => "What the user does, in fact",
        (Lang::En, Row::Feeling) => "What they think and feel",
        (Lang::En, Row::Opportunity) => "What could be better",
    }
}

/// A rating in words (the smiley's text alternative), from 1 to 5.
pub fn rating_words(lang: Lang, rating: u8) -> &'static str {
    match (lang, rating) {
        (Lang::Fr, 1) => "très mauvaise expérience",
        (Lang::Fr, 2) => "mauvaise expérience",
        (Lang::Fr, 3) => "expérience moyenne",
        (Lang::Fr, 4) => "bonne expérience",
        (Lang::Fr, _) => "très bonne expérience",
        (Lang::En, 1) => "very bad experience",
        (Lang::En, 2) => "bad experience",
        (Lang::En, 3) => "average experience",
        (Lang::En, 4) => "good experience",
        (Lang::En, _) => "very good experience",
    }
}

/// The smiley of a rating, from 1 to 5 (faces from Unicode's first
/// emoticons block, which every tablet's fonts draw).
pub fn smiley(rating: u8) -> &'static str {
    match rating {
        1 => "😣",
        2 => "😟",
        3 => "😐",
        4 => "😊",
        _ => "😄",
    }
}

/// « Étape 2 sur 5 : Arrivée et accueil ».
pub fn stage_of(lang: Lang, stage: u8, stages: usize, name: &str) -> String {
    match lang {
        Lang::Fr => format!("Étape {} sur {stages} : {name}", stage + 1),
        Lang::En => format!("Stage {} of {stages}: {name}", stage + 1),
    }
}

/// The settings in plain words, for the synthesis.
pub fn in_words(lang: Lang, stages: usize) -> String {
    match lang {
        Lang::Fr => format!(
            "{stages} étapes ; pour chacune, les actions, les pensées et émotions, une note de 1 à 5 et les opportunités"
        ),
        Lang::En => format!(
            "{stages} stages; for each, the actions, thoughts and feelings, a rating from 1 to 5 and the opportunities"
        ),
    }
}

/// Refusal `unknown_stage`.
pub fn unknown_stage(lang: Lang, stage: u8, stages: u8) -> String {
    match lang {
        Lang::Fr => format!(
            "Ce parcours n’a pas d’étape {} : il en a {stages}.",
            u32::from(stage) + 1
        ),
        Lang::En => format!(
            "This journey has no stage {}: it has {stages}.",
            u32::from(stage) + 1
        ),
    }
}

/// Refusal `stage_not_open`.
pub fn stage_not_open(lang: Lang, open: u8) -> String {
    match lang {
        Lang::Fr => format!(
            "L’animateur a ouvert l’étape {} du parcours : écrivez-y.",
            u32::from(open) + 1
        ),
        Lang::En => format!(
            "The facilitator opened stage {} of the journey: write there.",
            u32::from(open) + 1
        ),
    }
}

/// The tablet's question above the smileys.
pub fn rating_question(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Comment l’usager vit-il cette étape ?",
        Lang::En => "How does the user experience this stage?",
    }
}

/// The map's row of ratings.
pub fn ratings_row(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Ressenti",
        Lang::En => "Experience",
    }
}

/// The button that adds a note.
pub fn add(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Ajouter",
        Lang::En => "Add",
    }
}

/// The console's card of stages.
pub fn stages_heading(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Étapes du parcours",
        Lang::En => "Journey stages",
    }
}

/// The console's button that opens every stage.
pub fn all_stages(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Toutes les étapes",
        Lang::En => "Every stage",
    }
}

/// « médiane 2 · 3 notes » under a stage (no rating yet: « pas encore de note »).
pub fn median_of(lang: Lang, median: Option<f64>, count: u32) -> String {
    match (lang, median) {
        (Lang::Fr, None) => "pas encore de note".to_owned(),
        (Lang::En, None) => "no rating yet".to_owned(),
        (Lang::Fr, Some(m)) => format!(
            "médiane {} · {count} note{}",
            format_half(m, ','),
            if count > 1 { "s" } else { "" }
        ),
        (Lang::En, Some(m)) => format!(
            "median {} · {count} rating{}",
            format_half(m, '.'),
            if count > 1 { "s" } else { "" }
        ),
    }
}

/// A median (a whole or a half) as people write it: « 2 », « 2,5 ».
fn format_half(value: f64, decimal_mark: char) -> String {
    let halves = (value * 2.0).round() as i64;
    if halves % 2 == 0 {
        (halves / 2).to_string()
    } else {
        format!("{}{decimal_mark}5", halves / 2)
    }
}
