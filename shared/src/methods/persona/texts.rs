//! The personas' words, in French and English.

use crate::config::Lang;

/// Refusal: no such persona.
pub fn unknown_persona(lang: Lang, persona: u8, personas: u8) -> String {
    match (lang, personas) {
        (Lang::Fr, 0) => "Cet atelier n’a pas de personas.".to_owned(),
        (Lang::En, 0) => "This workshop has no personas.".to_owned(),
        (Lang::Fr, _) => format!(
            "Il n’y a pas de persona {} : cet atelier en a {personas}.",
            u32::from(persona) + 1
        ),
        (Lang::En, _) => format!(
            "There is no persona {}: this workshop has {personas}.",
            u32::from(persona) + 1
        ),
    }
}

/// « 30 ans ».
pub fn age(lang: Lang, years: u16) -> String {
    match lang {
        Lang::Fr => format!("{years} ans"),
        Lang::En => format!("{years} years old"),
    }
}
