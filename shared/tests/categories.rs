//! « Regards croisés »: categories of ideas, like coloured post-its: a
//! table chooses one for each idea when the step has them, the facilitator
//! may leave it out, each idea keeps its category through every snapshot,
//! and a setup names the category at fault; roles per seat, carried by what
//! each seat writes, and the consolidated table (roles across, categories
//! down).

mod common;

use common::Room;
use ruche_shared::methods::categories::{Category, CategoryPlace, Colour};
use ruche_shared::methods::divergence;
use ruche_shared::{Command, Event, Lang, Role, Template, Workshop, WorkshopConfig, source};

fn regards_room() -> Room {
    Room::new(Template::BenefitsNeedsActions.setup(
        source::REGARDS_TITLE,
        source::REGARDS_QUESTION,
        vec![],
        vec![],
    ))
}

fn submit(text: &str, category: Option<u8>) -> Command {
    Command::SubmitIdea(divergence::SubmitIdea {
        text: text.into(),
        category,
        seat: None,
    })
}

#[test]
fn each_idea_keeps_the_category_its_table_chose() {
    let mut room = regards_room();
    let (a, b) = (room.join("Usagers"), room.join("Agents"));
    room.go_and_open(0);
    let events = room.table(a, submit("Être écouté", Some(0)));
    assert!(matches!(
        events.as_slice(),
        [Event::IdeaSubmitted(divergence::IdeaSubmitted {
            category: Some(0),
            ..
        })]
    ));
    room.table(b, submit("Du temps pour écouter", Some(1)));
    let ideas = room.workshop.all_ideas();
    assert_eq!(
        ideas[0].category,
        Some(CategoryPlace {
            step: 0,
            category: 0
        })
    );
    let needs = room.workshop.category_of(ideas[1].category).unwrap();
    assert_eq!(
        (needs.name.as_str(), needs.colour),
        ("Besoins", Colour::Yellow)
    );
    assert_eq!(needs.question, source::NEEDS_QUESTION);
    // The facilitator may type one in without a category.
    room.facilitator(submit("Une idée de l'animateur", None));
    assert_eq!(room.workshop.all_ideas()[2].category, None);
    // The actions' step has its own category, and its ideas theirs.
    room.go_and_open(2);
    room.table(a, submit("Un comité d'usagers", Some(0)));
    let action = &room.workshop.all_ideas()[3];
    assert_eq!(
        room.workshop.category_of(action.category).unwrap().name,
        "Actions"
    );
}

#[test]
fn a_table_must_choose_a_category_the_step_has() {
    let mut room = regards_room();
    let a = room.join("Usagers");
    room.go_and_open(0);
    let refused = room.refused(Role::Table(a), submit("x", None), "unknown_category");
    assert_eq!(
        refused.message(Lang::Fr),
        "Choisissez d’abord la catégorie de votre idée."
    );
    let refused = room.refused(Role::Table(a), submit("x", Some(2)), "unknown_category");
    assert_eq!(
        refused.message(Lang::Fr),
        "Cette étape n’a pas de catégorie 3 : elle en a 2."
    );
    room.refused(Role::Facilitator, submit("x", Some(5)), "unknown_category");
    // A step without categories takes none.
    let mut plain = Room::ideation();
    let t = plain.join("Table 1");
    plain.go_and_open(0);
    let refused = plain.refused(Role::Table(t), submit("x", Some(0)), "unknown_category");
    assert_eq!(
        refused.message(Lang::En),
        "This step does not sort ideas into categories."
    );
}

#[test]
fn every_snapshot_keeps_each_ideas_category() {
    let mut room = regards_room();
    let (a, b) = (room.join("Usagers"), room.join("Élus"));
    room.go_and_open(0);
    room.table(a, submit("Être écouté", Some(0)));
    room.table(b, submit("Des indicateurs", Some(1)));
    for role in [Role::Facilitator, Role::Table(a), Role::Wall, Role::Guest] {
        let view = room.workshop.view_for(role);
        let json = serde_json::to_string(&view).unwrap();
        let back = Workshop::from_view(serde_json::from_str(&json).unwrap()).unwrap();
        let categories: Vec<_> = back.all_ideas().iter().map(|i| i.category).collect();
        let expected: Vec<_> = room
            .workshop
            .all_ideas()
            .iter()
            .map(|i| i.category)
            .collect();
        assert_eq!(categories, expected, "{role:?}");
    }
}

