//! The two workshops of the source document, as data: their questions, the
//! ideas of a worked example, how its tables vote or score, and the results a
//! person worked out by hand from them. The engine's scenario tests, the
//! end-to-end tests and the server's `--demo` all use this one copy.

use crate::ids::{ClusterId, IdeaId, ItemRef};

/// The ideation workshop's question.
pub const SALLE_QUESTION: &str = "Comment optimiser l'utilisation de la salle municipale ?";

/// Three ideas from each of five tables ("Table 1" … "Table 5"), submitted in
/// this order, so idea ids run 0–14 table by table. Ideas 0 and 3 say the same
/// thing: the facilitator merges them into cluster 0.
pub const SALLE_IDEAS: [[&str; 3]; 5] = [
    [
        "Ouvrir la salle aux associations le week-end",
        "Installer un planning de réservation en ligne",
        "Organiser des lotos pour les aînés",
    ],
    [
        "Prêter la salle aux associations le samedi et le dimanche",
        "Organiser un café des habitants",
        "Proposer des cours de danse",
    ],
    [
        "Louer la salle pour des fêtes familiales",
        "Accueillir des cours de sport pour les seniors",
        "Créer une ludothèque",
    ],
    [
        "Créer un espace de coworking en semaine",
        "Faire des projections de films",
        "Accueillir l'aide aux devoirs",
    ],
    [
        "Mettre la salle à disposition des jeunes le mercredi",
        "Organiser un repair café",
        "Installer une boîte à livres",
    ],
];

/// The near-duplicates merged during grouping, and the cluster's title.
pub const SALLE_MERGE: ([u32; 2], &str) = ([0, 3], "Associations le week-end");

/// The cluster formed by [`SALLE_MERGE`].
pub const SALLE_CLUSTER: ItemRef = ItemRef::Cluster(ClusterId(0));

/// How each table spends its 30 points (never on its own ideas).
pub fn salle_vote_plans() -> [Vec<(ItemRef, u32)>; 5] {
    let i = |n: u32| ItemRef::Idea(IdeaId(n));
    let c = SALLE_CLUSTER;
    [
        vec![
            (i(4), 3),
            (i(6), 3),
            (i(7), 3),
            (i(9), 3),
            (i(10), 3),
            (i(12), 3),
            (i(13), 3),
            (i(5), 3),
            (i(8), 3),
            (i(11), 3),
        ],
        vec![
            (i(1), 3),
            (i(2), 3),
            (i(6), 3),
            (i(7), 3),
            (i(9), 3),
            (i(12), 3),
            (i(13), 3),
            (i(10), 3),
            (i(8), 3),
            (i(14), 3),
        ],
        vec![
            (c, 3),
            (i(1), 2),
            (i(4), 3),
            (i(9), 3),
            (i(12), 3),
            (i(13), 3),
            (i(10), 2),
            (i(5), 3),
            (i(11), 3),
            (i(14), 2),
            (i(2), 3),
        ],
        vec![
            (c, 3),
            (i(4), 3),
            (i(6), 3),
            (i(7), 3),
            (i(12), 3),
            (i(13), 3),
            (i(1), 3),
            (i(14), 3),
            (i(2), 2),
            (i(5), 2),
            (i(8), 2),
        ],
        vec![
            (c, 3),
            (i(4), 3),
            (i(7), 3),
            (i(9), 3),
            (i(6), 2),
            (i(1), 3),
            (i(10), 3),
            (i(2), 2),
            (i(5), 3),
            (i(8), 2),
            (i(11), 3),
        ],
    ]
}

/// The histogram those votes give, worked out by hand: (item, points, tables),
/// most points first, ties in the items' order (ideas by id, then clusters).
pub const SALLE_EXPECTED_BARS: [(&str, u32, u32); 14] = [
    ("i4", 12, 4),
    ("i7", 12, 4),
    ("i9", 12, 4),
    ("i12", 12, 4),
    ("i13", 12, 4),
    ("i1", 11, 4),
    ("i5", 11, 4),
    ("i6", 11, 4),
    ("i10", 11, 4),
    ("i2", 10, 4),
    ("i8", 10, 4),
    ("i11", 9, 3),
    ("c0", 9, 3),
    ("i14", 8, 3),
];

