//! The ready-made workshops of the source document: ideation, evaluation,
//! ideation followed by the scoring of its top ideas or by dots, the
//! design-thinking spider web followed by dots, an evaluation whose
//! criteria the room chooses first, and the user journey map.

use serde::{Deserialize, Serialize};

use crate::config::{
    Criterion, DEFAULT_BUDGET, DEFAULT_CAP_PER_ITEM, DEFAULT_MAX_IDEA_CHARS, DEFAULT_SEATS,
    JoinPolicy, Lang, ScoringItemsSource, StepConfig, WorkshopSetup,
};
use crate::methods::categories::{Category, Colour};
use crate::methods::journey::{self, Stage};
use crate::methods::persona::Persona;
use crate::methods::spider_web::Circle;
use crate::methods::{OwnGroups, budget_vote, divergence, dot_vote, grouping, results, scoring};

/// A workshop shape a facilitator starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Divergence → grouping → budget vote → results.
    Ideation,
    /// Scoring of given ideas on criteria → results.
    Evaluation,
    /// Ideation, then scoring of the vote's top 5 → results.
    IdeationThenEvaluation,
    /// Divergence → grouping → dot vote (« gommettes »: each person keeps one
    /// idea) → results: the decision step of the source's design-thinking workshop.
    IdeationThenDots,
    /// The source's design-thinking ideation: a spider web of three circles
    /// (no constraint, « je ne peux pas me déplacer en mairie », « nous
    /// sommes en 2050 ») → dot vote (one idea per person, from any circle) →
    /// results.
    SpiderWebThenDots,
    /// The source's design-thinking workshop (« imaginer la mairie de
    /// demain »): its four personas (Chloé, Céline, Hélène, Bernard), one per
    /// table, then the spider web and the dots of [`Template::SpiderWebThenDots`].
    DesignThinking,
    /// « Un atelier aurait pu être organisé pour définir ces critères »: the
    /// tables propose criteria (as ideas of a name's length), group them,
    /// each person keeps three with dots, and the best three become the
    /// criteria of the scoring of the given ideas → results.
    CriteriaThenEvaluation,
    /// « La carte du parcours usager »: the source's persona (a woman of
    /// 45, director general of a large town, from Toulouse), the five
    /// stages of her journey mapped by the tables (actions, thoughts and
    /// feelings, a rating, opportunities), the opportunities grouped, then
    /// kept with dots → results.
    UserJourney,
    /// « Regards croisés »: the source's role cards (each seat takes one),
    /// the benefits and the needs on pink and yellow post-its, each with the
    /// source's question, grouped; then the actions that answer the needs →
    /// results, with the consolidated table (roles across, categories down).
    BenefitsNeedsActions,
}

/// How many criteria the criteria workshop keeps from its dot vote.
pub const CHOSEN_CRITERIA: usize = 3;

/// The personas of the source's design-thinking workshop.
pub fn source_personas() -> Vec<Persona> {
    let persona = |name: &str,
                   age,
                   situation: &str,
                   home: &str,
                   personality: &str,
                   goal: &str,
                   frustration: &str| Persona {
        name: name.to_owned(),
        age: Some(age),
        situation: situation.to_owned(),
        home: home.to_owned(),
        personality: personality.to_owned(),
        goal: goal.to_owned(),
        frustrations: vec![frustration.to_owned()],
    };
    vec![
        persona(
            "Chloé",
            32,
            "célibataire",
            "Paris",
            "impliquée dans de nombreuses activités",
            "déménage et souhaite réserver rapidement et simplement une place de parking pour son déménagement, sans gêner ses futurs voisins",
            "faire une réservation de parking à distance",
        ),
        persona(
            "Céline",
            30,
            "comptable, fiancée, sans enfant ; vit avec son fiancé et son chat",
            "banlieue parisienne",
            "",
            "préparer son mariage civil et la cérémonie laïque",
            "devoir se déplacer plusieurs fois en mairie",
        ),
        persona(
            "Hélène",
            35,
            "aide-soignante, célibataire, deux enfants",
            "banlieue lilloise",
            "",
            "faire garder ses enfants",
            "trouver une assistante maternelle avec des horaires décalés",
        ),
        persona(
            "Bernard",
            70,
            "retraité, vit avec sa femme",
            "campagne de Toulouse",
            "amateur de pétanque",
            "avoir de l'aide à domicile",
            "se sentir assisté",
        ),
    ]
}

