//! The two workshops of the source document, run on the engine alone, with
//! every figure of their results checked against numbers worked out by hand
//! (`ruche_shared::source` holds the data and those numbers).

mod common;

use common::{Room, idea};
use ruche_shared::methods::scoring::results::Consensus;
use ruche_shared::methods::{budget_vote, grouping};
use ruche_shared::source::{
    REFUGIES_EXPECTED, REFUGIES_EXPECTED_RANKING, REFUGIES_IDEAS, REFUGIES_SCORES, SALLE_CLUSTER,
    SALLE_EXPECTED_BARS, SALLE_IDEAS, SALLE_MERGE, salle_vote_plans,
};
use ruche_shared::{ClusterId, Command, IdeaId, Lang, Role, TableId};

/// « Comment optimiser l'utilisation de la salle municipale ? »: five tables,
/// three ideas each, a near-duplicate merged, every table spends its 30 points.
#[test]
fn ideation_salle_municipale() {
    let mut room = Room::ideation();
    let tables: Vec<TableId> = (1..=5).map(|n| room.join(&format!("Table {n}"))).collect();
    room.go_and_open(0);
    for (table, texts) in tables.iter().zip(SALLE_IDEAS) {
        for text in texts {
            room.idea(*table, text);
        }
    }
    assert_eq!(room.workshop.vote_items().count(), 15);

    // Grouping: two tables said the same thing.
    room.go_and_open(1);
    let ([a, b], title) = SALLE_MERGE;
    let items = vec![idea(IdeaId(a)), idea(IdeaId(b))];
    room.facilitator(Command::MergeItems(grouping::MergeItems {
        items,
        title: None,
    }));
    room.facilitator(Command::RenameCluster(grouping::RenameCluster {
        cluster: ClusterId(0),
        title: title.into(),
    }));
    assert_eq!(
        room.workshop.authors_of(SALLE_CLUSTER),
        vec![tables[0], tables[1]]
    );
    assert_eq!(room.workshop.vote_items().count(), 14);

    // Convergence: 30 points per table, at most 3 per idea, not for one's own.
    room.go_and_open(2);
    let vote = |item, points| Command::SetVote(budget_vote::SetVote { item, points });
    // Not for its own idea; but the group two tables wrote independently is
    // neither's alone, so either may back it (the default `own_groups`).
    room.refused(Role::Table(tables[0]), vote(idea(IdeaId(1)), 1), "own_idea");
    room.vote(tables[1], SALLE_CLUSTER, 3);
    room.vote(tables[1], SALLE_CLUSTER, 0);
    room.refused(
        Role::Table(tables[2]),
        vote(idea(IdeaId(1)), 4),
        "item_cap_exceeded",
    );
    for (table, plan) in tables.iter().zip(salle_vote_plans()) {
        for (item, points) in plan {
            room.vote(*table, item, points);
        }
    }
    // Table 4 has spent its 30 points: one more is refused, and says why.
    let over = room.refused(
        Role::Table(tables[3]),
        vote(idea(IdeaId(2)), 3),
        "budget_exceeded",
    );
    assert_eq!(
        over.message(Lang::Fr),
        "Il vous reste 0 point(s) : impossible d’en ajouter 1."
    );

    // Conclusion: the histogram, bar by bar.
    let histogram = room.workshop.vote_histogram(2).unwrap();
    let bars: Vec<(String, u32, u32)> = histogram
        .bars
        .iter()
        .map(|b| (b.item.to_string(), b.points, b.tables))
        .collect();
    let expected: Vec<(String, u32, u32)> = SALLE_EXPECTED_BARS
        .iter()
        .map(|(item, points, t)| (item.to_string(), *points, *t))
        .collect();
    assert_eq!(bars, expected);
    assert_eq!(histogram.bars.iter().map(|b| b.points).sum::<u32>(), 150);
    assert_eq!(room.workshop.item_label(histogram.bars[12].item), title);
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

/// « Concertation sur l'accueil des réfugiés dans notre ville »: five ideas,
/// three criteria (coût scored "how costly", so lower is better), five tables
/// of three seats each scoring individually.
#[test]
fn evaluation_accueil_des_refugies() {
    let mut room = Room::evaluation(&REFUGIES_IDEAS);
    let tables: Vec<TableId> = (1..=5).map(|n| room.join(&format!("Table {n}"))).collect();
    room.go_and_open(0);
    for (item, per_criterion) in REFUGIES_SCORES.iter().enumerate() {
        for (criterion, people) in per_criterion.iter().enumerate() {
            for (person, score) in people.iter().enumerate() {
                let (table, seat) = (tables[person / 3], (person % 3) as u8 + 1);
                room.score(table, seat, item as u32, criterion as u32, *score);
            }
        }
    }
    let results = room.workshop.scoring_results(0).unwrap();

    let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
    for (item, per_criterion) in REFUGIES_EXPECTED.iter().enumerate() {
        assert_eq!(results.items[item].text, REFUGIES_IDEAS[item]);
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
    let expected_labels = [
        (Consensus::Divided, 0.762_222_222_2, 0.358_639_404_2),
        (Consensus::Mixed, 0.428_888_888_9, 0.083_266_640_0),
        (Consensus::Consensus, 0.86, 0.067_986_926_8),
        (Consensus::Consensus, 0.811_111_111_1, 0.08),
        (Consensus::Rejected, 0.282_222_222_2, 0.077_172_246_0),
    ];
    for (item, (label, support, spread)) in expected_labels.into_iter().enumerate() {
        let got = &results.items[item];
        assert_eq!(got.consensus, label, "item {item}");
        assert!(
            close(got.support, support),
            "support of item {item}: {:?}",
            got.support
        );
        assert!(
            close(got.spread, spread),
            "spread of item {item}: {:?}",
            got.spread
        );
    }
    assert_eq!(results.ranking, REFUGIES_EXPECTED_RANKING);

    let participation = room.workshop.participation();
    assert!(
        participation
            .tables
            .iter()
            .all(|t| t.scores_given == 45 && t.scores_expected == 45)
    );
}
