//! Personas: the facilitator deals the design-thinking template's four
//! personas to the tables (the least given first), gives one by hand or
//! takes it back; every screen's snapshot says which table thinks for whom.

mod common;

use common::Room;
use ruche_shared::methods::persona;
use ruche_shared::{Command, Role, TableId, Template, Workshop};

fn design_thinking() -> Room {
    Room::new(Template::DesignThinking.setup(
        "Imaginer la mairie de demain",
        "Comment pourrions-nous… ?",
        vec![],
        vec![],
    ))
}

fn deal() -> Command {
    Command::DealPersonas(persona::DealPersonas {})
}

fn give(table: TableId, persona: Option<u8>) -> Command {
    Command::GivePersona(persona::GivePersona { table, persona })
}

fn names(room: &Room) -> Vec<Option<String>> {
    room.workshop
        .tables()
        .iter()
        .map(|t| room.workshop.persona_of(t.id).map(|p| p.name.clone()))
        .collect()
}

#[test]
fn dealing_gives_each_table_without_one_the_least_given_persona() {
    let mut room = design_thinking();
    for n in 1..=5 {
        room.join(&format!("Table {n}"));
    }
    // Table 2 already thinks for Bernard: he is dealt last.
    room.facilitator(give(TableId(1), Some(3)));
    room.facilitator(deal());
    let some = |name: &str| Some(name.to_owned());
    assert_eq!(
        names(&room),
        vec![
            some("Chloé"),
            some("Bernard"),
            some("Céline"),
            some("Hélène"),
            some("Chloé")
        ]
    );
    // Dealing again changes nothing: every table has one.
    assert!(room.facilitator(deal()).is_empty());
    // A table that joins late gets one at the next deal.
    let late = room.join("Table 6");
    room.facilitator(deal());
    assert_eq!(room.workshop.persona_of(late).unwrap().name, "Céline");
    // Taken back, then given by hand.
    room.facilitator(give(late, None));
    assert_eq!(room.workshop.persona_of(late), None);
    room.facilitator(give(late, Some(2)));
    assert_eq!(room.workshop.persona_of(late).unwrap().name, "Hélène");
}

#[test]
fn only_the_facilitator_gives_personas_the_workshop_has() {
    let mut room = design_thinking();
    let a = room.join("Table 1");
    room.refused(Role::Table(a), deal(), "not_allowed_for_role");
    room.refused(Role::Table(a), give(a, Some(0)), "not_allowed_for_role");
    let refused = room.refused(Role::Facilitator, give(a, Some(4)), "unknown_persona");
    assert_eq!(
        refused.message(ruche_shared::Lang::Fr),
        "Il n’y a pas de persona 5 : cet atelier en a 4."
    );
    room.refused(
        Role::Facilitator,
        give(TableId(9), Some(0)),
        "unknown_table",
    );
    let mut plain = Room::ideation();
    plain.join("Table 1");
    let refused = plain.refused(Role::Facilitator, deal(), "unknown_persona");
    assert_eq!(
        refused.message(ruche_shared::Lang::Fr),
        "Cet atelier n’a pas de personas."
    );
}

#[test]
fn every_snapshot_says_who_each_table_thinks_for() {
    let mut room = design_thinking();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    room.facilitator(deal());
    for role in [
        Role::Facilitator,
        Role::Table(a),
        Role::Table(b),
        Role::Wall,
    ] {
        let json = serde_json::to_string(&room.workshop.view_for(role)).unwrap();
        let back = Workshop::from_view(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(back.persona_of(a).unwrap().name, "Chloé", "{role:?}");
        assert_eq!(back.persona_of(b).unwrap().name, "Céline", "{role:?}");
        assert_eq!(back.personas().len(), 4);
    }
}

fn question(table: Option<TableId>, text: &str) -> Command {
    Command::SetTableQuestion(ruche_shared::methods::questions::SetTableQuestion {
        table,
        question: text.to_owned(),
    })
}

#[test]
fn each_table_writes_its_own_question_and_the_facilitator_any() {
    let mut room = design_thinking();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    room.facilitator(deal());
    let chloe = "Comment pourrions-nous aider Chloé à réserver une place de parking à distance ?";
    room.table(a, question(None, chloe));
    assert_eq!(room.workshop.question_of(a), chloe);
    // Without its own, a table works on the workshop's question.
    assert_eq!(room.workshop.question_of(b), "Comment pourrions-nous… ?");
    room.refused(
        Role::Table(b),
        question(Some(a), "Autre ?"),
        "not_your_table",
    );
    room.refused(
        Role::Wall,
        question(None, "Autre ?"),
        "not_allowed_for_role",
    );
    room.refused(
        Role::Table(b),
        question(None, &"x".repeat(501)),
        "text_too_long",
    );
    // The facilitator rewrites B's; then gives A's to every table.
    room.facilitator(question(Some(b), "Comment aider Céline ?"));
    assert_eq!(
        room.workshop.table_questions(),
        vec![
            (a, "Table 1", chloe),
            (b, "Table 2", "Comment aider Céline ?")
        ]
    );
    let events = room.facilitator(question(None, chloe));
    assert_eq!(events.len(), 2);
    assert!(
        room.workshop
            .tables()
            .iter()
            .all(|t| room.workshop.question_of(t.id) == chloe)
    );
    // An empty question takes it back.
    room.table(b, question(None, "  "));
    assert_eq!(room.workshop.question_of(b), "Comment pourrions-nous… ?");
    // Every screen's snapshot has them.
    let json = serde_json::to_string(&room.workshop.view_for(Role::Wall)).unwrap();
    let back = Workshop::from_view(serde_json::from_str(&json).unwrap()).unwrap();
    assert_eq!(back.question_of(a), chloe);
}