/// The persona of the source's user journey (« une femme de 45 ans, DG
/// d'une agglomération ou d'une grande ville, originaire de Toulouse »;
/// the source gives her no name).
pub fn source_journey_persona() -> Persona {
    Persona {
        name: "L'usagère des ETS".to_owned(),
        age: Some(45),
        situation: "directrice générale d'une agglomération ou d'une grande ville".to_owned(),
        home: "originaire de Toulouse".to_owned(),
        personality: String::new(),
        goal: "se former et échanger avec ses pairs aux ETS".to_owned(),
        frustrations: Vec::new(),
    }
}

/// The source's two categories of « Regards croisés »: the benefits (pink)
/// and the needs (yellow), each with its question.
pub fn source_categories() -> Vec<Category> {
    vec![
        Category {
            name: "Bénéfices".to_owned(),
            colour: Colour::Pink,
            question: crate::source::BENEFITS_QUESTION.to_owned(),
        },
        Category {
            name: "Besoins".to_owned(),
            colour: Colour::Yellow,
            question: crate::source::NEEDS_QUESTION.to_owned(),
        },
    ]
}

/// The source's role cards: « usager », « agent », « manager », « élu ».
pub fn source_roles() -> Vec<String> {
    ["usager", "agent", "manager", "élu"]
        .map(str::to_owned)
        .to_vec()
}

/// The stages of the source's user journey.
pub fn source_stages() -> Vec<Stage> {
    crate::source::PARCOURS_STAGES
        .iter()
        .map(|name| Stage::new(name))
        .collect()
}

/// The circles of the source's spider web.
pub fn source_circles() -> Vec<Circle> {
    vec![
        Circle::new(""),
        Circle::new("je ne peux pas me déplacer en mairie"),
        Circle::new("nous sommes en 2050"),
    ]
}

/// How many of the vote's best items the chained template scores.
pub const CHAINED_TOP_COUNT: usize = 5;

/// The criteria of the source's evaluation workshop.
pub fn source_criteria() -> Vec<Criterion> {
    [
        ("acceptabilité", "inacceptable", "très acceptable"),
        ("coût", "peu coûteux", "très coûteux"),
        ("humanisme", "peu humain", "très humain"),
    ]
    .into_iter()
    .map(|(name, low, high)| Criterion {
        name: name.to_owned(),
        // Cost is scored "how costly is it?": a high score is bad.
        higher_is_better: name != "coût",
        low: low.to_owned(),
        high: high.to_owned(),
    })
    .collect()
}