#[test]
fn a_setup_names_the_category_at_fault() {
    let mut setup = Template::BenefitsNeedsActions.setup("T", "Q ?", vec![], vec![]);
    if let ruche_shared::StepConfig::Divergence(config) = &mut setup.steps[0] {
        config.categories[1].name = " Besoins".into();
    }
    let error = WorkshopConfig::new(setup.clone()).unwrap_err();
    assert_eq!(
        error.message(Lang::Fr),
        "Étape 1 (Divergence) : la catégorie 2 a un nom de 1 à 40 caractères et une question de 200 au plus, sans espace au début ni à la fin."
    );
    if let ruche_shared::StepConfig::Divergence(config) = &mut setup.steps[0] {
        config.categories = (0..7)
            .map(|n| Category {
                name: format!("C{n}"),
                colour: Colour::Blue,
                question: String::new(),
            })
            .collect();
    }
    let error = WorkshopConfig::new(setup).unwrap_err();
    assert_eq!(
        error.message(Lang::En),
        "Step 1 (Divergence): a step has at most 6 categories of ideas."
    );
}

// ---- roles per seat and the consolidated table ----

fn choose(table: Option<ruche_shared::TableId>, seat: u8, role: Option<u8>) -> Command {
    Command::ChooseRole(ruche_shared::methods::roles::ChooseRole { table, seat, role })
}

fn by_seat(text: &str, category: u8, seat: u8) -> Command {
    Command::SubmitIdea(divergence::SubmitIdea {
        text: text.into(),
        category: Some(category),
        seat: Some(seat),
    })
}

#[test]
fn each_seat_takes_a_role_and_its_ideas_carry_it() {
    let mut room = regards_room();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    // Usager and élu at table 1's seats 1 and 3; the facilitator gives
    // table 2's seat 1 the agent card.
    room.table(a, choose(None, 1, Some(0)));
    room.table(a, choose(None, 3, Some(3)));
    room.facilitator(choose(Some(b), 1, Some(1)));
    assert_eq!(room.workshop.seat_role(a, 1), Some(0));
    assert_eq!(room.workshop.seat_role(a, 2), None);
    assert_eq!(room.workshop.seat_role(a, 3), Some(3));
    room.go_and_open(0);
    room.table(a, by_seat("Être écouté", 0, 1));
    room.table(a, by_seat("Des résultats à montrer", 0, 3));
    room.table(b, by_seat("Du temps pour écouter", 1, 1));
    room.table(a, by_seat("Sans carte", 1, 2));
    let roles: Vec<Option<&str>> = room
        .workshop
        .all_ideas()
        .iter()
        .map(|i| room.workshop.role_name(i.role))
        .collect();
    assert_eq!(roles, [Some("usager"), Some("élu"), Some("agent"), None]);
    // A role changed later does not rewrite what was written.
    room.table(a, choose(None, 1, Some(2)));
    assert_eq!(room.workshop.all_ideas()[0].role, Some(0));
    // The consolidated table: categories down, roles across (then none).
    let table = room.workshop.consolidated();
    let names: Vec<&str> = table.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Bénéfices", "Besoins"]);
    let cell = |row: usize, column: usize| -> Vec<&str> {
        table.rows[row].cells[column]
            .iter()
            .map(|(_, t)| t.as_str())
            .collect()
    };
    assert_eq!(cell(0, 0), ["Être écouté"]);
    assert_eq!(cell(0, 3), ["Des résultats à montrer"]);
    assert_eq!(cell(1, 1), ["Du temps pour écouter"]);
    assert_eq!(cell(1, 4), ["Sans carte"], "no role: the last column");
}

#[test]
fn roles_are_refused_where_they_do_not_exist() {
    let mut room = regards_room();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    let refused = room.refused(Role::Table(a), choose(None, 1, Some(4)), "unknown_role");
    assert_eq!(
        refused.message(Lang::Fr),
        "Cet atelier n’a pas de rôle 5 : il en a 4."
    );
    room.refused(Role::Table(a), choose(None, 4, Some(0)), "unknown_seat");
    room.refused(
        Role::Table(a),
        choose(Some(b), 1, Some(0)),
        "not_your_table",
    );
    room.refused(Role::Wall, choose(None, 1, Some(0)), "not_allowed_for_role");
    room.go_and_open(0);
    room.refused(Role::Table(a), by_seat("x", 0, 9), "unknown_seat");
    let mut plain = Room::ideation();
    let t = plain.join("Table 1");
    let refused = plain.refused(Role::Table(t), choose(None, 1, Some(0)), "unknown_role");
    assert_eq!(refused.message(Lang::En), "This workshop gives no roles.");
    // The setup's roles are checked.
    let mut setup = Template::BenefitsNeedsActions.setup("T", "Q ?", vec![], vec![]);
    setup.roles[2] = String::new();
    let error = WorkshopConfig::new(setup).unwrap_err();
    assert_eq!(
        error.message(Lang::Fr),
        "Rôles : le rôle 3 a un nom de 1 à 40 caractères, sans espace au début ni à la fin."
    );
}

