//! The spider web's words, in French and English.

use crate::config::Lang;

/// « Cercle 2 sur 3 ».
pub fn circle_of(lang: Lang, circle: u8, circles: usize) -> String {
    match lang {
        Lang::Fr => format!("Cercle {} sur {circles}", circle + 1),
        Lang::En => format!("Circle {} of {circles}", circle + 1),
    }
}

/// A circle's constraint as the tablets and the wall say it.
pub fn constraint(lang: Lang, constraint: &str) -> String {
    match (lang, constraint.is_empty()) {
        (Lang::Fr, true) => "Sans contrainte".to_owned(),
        (Lang::En, true) => "No constraint".to_owned(),
        (Lang::Fr, false) => format!("Contrainte : {constraint}"),
        (Lang::En, false) => format!("Constraint: {constraint}"),
    }
}

/// Refusal: no such circle.
pub fn unknown_circle(lang: Lang, circle: u8, circles: u8) -> String {
    match lang {
        Lang::Fr => format!(
            "Cette toile n’a pas de cercle {} : elle en a {circles}.",
            u32::from(circle) + 1
        ),
        Lang::En => format!(
            "This web has no circle {}: it has {circles}.",
            u32::from(circle) + 1
        ),
    }
}