impl Template {
    /// A setup with this template's steps and the defaults of the source
    /// (30 points, 3 per item, 3 seats, 0–10). `given_items` is used by the
    /// evaluation template only; `criteria` by the templates with scoring.
    pub fn setup(
        self,
        title: &str,
        question: &str,
        criteria: Vec<Criterion>,
        given_items: Vec<String>,
    ) -> WorkshopSetup {
        let ideation = [
            StepConfig::Divergence(divergence::Config {
                max_idea_chars: DEFAULT_MAX_IDEA_CHARS,
                moderated: false,
                circles: Vec::new(),
                categories: Vec::new(),
            }),
            StepConfig::Grouping(grouping::Config {}),
            StepConfig::BudgetVote(budget_vote::Config {
                budget: DEFAULT_BUDGET,
                cap_per_item: DEFAULT_CAP_PER_ITEM,
                allow_self_vote: false,
                own_groups: OwnGroups::default(),
            }),
        ];
        let scoring = |items| {
            StepConfig::Scoring(scoring::Config {
                criteria_from: None,
                criteria,
                scale_min: 0,
                scale_max: 10,
                items,
            })
        };
        let steps = match self {
            Template::Ideation => ideation
                .into_iter()
                .chain([StepConfig::Results(results::Config {})])
                .collect(),
            Template::Evaluation => {
                vec![
                    scoring(ScoringItemsSource::Given { texts: given_items }),
                    StepConfig::Results(results::Config {}),
                ]
            }
            Template::IdeationThenEvaluation => ideation
                .into_iter()
                .chain([
                    scoring(ScoringItemsSource::TopOfVote {
                        step: 2,
                        count: CHAINED_TOP_COUNT,
                    }),
                    StepConfig::Results(results::Config {}),
                ])
                .collect(),
            Template::IdeationThenDots => {
                let [divergence, grouping, _budget_vote] = ideation;
                vec![
                    divergence,
                    grouping,
                    StepConfig::DotVote(dot_vote::Config::default()),
                    StepConfig::Results(results::Config {}),
                ]
            }
            // The source goes from the web straight to the dots; a duplicate
            // noticed then is merged during the vote.
            Template::SpiderWebThenDots | Template::DesignThinking => vec![
                StepConfig::Divergence(divergence::Config {
                    circles: source_circles(),
                    ..divergence::Config::default()
                }),
                StepConfig::DotVote(dot_vote::Config::default()),
                StepConfig::Results(results::Config {}),
            ],
            Template::CriteriaThenEvaluation => vec![
                // A criterion is a short name: ideas as long as one.
                StepConfig::Divergence(divergence::Config {
                    max_idea_chars: crate::config::MAX_NAME_CHARS,
                    ..divergence::Config::default()
                }),
                StepConfig::Grouping(grouping::Config {}),
                // Each person keeps three criteria, their own table's too:
                // proposing a criterion is not campaigning for an idea.
                StepConfig::DotVote(dot_vote::Config {
                    dots_per_seat: CHOSEN_CRITERIA as u32,
                    max_per_item: 1,
                    allow_self_vote: true,
                    own_groups: OwnGroups::default(),
                }),
                StepConfig::Scoring(scoring::Config {
                    criteria: Vec::new(),
                    criteria_from: Some(scoring::CriteriaFromVote {
                        step: 2,
                        count: CHOSEN_CRITERIA,
                    }),
                    scale_min: 0,
                    scale_max: 10,
                    items: ScoringItemsSource::Given { texts: given_items },
                }),
                StepConfig::Results(results::Config {}),
            ],
            // The opportunities are grouped, then each person keeps the
            // ones that matter most: the journey's own notes stay on the map.
            Template::UserJourney => vec![
                StepConfig::Journey(journey::Config {
                    stages: source_stages(),
                }),
                StepConfig::Grouping(grouping::Config {}),
                StepConfig::DotVote(dot_vote::Config::default()),
                StepConfig::Results(results::Config {}),
            ],
            // The actions in a category of their own: its question on the
            // tablets, its colour on the wall.
            Template::BenefitsNeedsActions => vec![
                StepConfig::Divergence(divergence::Config {
                    categories: source_categories(),
                    ..divergence::Config::default()
                }),
                StepConfig::Grouping(grouping::Config {}),
                StepConfig::Divergence(divergence::Config {
                    categories: vec![Category {
                        name: "Actions".to_owned(),
                        colour: Colour::Green,
                        question: crate::source::ACTIONS_QUESTION.to_owned(),
                    }],
                    ..divergence::Config::default()
                }),
                StepConfig::Results(results::Config {}),
            ],
        };
        let personas = match self {
            Template::DesignThinking => source_personas(),
            Template::UserJourney => vec![source_journey_persona()],
            _ => Vec::new(),
        };
        WorkshopSetup {
            title: title.to_owned(),
            question: question.to_owned(),
            lang: Lang::Fr,
            join: JoinPolicy::default(),
            seats: DEFAULT_SEATS,
            steps,
            personas,
            countdown_minutes: Vec::new(),
            // The source's role cards, for its « Regards croisés ».
            roles: if self == Template::BenefitsNeedsActions {
                source_roles()
            } else {
                Vec::new()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{StepKind, WorkshopConfig};

    fn kinds(setup: &WorkshopSetup) -> Vec<StepKind> {
        setup.steps.iter().map(StepConfig::kind).collect()
    }

    #[test]
    fn every_template_gives_a_valid_workshop() {
        use StepKind::*;
        let items = vec!["Une idée".to_owned()];
        for (template, expected) in [
            (
                Template::Ideation,
                vec![Divergence, Grouping, BudgetVote, Results],
            ),
            (Template::Evaluation, vec![Scoring, Results]),
            (
                Template::IdeationThenEvaluation,
                vec![Divergence, Grouping, BudgetVote, Scoring, Results],
            ),
            (
                Template::IdeationThenDots,
                vec![Divergence, Grouping, DotVote, Results],
            ),
            (
                Template::SpiderWebThenDots,
                vec![Divergence, DotVote, Results],
            ),
            (Template::DesignThinking, vec![Divergence, DotVote, Results]),
            (
                Template::CriteriaThenEvaluation,
                vec![Divergence, Grouping, DotVote, Scoring, Results],
            ),
            (
                Template::UserJourney,
                vec![Journey, Grouping, DotVote, Results],
            ),
            (
                Template::BenefitsNeedsActions,
                vec![Divergence, Grouping, Divergence, Results],
            ),
        ] {
            let setup = template.setup("Titre", "Question ?", source_criteria(), items.clone());
            assert_eq!(kinds(&setup), expected, "{template:?}");
            WorkshopConfig::new(setup).unwrap_or_else(|e| panic!("{template:?}: {e}"));
        }
    }
}
