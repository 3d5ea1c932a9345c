//! The spider web: circles opened one after another by the facilitator,
//! each idea on the circle it was written in, the web laid out ring by ring,
//! and the circle kept in every audience's snapshot.

mod common;

use common::Room;
use ruche_shared::methods::{divergence, spider_web};
use ruche_shared::{Command, Role, StepKind, Template, Workshop, flow};

fn web_room() -> Room {
    Room::new(Template::SpiderWebThenDots.setup(
        "Mairie de demain",
        "Comment pourrions-nous aider Céline à organiser son mariage civil ?",
        vec![],
        vec![],
    ))
}

fn open_circle(circle: u8) -> Command {
    Command::OpenCircle(spider_web::OpenCircle { circle })
}

#[test]
fn each_idea_lands_on_the_circle_open_when_it_was_written() {
    let mut room = web_room();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    room.go_and_open(0);
    assert_eq!(room.workshop.current_circle(0), Some(0));
    room.idea(a, "Un dossier en ligne");
    room.facilitator(open_circle(1));
    assert_eq!(room.workshop.current_circle(0), Some(1));
    room.idea(b, "Un agent qui vient à domicile");
    room.idea(a, "Une signature par visio");
    room.facilitator(open_circle(2));
    room.idea(b, "Un hologramme de l'officier d'état civil");
    let web = room.workshop.web(0);
    let texts: Vec<Vec<&str>> = web
        .iter()
        .map(|ring| ring.ideas.iter().map(|(_, t)| t.as_str()).collect())
        .collect();
    assert_eq!(
        texts,
        vec![
            vec!["Un dossier en ligne"],
            vec!["Un agent qui vient à domicile", "Une signature par visio"],
            vec!["Un hologramme de l'officier d'état civil"],
        ]
    );
    assert_eq!(web[1].constraint, "je ne peux pas me déplacer en mairie");
    // Going back to an inner circle is the facilitator's choice too.
    room.facilitator(open_circle(0));
    room.idea(a, "Un rappel par SMS");
    assert_eq!(room.workshop.web(0)[0].ideas.len(), 2);
    // The dots are given on the web's ideas, whatever their circle.
    room.go_and_open(1);
    assert_eq!(
        room.workshop.current_step_config().kind(),
        StepKind::DotVote
    );
    assert_eq!(room.workshop.vote_items().count(), 5);
}

#[test]
fn only_the_facilitator_opens_a_circle_the_web_has() {
    let mut room = web_room();
    let a = room.join("Table 1");
    room.go_and_open(0);
    room.refused(Role::Table(a), open_circle(1), "not_allowed_for_role");
    let refused = room.refused(Role::Facilitator, open_circle(3), "unknown_circle");
    assert_eq!(
        refused.message(ruche_shared::Lang::Fr),
        "Cette toile n’a pas de cercle 4 : elle en a 3."
    );
    // A plain divergence has no circles; ideas there have no place on a web.
    let mut plain = Room::ideation();
    let t = plain.join("Table 1");
    plain.go_and_open(0);
    plain.refused(Role::Facilitator, open_circle(0), "unknown_circle");
    let idea = plain.idea(t, "Une idée");
    assert_eq!(plain.workshop.idea(idea).unwrap().web, None);
    assert!(plain.workshop.web(0).is_empty());
    // Outside the web's step, no circle opens.
    room.facilitator(Command::GoToStep(flow::GoToStep { step: 1 }));
    room.refused(Role::Facilitator, open_circle(1), "wrong_step");
}

#[test]
fn every_snapshot_keeps_the_open_circle_and_each_ideas_place() {
    let mut room = web_room();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    room.go_and_open(0);
    room.idea(a, "Un dossier en ligne");
    room.facilitator(open_circle(2));
    room.idea(b, "Un hologramme");
    for role in [Role::Facilitator, Role::Table(a), Role::Wall] {
        let view = room.workshop.view_for(role);
        let json = serde_json::to_string(&view).unwrap();
        let back = Workshop::from_view(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(back.current_circle(0), Some(2), "{role:?}");
        assert_eq!(back.web(0), room.workshop.web(0), "{role:?}");
    }
}

#[test]
fn a_setup_with_too_many_circles_is_refused_naming_the_step() {
    let mut setup = Template::SpiderWebThenDots.setup("T", "Q ?", vec![], vec![]);
    if let ruche_shared::StepConfig::Divergence(divergence::Config { circles, .. }) =
        &mut setup.steps[0]
    {
        circles.extend((0..3).map(|n| spider_web::Circle::new(&format!("contrainte {n}"))));
    }
    let error = ruche_shared::WorkshopConfig::new(setup).unwrap_err();
    assert_eq!(
        error.message(ruche_shared::Lang::Fr),
        "Étape 1 (Divergence) : une toile d’araignée a au plus 5 cercles."
    );
}