#[test]
fn every_snapshot_keeps_the_seats_roles() {
    let mut room = regards_room();
    let a = room.join("Table 1");
    room.table(a, choose(None, 2, Some(1)));
    room.go_and_open(0);
    room.table(a, by_seat("Être fier", 0, 2));
    for role in [Role::Facilitator, Role::Table(a), Role::Wall] {
        let view = room.workshop.view_for(role);
        let json = serde_json::to_string(&view).unwrap();
        let back = Workshop::from_view(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(back.seat_role(a, 2), Some(1), "{role:?}");
        assert_eq!(back.all_ideas()[0].role, Some(1), "{role:?}");
        assert_eq!(
            back.consolidated(),
            room.workshop.consolidated(),
            "{role:?}"
        );
    }
}

// ---- random commands against a plain model of categories and roles ----

mod model {
    use std::collections::BTreeMap;

    use super::*;
    use proptest::prelude::*;
    use ruche_shared::TableId;

    /// What a model keeps: each seat's role, and per (category, role
    /// column) how many live ideas.
    #[derive(Default)]
    struct Model {
        roles: BTreeMap<(u32, u8), u8>,
        cells: BTreeMap<(Option<u8>, usize), usize>,
    }

    fn role() -> impl Strategy<Value = Role> {
        prop_oneof![
            4 => (0..2_u32).prop_map(|t| Role::Table(TableId(t))),
            1 => Just(Role::Facilitator),
        ]
    }

    fn command() -> impl Strategy<Value = Command> {
        prop_oneof![
            3 => (prop::option::of(0..3_u8), prop::option::of(0..5_u8)).prop_map(|(category, seat)| {
                Command::SubmitIdea(divergence::SubmitIdea { text: "une idée".into(), category, seat })
            }),
            2 => (prop::option::of(0..3_u32), 0..5_u8, prop::option::of(0..6_u8)).prop_map(|(table, seat, role)| {
                choose(table.map(TableId), seat, role)
            }),
        ]
    }

    fn expected(m: &mut Model, role: Role, command: &Command) -> bool {
        match (command, role) {
            (Command::SubmitIdea(s), Role::Table(t)) => {
                let category_ok = s.category.is_some_and(|c| c < 2);
                let seat_ok = s.seat.is_none_or(|seat| (1..=3).contains(&seat));
                let ok = category_ok && seat_ok;
                if ok {
                    let held = s.seat.and_then(|seat| m.roles.get(&(t.0, seat)).copied());
                    let column = held.map_or(4, usize::from);
                    *m.cells.entry((s.category, column)).or_default() += 1;
                }
                ok
            }
            (Command::SubmitIdea(s), Role::Facilitator) => {
                // The facilitator sits at no table: a seat it names is
                // no one's, and its ideas have no role.
                let ok = s.category.is_none_or(|c| c < 2);
                if ok {
                    *m.cells.entry((s.category, 4)).or_default() += 1;
                }
                ok
            }
            (Command::ChooseRole(c), who) => {
                let table = match (who, c.table) {
                    (Role::Table(me), None) => Some(me),
                    (Role::Table(me), Some(t)) if t == me => Some(me),
                    (Role::Facilitator, Some(t)) if t.0 < 2 => Some(t),
                    _ => None,
                };
                let ok =
                    table.is_some() && (1..=3).contains(&c.seat) && c.role.is_none_or(|r| r < 4);
                if let (true, Some(t)) = (ok, table) {
                    match c.role {
                        Some(r) => m.roles.insert((t.0, c.seat), r),
                        None => m.roles.remove(&(t.0, c.seat)),
                    };
                }
                ok
            }
            _ => false,
        }
    }

    fn run(commands: Vec<(Role, Command)>) -> Result<(), TestCaseError> {
        let mut room = regards_room();
        room.join("Table 1");
        room.join("Table 2");
        room.go_and_open(0);
        let start = room.workshop.clone();
        let mut log = Vec::new();
        let mut model = Model::default();
        for (role, command) in commands {
            let before = room.workshop.clone();
            let decision = room.send(role, command.clone());
            let want = expected(&mut model, role, &command);
            match decision {
                Ok(events) => {
                    prop_assert!(want, "{role:?} {command:?} accepted, the model refuses");
                    log.extend(events);
                }
                Err(violation) => {
                    prop_assert!(!want, "{role:?} {command:?} refused: {violation}");
                    prop_assert_eq!(&room.workshop, &before);
                }
            }
            // The consolidated table holds what the model holds.
            let table = room.workshop.consolidated();
            let mut counted: BTreeMap<(Option<u8>, usize), usize> = BTreeMap::new();
            for row in &table.rows {
                let category = row.category.filter(|_| row.step == Some(0));
                for (column, cell) in row.cells.iter().enumerate() {
                    if !cell.is_empty() {
                        counted.insert((category, column), cell.len());
                    }
                }
            }
            prop_assert_eq!(&counted, &model.cells);
        }
        let mut replayed = start;
        for event in &log {
            replayed
                .apply(event)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(replayed, room.workshop);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn random_roles_and_ideas_fill_the_consolidated_table_as_the_model_says(
            commands in prop::collection::vec((role(), command()), 1..60),
        ) {
            run(commands)?;
        }
    }
}
