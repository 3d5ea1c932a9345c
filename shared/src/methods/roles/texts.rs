//! The roles' words, in French and English.

use crate::config::Lang;

/// Refusal `unknown_role`.
pub fn unknown_role(lang: Lang, role: u8, roles: u8) -> String {
    match (lang, roles) {
        (Lang::Fr, 0) => "Cet atelier ne donne pas de rôles.".to_owned(),
        (Lang::En, 0) => "This workshop gives no roles.".to_owned(),
        (Lang::Fr, _) => format!(
            "Cet atelier n’a pas de rôle {} : il en a {roles}.",
            u32::from(role) + 1
        ),
        (Lang::En, _) => format!(
            "This workshop has no role {}: it has {roles}.",
            u32::from(role) + 1
        ),
    }
}

/// The tablet's card of seats and roles.
pub fn who_writes(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Qui écrit ? Le rôle de chacun",
        Lang::En => "Who is writing? Each one's role",
    }
}

/// « Personne 2 » (a seat).
pub fn seat(lang: Lang, seat: u8) -> String {
    match lang {
        Lang::Fr => format!("Personne {seat}"),
        Lang::En => format!("Person {seat}"),
    }
}

/// No role chosen.
pub fn no_role(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "sans rôle",
        Lang::En => "no role",
    }
}

/// The consolidated table's heading.
pub fn consolidated(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Consolidation dans un tableau",
        Lang::En => "The consolidated table",
    }
}

/// Its row of ideas in no category.
pub fn no_category(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Autres idées",
        Lang::En => "Other ideas",
    }
}