/// The design-thinking workshop's title (« Imaginer la mairie de demain »).
pub const MAIRIE_TITLE: &str = "Imaginer la mairie de demain";

/// One of the source's « Comment pourrions-nous… ? » questions, Céline's:
/// the centre of its spider web.
pub const CELINE_QUESTION: &str = "Comment pourrions-nous aider Céline à organiser son mariage civil sans avoir à se déplacer plusieurs fois en mairie ?";

/// The evaluation workshop's question.
pub const REFUGIES_QUESTION: &str = "Concertation sur l'accueil des réfugiés dans notre ville";

/// The criteria workshop the source suggests (« un atelier aurait pu être
/// organisé pour définir ces critères »): its title and question.
pub const CRITERES_TITLE: &str = "Accueil des réfugiés : choisir nos critères";
/// What the tables answer with criteria before scoring the ideas.
pub const CRITERES_QUESTION: &str =
    "Sur quels critères juger les propositions d'accueil des réfugiés ?";

/// « La carte du parcours usager »: the journey of a participant in the
/// ETS (the source's example), its title and question.
pub const PARCOURS_TITLE: &str = "Le parcours d'un participant aux ETS";
/// What the tables map, stage by stage.
pub const PARCOURS_QUESTION: &str = "Comment améliorer le parcours d'un participant aux ETS, de l'inscription au retour en collectivité ?";
/// The five stages of the source's journey.
pub const PARCOURS_STAGES: [&str; 5] = [
    "La programmation",
    "L'arrivée et l'accueil",
    "Les ateliers et conférences",
    "Le off",
    "L'après ETS",
];

/// « Regards croisés »: its title, and the questions of its two categories
/// of post-its and of its actions.
pub const REGARDS_TITLE: &str = "Regards croisés : usagers, agents, managers, élus";
/// The workshop's question.
pub const REGARDS_QUESTION: &str =
    "Co-construire une démarche d'expérience usager entre usagers, agents et collectivité";
/// The pink post-its' question.
pub const BENEFITS_QUESTION: &str = "Quels bénéfices d'une démarche d'expérience usager pour moi ?";
/// The yellow post-its' question.
pub const NEEDS_QUESTION: &str = "De quoi ai-je besoin pour vivre moi-même une belle expérience ?";
/// The actions' question.
pub const ACTIONS_QUESTION: &str = "Quelles actions concrètes voyez-vous possibles qui répondent aux besoins des différents rôles ?";

/// The five ideas to score.
pub const REFUGIES_IDEAS: [&str; 5] = [
    "Héberger des familles chez l'habitant",
    "Ouvrir un centre d'accueil municipal",
    "Créer des cours de français gratuits",
    "Parrainer chaque famille par un habitant",
    "Réserver des logements sociaux",
];

/// Scores of one item on one criterion, person by person: Table 1 seats 1–3,
/// then Table 2 seats 1–3, and so on to Table 5.
pub type PersonScores = [u8; 15];

