//! The scoring's refusals and its consensus labels, in French and English.

use super::results::Consensus;
use crate::config::Lang;

/// A consensus label as people read it (exports, the synthesis).
pub fn consensus_label(consensus: Consensus, lang: Lang) -> &'static str {
    match (consensus, lang) {
        (Consensus::Consensus, _) => "consensus",
        (Consensus::Rejected, Lang::Fr) => "rejet partagé",
        (Consensus::Rejected, Lang::En) => "shared rejection",
        (Consensus::Divided, Lang::Fr) => "avis partagés",
        (Consensus::Divided, Lang::En) => "divided",
        (Consensus::Mixed, Lang::Fr) => "mitigé",
        (Consensus::Mixed, Lang::En) => "mixed",
        (Consensus::NoScores, Lang::Fr) => "pas de note",
        (Consensus::NoScores, Lang::En) => "no scores",
    }
}

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
