//! The two workshops of the source document, run on the engine alone, with
//! every figure of their results checked against numbers worked out by hand.

mod common;

use common::{Room, idea};
use ruche_shared::views::scoring::Consensus;
use ruche_shared::{ClusterId, Command, IdeaId, ItemRef, Role, TableId};

/// « Comment optimiser l'utilisation de la salle municipale ? »: five tables,
/// three ideas each, a near-duplicate merged, every table spends its 30 points.
#[test]
fn ideation_salle_municipale() {
    let mut room = Room::ideation();
    let tables: Vec<TableId> = (1..=5).map(|n| room.join(&format!("Table {n}"))).collect();
    room.go_and_open(0);
    let ideas = [
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
    for (table, texts) in tables.iter().zip(ideas) {
        for text in texts {
            room.idea(*table, text);
        }
    }
    assert_eq!(room.workshop.vote_items().count(), 15);

    // Grouping: ideas 0 (Table 1) and 3 (Table 2) say the same thing.
    room.go_and_open(1);
    room.facilitator(Command::MergeItems {
        items: vec![idea(IdeaId(0)), idea(IdeaId(3))],
        title: None,
    });
    let cluster = ItemRef::Cluster(ClusterId(0));
    room.facilitator(Command::RenameCluster {
        cluster: ClusterId(0),
        title: "Associations le week-end".into(),
    });
    assert_eq!(
        room.workshop.authors_of(cluster),
        vec![tables[0], tables[1]]
    );
    assert_eq!(room.workshop.vote_items().count(), 14);

    // Convergence: 30 points per table, at most 3 per idea, not for one's own.
    room.go_and_open(2);
    let i = |n: u32| idea(IdeaId(n));
    room.refused(
        Role::Table(tables[0]),
        Command::SetVote {
            item: cluster,
            points: 1,
        },
        "own_idea",
    );
    room.refused(
        Role::Table(tables[1]),
        Command::SetVote {
            item: cluster,
            points: 3,
        },
        "own_idea",
    );
    room.refused(
        Role::Table(tables[2]),
        Command::SetVote {
            item: i(1),
            points: 4,
        },
        "item_cap_exceeded",
    );
    let plans: [&[(ItemRef, u32)]; 5] = [
        &[
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
        &[
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
        &[
            (cluster, 3),
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
        &[
            (cluster, 3),
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
        &[
            (cluster, 3),
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
    ];
    for (table, plan) in tables.iter().zip(plans) {
        for (item, points) in plan {
            room.vote(*table, *item, *points);
        }
    }
    let over = room.refused(
        Role::Table(tables[3]),
        Command::SetVote {
            item: i(2),
            points: 3,
        },
        "budget_exceeded",
    );
    assert_eq!(
        over.message(ruche_shared::Lang::Fr),
        "Il vous reste 0 point(s) : impossible d’en ajouter 1."
    );

    // Conclusion: the histogram, bar by bar.
    let histogram = room.workshop.vote_histogram(2).unwrap();
    let bars: Vec<(String, u32, u32)> = histogram
        .bars
        .iter()
        .map(|b| (b.item.to_string(), b.points, b.tables))
        .collect();
    let expected = [
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
    let expected: Vec<(String, u32, u32)> = expected
        .iter()
        .map(|(item, points, t)| (item.to_string(), *points, *t))
        .collect();
    assert_eq!(bars, expected);
    assert_eq!(histogram.bars.iter().map(|b| b.points).sum::<u32>(), 150);
    assert_eq!(
        room.workshop.item_label(histogram.bars[12].item),
        "Associations le week-end"
    );
    assert_eq!(histogram.tables_done, 5);
    assert!(
        histogram
            .tables
            .iter()
            .all(|t| t.spent == 30 && t.remaining == 0)
    );

    let participation = room.workshop.participation();
    assert_eq!(participation.ideas, 15);
    assert_eq!(participation.tables_done_voting, 5);
    assert!(
        participation
            .tables
            .iter()
            .all(|t| t.ideas == 3 && t.points_spent == Some(30))
    );
}

/// Scores of one item on one criterion, person by person: Table 1 seats 1–3,
/// then Table 2 seats 1–3, and so on.
type Scores = [u8; 15];

/// Counts of each score 0..=10, then mean, median, standard deviation, IQR.
type Figures = ([u32; 11], f64, f64, f64, f64);

/// « Concertation sur l'accueil des réfugiés dans notre ville »: five ideas,
/// three criteria (coût scored "how costly", so lower is better), five tables
/// of three seats each scoring individually.
#[test]
fn evaluation_accueil_des_refugies() {
    let texts = [
        "Héberger des familles chez l'habitant",
        "Ouvrir un centre d'accueil municipal",
        "Créer des cours de français gratuits",
        "Parrainer chaque famille par un habitant",
        "Réserver des logements sociaux",
    ];
    // [item][criterion: acceptabilité, coût, humanisme]
    let scores: [[Scores; 3]; 5] = [
        [
            [1, 9, 2, 10, 8, 3, 9, 1, 8, 10, 2, 9, 7, 1, 9],
            [2, 3, 2, 1, 2, 3, 2, 2, 1, 2, 3, 2, 2, 1, 2],
            [9, 8, 10, 9, 9, 8, 10, 9, 9, 8, 9, 10, 9, 8, 9],
        ],
        [
            [5, 6, 4, 5, 7, 5, 6, 4, 5, 6, 5, 4, 6, 5, 5],
            [8, 9, 8, 7, 8, 9, 8, 8, 7, 9, 8, 8, 9, 8, 8],
            [6, 5, 6, 7, 5, 6, 6, 5, 7, 6, 5, 6, 6, 5, 6],
        ],
        [
            [9, 8, 9, 10, 9, 8, 9, 9, 10, 8, 9, 9, 8, 10, 9],
            [2, 3, 2, 2, 1, 3, 2, 2, 2, 3, 2, 1, 2, 2, 3],
            [9, 9, 10, 8, 9, 9, 10, 9, 8, 9, 9, 10, 9, 9, 8],
        ],
        [
            [7, 8, 8, 6, 7, 8, 7, 9, 7, 8, 6, 7, 8, 7, 8],
            [1, 2, 1, 1, 2, 1, 0, 1, 2, 1, 1, 1, 2, 1, 1],
            [8, 9, 8, 8, 7, 9, 8, 8, 9, 8, 7, 8, 9, 8, 8],
        ],
        [
            [2, 3, 1, 2, 4, 2, 3, 2, 1, 2, 3, 2, 2, 3, 2],
            [9, 8, 9, 10, 9, 8, 9, 9, 9, 8, 10, 9, 9, 8, 9],
            [5, 6, 4, 5, 5, 6, 5, 4, 5, 6, 5, 5, 4, 5, 6],
        ],
    ];
    let mut room = Room::evaluation(&texts);
    let tables: Vec<TableId> = (1..=5).map(|n| room.join(&format!("Table {n}"))).collect();
    room.go_and_open(0);
    for (item, per_criterion) in scores.iter().enumerate() {
        for (criterion, people) in per_criterion.iter().enumerate() {
            for (person, score) in people.iter().enumerate() {
                let (table, seat) = (tables[person / 3], (person % 3) as u8 + 1);
                room.score(table, seat, item as u32, criterion as u32, *score);
            }
        }
    }
    let results = room.workshop.scoring_results(0).unwrap();

    // Per item and criterion: (counts of 0..=10, mean, median, sd, iqr), worked out by hand.
    #[rustfmt::skip]
    let expected: [[Figures; 3]; 5] = [
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
    let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
    for (item, per_criterion) in expected.iter().enumerate() {
        assert_eq!(results.items[item].text, texts[item]);
        for (criterion, (counts, mean, median, sd, iqr)) in per_criterion.iter().enumerate() {
            let stats = &results.items[item].criteria[criterion];
            let at = format!("item {item}, criterion {criterion}: {stats:?}");
            assert_eq!(stats.counts, counts, "{at}");
            assert_eq!(stats.scorers, 15, "{at}");
            assert!(close(stats.mean, *mean), "mean, {at}");
            assert!(close(stats.median, *median), "median, {at}");
            assert!(close(stats.std_dev, *sd), "sd, {at}");
            assert!(close(stats.iqr, *iqr), "iqr, {at}");
        }
    }

    // Support (cost reversed) and spread (the most divided criterion), by hand:
    // item 0: (5.933/10 + (1 - 0.2) + 0.8933) / 3 = 0.7622, spread 0.3586: divided.
    let labels: Vec<(Consensus, f64, f64)> = results
        .items
        .iter()
        .map(|r| (r.consensus, r.support.unwrap(), r.spread.unwrap()))
        .collect();
    let expected_labels = [
        (Consensus::Divided, 0.762_222_222_2, 0.358_639_404_2),
        (Consensus::Mixed, 0.428_888_888_9, 0.083_266_640_0),
        (Consensus::Consensus, 0.86, 0.067_986_926_8),
        (Consensus::Consensus, 0.811_111_111_1, 0.08),
        (Consensus::Rejected, 0.282_222_222_2, 0.077_172_246_0),
    ];
    for (item, ((label, support, spread), (want_label, want_support, want_spread))) in
        labels.iter().zip(expected_labels).enumerate()
    {
        assert_eq!(*label, want_label, "item {item}");
        assert!(
            (support - want_support).abs() < 1e-9,
            "support of item {item}: {support}"
        );
        assert!(
            (spread - want_spread).abs() < 1e-9,
            "spread of item {item}: {spread}"
        );
    }
    // French lessons first, then sponsoring; the divided idea ranks on its
    // support but is labelled divided.
    assert_eq!(results.ranking, vec![2, 3, 0, 1, 4]);

    let participation = room.workshop.participation();
    assert!(
        participation
            .tables
            .iter()
            .all(|t| t.scores_given == 45 && t.scores_expected == 45)
    );
}
