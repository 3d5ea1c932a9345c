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
pub fn scores_given(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Des notes ont déjà été données : les critères ne changent plus.",
        Lang::En => "Scores have been given: the criteria no longer change.",
    }
    .to_owned()
}

pub fn criterion_count(lang: Lang, max: u32) -> String {
    match lang {
        Lang::Fr => format!("Il faut entre 1 et {max} critères."),
        Lang::En => format!("A scoring step needs between 1 and {max} criteria."),
    }
}

pub fn unknown_criterion(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Ce critère n’existe pas.",
        Lang::En => "There is no such criterion.",
    }
    .to_owned()
}

impl super::Config {
    /// The settings in plain words, for the synthesis: the scale, each
    /// criterion with which end is better, and where the items come from.
    pub fn in_words(&self, lang: Lang) -> String {
        let (low, high) = (self.scale_min, self.scale_max);
        let criteria: Vec<String> = self
            .criteria
            .iter()
            .map(|c| {
                let best = if c.higher_is_better { high } else { low };
                match lang {
                    Lang::Fr => format!("{} ({best} = le mieux)", c.name),
                    Lang::En => format!("{} ({best} = best)", c.name),
                }
            })
            .collect();
        let mut criteria = criteria.join(", ");
        if let Some(from) = self.criteria_from {
            let (count, step) = (from.count, from.step + 1);
            criteria = match lang {
                Lang::Fr => {
                    format!("les {count} premiers critères du vote de l’étape {step}")
                }
                Lang::En => format!("the first {count} criteria of step {step}'s vote"),
            };
        }
        let items = match (&self.items, lang) {
            (super::ScoringItemsSource::Given { .. }, _) => String::new(),
            (super::ScoringItemsSource::TopOfVote { step, count }, Lang::Fr) => {
                format!(
                    " ; les {count} premières idées du vote de l’étape {}",
                    step + 1
                )
            }
            (super::ScoringItemsSource::TopOfVote { step, count }, Lang::En) => {
                format!("; the first {count} ideas of step {}'s vote", step + 1)
            }
        };
        match lang {
            Lang::Fr => format!(
                "chaque personne note chaque idée de {low} à {high} sur : {criteria}{items}"
            ),
            Lang::En => {
                format!("each person scores each idea from {low} to {high} on: {criteria}{items}")
            }
        }
    }
}

/// What a consensus label means, for the synthesis's readers.
pub fn consensus_meaning(consensus: Consensus, lang: Lang) -> &'static str {
    match (consensus, lang) {
        (Consensus::Consensus, Lang::Fr) => {
            "soutien fort et avis proches : la salle s’accorde à la retenir"
        }
        (Consensus::Consensus, Lang::En) => {
            "strong support, close views: the room agrees to keep it"
        }
        (Consensus::Rejected, Lang::Fr) => {
            "soutien faible et avis proches : la salle s’accorde à l’écarter"
        }
        (Consensus::Rejected, Lang::En) => {
            "weak support, close views: the room agrees to set it aside"
        }
        (Consensus::Divided, Lang::Fr) => {
            "avis très dispersés sur au moins un critère : la salle est partagée"
        }
        (Consensus::Divided, Lang::En) => {
            "views far apart on at least one criterion: the room is split"
        }
        (Consensus::Mixed, Lang::Fr) => "ni soutien net, ni rejet net",
        (Consensus::Mixed, Lang::En) => "neither clear support nor clear rejection",
        (Consensus::NoScores, Lang::Fr) => "personne ne l’a notée",
        (Consensus::NoScores, Lang::En) => "nobody scored it",
    }
}

impl super::Criterion {
    /// What the scale means for this criterion, for the tablets and the
    /// wall: « 0 = peu coûteux, 10 = très coûteux · 0 = le mieux », or
    /// « de 0 à 10 · 10 = le mieux » when the ends have no words.
    pub fn scale_in_words(&self, min: u8, max: u8, lang: Lang) -> String {
        let best = if self.higher_is_better { max } else { min };
        let ends = match (self.low.is_empty() || self.high.is_empty(), lang) {
            (false, _) => format!("{min} = {}, {max} = {}", self.low, self.high),
            (true, Lang::Fr) => format!("de {min} à {max}"),
            (true, Lang::En) => format!("from {min} to {max}"),
        };
        match lang {
            Lang::Fr => format!("{ends} · {best} = le mieux"),
            Lang::En => format!("{ends} · {best} = best"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Criterion;
    use crate::config::Lang;

    #[test]
    fn a_criterion_says_what_its_ends_mean_and_which_is_better() {
        let cost = Criterion {
            name: "coût".into(),
            higher_is_better: false,
            low: "peu coûteux".into(),
            high: "très coûteux".into(),
        };
        assert_eq!(
            cost.scale_in_words(0, 10, Lang::Fr),
            "0 = peu coûteux, 10 = très coûteux · 0 = le mieux"
        );
        let bare = Criterion {
            name: "impact".into(),
            higher_is_better: true,
            low: String::new(),
            high: String::new(),
        };
        assert_eq!(
            bare.scale_in_words(1, 5, Lang::En),
            "from 1 to 5 · 5 = best"
        );
    }
}
