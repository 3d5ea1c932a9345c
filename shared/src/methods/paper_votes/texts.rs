//! Paper votes' refusal, in French and English.

use crate::config::Lang;

pub fn paper_limit(lang: Lang, groups: u32, count: u32) -> String {
    match lang {
        Lang::Fr => format!(
            "Au plus {groups} groupes sur papier par vote, et {count} par idée et par groupe."
        ),
        Lang::En => {
            format!("At most {groups} paper groups per vote, and {count} per idea and group.")
        }
    }
}
