//! "Cette idée existe peut-être déjà": which submitted ideas look like the one
//! a table is typing. A hint, not a rule: nothing is refused because of it.
//!
//! Ideas are compared by their meaningful words: lower-cased, accents removed,
//! short and very common French and English words dropped, and a plural `s` or
//! `x` cut. Two ideas look alike when most of the shorter one's words are in
//! the other.

use std::collections::BTreeSet;

use crate::ids::IdeaId;
use crate::workshop::Workshop;

/// Share of the shorter idea's words found in the other for them to look alike.
const ALIKE: f64 = 0.6;

/// Words that say nothing about an idea's subject.
const COMMON: &[&str] = &[
    "les", "des", "une", "pour", "par", "dans", "sur", "avec", "sans", "plus", "moins", "qui",
    "que", "est", "sont", "etre", "avoir", "faire", "aux", "ces", "cette", "nos", "vos", "leur",
    "leurs", "tout", "tous", "toutes", "mettre", "place", "the", "and", "for", "with", "more",
    "less", "that", "this", "are", "our", "your", "their", "make",
];

/// The meaningful words of a text, normalised.
pub fn keywords(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(|word| word.chars().map(fold).collect::<String>().to_lowercase())
        .map(|word| {
            if word.len() > 4 && (word.ends_with('s') || word.ends_with('x')) {
                word[..word.len() - 1].to_owned()
            } else {
                word
            }
        })
        .filter(|word| word.chars().count() >= 3 && !COMMON.contains(&word.as_str()))
        .collect()
}

/// A key that sorts texts as a French reader expects: case and accents
/// aside (« École » between « Animation » and « Mairie », not after « Zoo »).
pub fn sort_key(text: &str) -> String {
    text.chars().map(fold).collect::<String>().to_lowercase()
}

/// Removes the accents French uses.
fn fold(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'î' | 'ï' | 'Î' | 'Ï' => 'i',
        'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
        'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'œ' | 'Œ' => 'o',
        other => other,
    }
}

/// Whether two sets of keywords look like the same idea.
pub fn alike(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    let shorter = a.len().min(b.len());
    if shorter == 0 {
        return false;
    }
    let shared = a.intersection(b).count();
    shared as f64 / shorter as f64 >= ALIKE
}

impl Workshop {
    /// The live ideas that look like `text`, oldest first, at most `limit`.
    pub fn similar_ideas(&self, text: &str, limit: usize) -> Vec<IdeaId> {
        let typed = keywords(text);
        if typed.is_empty() {
            return Vec::new();
        }
        self.all_ideas()
            .iter()
            .filter(|idea| idea.is_live() && alike(&typed, &keywords(&idea.text)))
            .map(|idea| idea.id)
            .take(limit)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_sort_as_a_french_reader_expects() {
        let mut names = vec!["Mairie", "École", "animation", "Zoo"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["animation", "École", "Mairie", "Zoo"]);
    }

    #[test]
    fn keywords_ignore_case_accents_plurals_and_small_words() {
        let words = keywords("Créer des PISTES cyclables sécurisées");
        let expected: BTreeSet<String> = ["creer", "piste", "cyclable", "securisee"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(words, expected);
    }

    #[test]
    fn the_same_idea_in_other_words_looks_alike_and_another_does_not() {
        let idea = keywords("Des pistes cyclables sécurisées");
        assert!(alike(&keywords("piste cyclable sécurisée"), &idea));
        assert!(alike(&keywords("plus de pistes cyclables"), &idea));
        assert!(!alike(&keywords("un marché bio le samedi"), &idea));
        assert!(!alike(&keywords("de la"), &idea), "no words, no match");
    }
}