/// `[item][criterion]`, criteria in the order acceptabilité, coût (scored "how
/// costly": lower is better), humanisme. Idea 0 splits the room on acceptability.
#[rustfmt::skip]
pub const REFUGIES_SCORES: [[PersonScores; 3]; 5] = [
    [[1, 9, 2, 10, 8, 3, 9, 1, 8, 10, 2, 9, 7, 1, 9], [2, 3, 2, 1, 2, 3, 2, 2, 1, 2, 3, 2, 2, 1, 2], [9, 8, 10, 9, 9, 8, 10, 9, 9, 8, 9, 10, 9, 8, 9]],
    [[5, 6, 4, 5, 7, 5, 6, 4, 5, 6, 5, 4, 6, 5, 5], [8, 9, 8, 7, 8, 9, 8, 8, 7, 9, 8, 8, 9, 8, 8], [6, 5, 6, 7, 5, 6, 6, 5, 7, 6, 5, 6, 6, 5, 6]],
    [[9, 8, 9, 10, 9, 8, 9, 9, 10, 8, 9, 9, 8, 10, 9], [2, 3, 2, 2, 1, 3, 2, 2, 2, 3, 2, 1, 2, 2, 3], [9, 9, 10, 8, 9, 9, 10, 9, 8, 9, 9, 10, 9, 9, 8]],
    [[7, 8, 8, 6, 7, 8, 7, 9, 7, 8, 6, 7, 8, 7, 8], [1, 2, 1, 1, 2, 1, 0, 1, 2, 1, 1, 1, 2, 1, 1], [8, 9, 8, 8, 7, 9, 8, 8, 9, 8, 7, 8, 9, 8, 8]],
    [[2, 3, 1, 2, 4, 2, 3, 2, 1, 2, 3, 2, 2, 3, 2], [9, 8, 9, 10, 9, 8, 9, 9, 9, 8, 10, 9, 9, 8, 9], [5, 6, 4, 5, 5, 6, 5, 4, 5, 6, 5, 5, 4, 5, 6]],
];

/// Per item and criterion, worked out by hand from [`REFUGIES_SCORES`]: counts
/// of each score 0..=10, then mean, median, population standard deviation and
/// interquartile range (linear interpolation).
pub type Figures = ([u32; 11], f64, f64, f64, f64);

/// See [`Figures`].
#[rustfmt::skip]
pub const REFUGIES_EXPECTED: [[Figures; 3]; 5] = [
    [([0, 3, 2, 1, 0, 0, 0, 1, 2, 4, 2], 89.0 / 15.0, 8.0, 3.586_394_041_7, 7.0),
     ([0, 3, 9, 3, 0, 0, 0, 0, 0, 0, 0], 2.0, 2.0, 0.632_455_532_0, 0.0),
     ([0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 3], 134.0 / 15.0, 9.0, 0.679_869_268_5, 0.5)],
    [([0, 0, 0, 0, 3, 7, 4, 1, 0, 0, 0], 5.2, 5.0, 0.832_666_399_8, 1.0),
     ([0, 0, 0, 0, 0, 0, 0, 2, 9, 4, 0], 122.0 / 15.0, 8.0, 0.618_241_233_0, 0.5),
     ([0, 0, 0, 0, 0, 5, 8, 2, 0, 0, 0], 5.8, 6.0, 0.653_197_264_7, 1.0)],
    [([0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 3], 134.0 / 15.0, 9.0, 0.679_869_268_5, 0.5),
     ([0, 2, 9, 4, 0, 0, 0, 0, 0, 0, 0], 32.0 / 15.0, 2.0, 0.618_241_233_0, 0.5),
     ([0, 0, 0, 0, 0, 0, 0, 0, 3, 9, 3], 9.0, 9.0, 0.632_455_532_0, 0.0)],
    [([0, 0, 0, 0, 0, 0, 2, 6, 6, 1, 0], 7.4, 7.0, 0.8, 1.0),
     ([1, 10, 4, 0, 0, 0, 0, 0, 0, 0, 0], 1.2, 1.0, 0.541_602_560_3, 0.5),
     ([0, 0, 0, 0, 0, 0, 0, 2, 9, 4, 0], 122.0 / 15.0, 8.0, 0.618_241_233_0, 0.5)],
    [([0, 2, 8, 4, 1, 0, 0, 0, 0, 0, 0], 34.0 / 15.0, 2.0, 0.771_722_460_2, 1.0),
     ([0, 0, 0, 0, 0, 0, 0, 0, 4, 9, 2], 133.0 / 15.0, 9.0, 0.618_241_233_0, 0.5),
     ([0, 0, 0, 0, 3, 8, 4, 0, 0, 0, 0], 76.0 / 15.0, 5.0, 0.679_869_268_5, 0.5)],
];

/// The ranking by hand: French lessons, then sponsoring, then the idea that
/// divides the room (high support, but labelled divided), then the rest.
pub const REFUGIES_EXPECTED_RANKING: [u32; 5] = [2, 3, 0, 1, 4];
