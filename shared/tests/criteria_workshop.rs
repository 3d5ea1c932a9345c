//! The criteria workshop (« un atelier aurait pu être organisé pour définir
//! ces critères »): tables propose criteria, each person keeps three with
//! dots, the best three become the scoring step's criteria when it is
//! reached, the facilitator words them before anyone scores, and the ideas
//! are scored on them.

mod common;

use common::{Room, idea};
use ruche_shared::methods::scoring;
use ruche_shared::{Command, Criterion, Event, IdeaId, Role, Template, source};

fn criteria_workshop() -> Room {
    Room::new(Template::CriteriaThenEvaluation.setup(
        source::CRITERES_TITLE,
        source::CRITERES_QUESTION,
        vec![],
        source::REFUGIES_IDEAS.map(str::to_owned).to_vec(),
    ))
}

fn names(criteria: &[Criterion]) -> Vec<&str> {
    criteria.iter().map(|c| c.name.as_str()).collect()
}

fn wording(names: &[&str]) -> Vec<Criterion> {
    names
        .iter()
        .map(|name| Criterion {
            name: (*name).to_owned(),
            higher_is_better: true,
            low: "pas du tout".into(),
            high: "tout à fait".into(),
        })
        .collect()
}

fn set_criteria(step: usize, criteria: Vec<Criterion>) -> Command {
    Command::SetCriteria(scoring::SetCriteria { step, criteria })
}

#[test]
fn the_rooms_best_criteria_are_worded_then_scored_on() {
    let mut room = criteria_workshop();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    room.go_and_open(0);
    let proposals = [
        (a, "le coût pour la ville"),
        (b, "l'acceptabilité par les habitants"),
        (a, "la dignité des familles"),
        (b, "la rapidité de mise en place"),
    ];
    for (table, text) in proposals {
        room.idea(table, text);
    }
    // Each person keeps three (their own table's proposals too): cost 6
    // dots, acceptability 5, dignity 5 (a tie: proposed later, so after),
    // speed 3.
    room.go_and_open(2);
    let dots = [
        (a, 1, [2, 0, 1]),
        (a, 2, [2, 0, 3]),
        (a, 3, [2, 0, 1]),
        (b, 1, [2, 1, 3]),
        (b, 2, [2, 0, 1]),
        (b, 3, [3, 0, 1]),
    ];
    for (table, seat, ideas) in dots {
        for i in ideas {
            room.dot(table, seat, idea(IdeaId(i)), 1);
        }
    }
    // Reaching the scoring step takes the best three, in order.
    let reached = room.facilitator(Command::GoToStep(ruche_shared::flow::GoToStep { step: 3 }));
    let chosen = reached
        .iter()
        .find_map(|e| match e {
            Event::CriteriaSet(set) => Some(set.criteria.clone()),
            _ => None,
        })
        .expect("the vote's best became the criteria");
    assert_eq!(
        names(&chosen),
        [
            "le coût pour la ville",
            "l'acceptabilité par les habitants",
            "la dignité des familles"
        ]
    );
    assert!(
        chosen
            .iter()
            .all(|c| c.higher_is_better && c.low.is_empty())
    );
    // The facilitator words them: cost is better low.
    let mut worded = wording(&["coût pour la ville", "acceptabilité", "dignité"]);
    worded[0].higher_is_better = false;
    room.facilitator(set_criteria(3, worded.clone()));
    assert_eq!(room.workshop.criteria(3), Some(&worded[..]));
    // Tables score the five ideas on them.
    room.facilitator(Command::OpenStep(ruche_shared::flow::OpenStep {
        duration_secs: None,
    }));
    room.score(a, 1, 0, 2, 8);
    let results = room.workshop.scoring_results(3).expect("a scoring step");
    assert_eq!(results.criteria, worded);
    assert_eq!(results.items.len(), source::REFUGIES_IDEAS.len());
    assert_eq!(results.items[0].criteria[2].scorers, 1);
    // Once scored, the criteria stay.
    room.refused(
        Role::Facilitator,
        set_criteria(3, wording(&["autre chose"])),
        "scores_given",
    );
    // Reaching the step again does not take them from the vote again.
    let again = room.facilitator(Command::GoToStep(ruche_shared::flow::GoToStep { step: 3 }));
    assert!(!again.iter().any(|e| matches!(e, Event::CriteriaSet(_))));
}

#[test]
fn criteria_are_worded_by_the_facilitator_only_and_within_bounds() {
    let mut room = criteria_workshop();
    let a = room.join("Table 1");
    room.refused(
        Role::Table(a),
        set_criteria(3, wording(&["coût"])),
        "not_allowed_for_role",
    );
    room.refused(
        Role::Facilitator,
        set_criteria(3, Vec::new()),
        "criterion_count",
    );
    room.refused(
        Role::Facilitator,
        set_criteria(3, wording(&["x"; 13])),
        "criterion_count",
    );
    room.refused(
        Role::Facilitator,
        set_criteria(3, wording(&["  "])),
        "empty_text",
    );
    room.refused(
        Role::Facilitator,
        set_criteria(3, wording(&[&"x".repeat(61)])),
        "text_too_long",
    );
    room.refused(
        Role::Facilitator,
        set_criteria(2, wording(&["coût"])),
        "wrong_step",
    );
    room.refused(
        Role::Facilitator,
        set_criteria(9, wording(&["coût"])),
        "unknown_step",
    );
    // Worded before the step is reached: the vote does not replace them.
    room.facilitator(set_criteria(3, wording(&["coût"])));
    room.go_and_open(0);
    room.idea(a, "la dignité");
    room.go_and_open(2);
    room.dot(a, 1, idea(IdeaId(0)), 1);
    room.go_and_open(3);
    assert_eq!(names(room.workshop.criteria(3).unwrap()), ["coût"]);
}

#[test]
fn a_vote_without_dots_leaves_the_criteria_to_the_facilitator() {
    let mut room = criteria_workshop();
    room.join("Table 1");
    room.go_and_open(3);
    assert_eq!(room.workshop.criteria(3), Some(&[][..]));
    room.facilitator(set_criteria(3, wording(&["coût", "dignité"])));
    assert_eq!(room.workshop.sheet_shape(3).unwrap().criteria, 2);
}
