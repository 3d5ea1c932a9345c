//! The user journey map: notes on their stage and row, one stage opened
//! alone or all of them, a rating per table and stage with its median, the
//! opportunities (and only they) going on to be grouped and voted on, every
//! refusal leaving the workshop as it was, the map kept in every audience's
//! snapshot; then random commands against a plain model of the map.

mod common;

use std::collections::BTreeMap;

use common::Room;
use proptest::prelude::*;
use ruche_shared::methods::journey::{self, Row};
use ruche_shared::methods::{divergence, grouping};
use ruche_shared::{
    Command, Event, IdeaId, ItemRef, Lang, Role, TableId, Template, Workshop, WorkshopConfig, flow,
    source,
};

fn journey_room() -> Room {
    Room::new(Template::UserJourney.setup(
        source::PARCOURS_TITLE,
        source::PARCOURS_QUESTION,
        vec![],
        vec![],
    ))
}

fn note(stage: u8, row: Row, text: &str) -> Command {
    Command::AddNote(journey::AddNote {
        stage,
        row,
        text: text.into(),
    })
}

fn rate(stage: u8, rating: Option<u8>) -> Command {
    Command::RateStage(journey::RateStage { stage, rating })
}

fn open_stage(stage: Option<u8>) -> Command {
    Command::OpenStage(journey::OpenStage { stage })
}

fn add(room: &mut Room, table: TableId, stage: u8, row: Row, text: &str) -> IdeaId {
    match room.table(table, note(stage, row, text)).as_slice() {
        [Event::NoteAdded(journey::NoteAdded { idea, .. })] => *idea,
        other => panic!("add_note: {other:?}"),
    }
}

fn texts(map: &[journey::StageMap], stage: usize, row: Row) -> Vec<&str> {
    let index = Row::ALL.iter().position(|r| *r == row).unwrap();
    map[stage].rows[index]
        .iter()
        .map(|(_, text)| text.as_str())
        .collect()
}

#[test]
fn the_map_holds_each_note_on_its_stage_and_row_and_each_stages_ratings() {
    let mut room = journey_room();
    let (a, b, c) = (
        room.join("Table 1"),
        room.join("Table 2"),
        room.join("Table 3"),
    );
    room.go_and_open(0);
    add(&mut room, a, 0, Row::Action, "Se préinscrire sur le site");
    add(
        &mut room,
        b,
        1,
        Row::Feeling,
        "Perdue : pas de plan du site",
    );
    add(
        &mut room,
        a,
        1,
        Row::Opportunity,
        "Un plan envoyé avec le badge",
    );
    add(&mut room, c, 1, Row::Action, "Chercher l'accueil");
    for (table, rating) in [(a, 2), (b, 1), (c, 4)] {
        room.table(table, rate(1, Some(rating)));
    }
    room.table(a, rate(0, Some(5)));
    // A table changes its mind: its rating is replaced, not added.
    room.table(c, rate(1, Some(3)));
    let map = room.workshop.journey_map(0);
    assert_eq!(map.len(), 5);
    assert_eq!(map[1].name, "L'arrivée et l'accueil");
    assert_eq!(texts(&map, 0, Row::Action), ["Se préinscrire sur le site"]);
    assert_eq!(texts(&map, 1, Row::Action), ["Chercher l'accueil"]);
    assert_eq!(
        texts(&map, 1, Row::Feeling),
        ["Perdue : pas de plan du site"]
    );
    assert_eq!(
        texts(&map, 1, Row::Opportunity),
        ["Un plan envoyé avec le badge"]
    );
    // Stage 2: 1, 2 and 3 → median 2; stage 1: one 5.
    assert_eq!(map[1].ratings.counts, [1, 1, 1, 0, 0]);
    assert_eq!(map[1].ratings.median, Some(2.0));
    assert_eq!(map[0].ratings.median, Some(5.0));
    assert_eq!(map[2].ratings.scorers, 0);
    assert_eq!(map[2].ratings.median, None);
    // Taken back: gone from the counts.
    room.table(b, rate(1, None));
    assert_eq!(
        room.workshop.journey_map(0)[1].ratings.counts,
        [0, 1, 1, 0, 0]
    );
}

#[test]
fn only_the_opportunities_go_on_to_be_grouped_and_voted_on() {
    let mut room = journey_room();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    room.go_and_open(0);
    let action = add(&mut room, a, 0, Row::Action, "S'inscrire");
    let feeling = add(&mut room, b, 0, Row::Feeling, "Agacée");
    let first = add(
        &mut room,
        a,
        0,
        Row::Opportunity,
        "Une inscription en une page",
    );
    let second = add(
        &mut room,
        b,
        2,
        Row::Opportunity,
        "Un formulaire plus court",
    );
    let items: Vec<ItemRef> = room.workshop.vote_items().collect();
    assert_eq!(items, [ItemRef::Idea(first), ItemRef::Idea(second)]);
    assert!(!room.workshop.is_vote_item(ItemRef::Idea(action)));
    room.facilitator(Command::GoToStep(flow::GoToStep { step: 1 }));
    // An action is the map's, not an item to merge.
    let merge =
        |items: Vec<ItemRef>| Command::MergeItems(grouping::MergeItems { items, title: None });
    let refused = merge(vec![ItemRef::Idea(action), ItemRef::Idea(feeling)]);
    room.refused(Role::Facilitator, refused, "unknown_item");
    room.facilitator(merge(vec![ItemRef::Idea(first), ItemRef::Idea(second)]));
    assert_eq!(room.workshop.vote_items().count(), 1);
    // The map keeps every note, grouped or not.
    let map = room.workshop.journey_map(0);
    assert_eq!(
        texts(&map, 2, Row::Opportunity),
        ["Un formulaire plus court"]
    );
}

#[test]
fn a_stage_opened_alone_is_the_only_one_tables_write_on_and_rate() {
    let mut room = journey_room();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    room.go_and_open(0);
    room.refused(Role::Table(a), open_stage(Some(1)), "not_allowed_for_role");
    room.facilitator(open_stage(Some(1)));
    let refused = room.refused(Role::Table(a), note(0, Row::Action, "x"), "stage_not_open");
    assert_eq!(
        refused.message(Lang::Fr),
        "L’animateur a ouvert l’étape 2 du parcours : écrivez-y."
    );
    room.refused(Role::Table(b), rate(3, Some(4)), "stage_not_open");
    add(&mut room, a, 1, Row::Action, "Chercher l'accueil");
    room.table(b, rate(1, Some(4)));
    // The facilitator may still type a note on any stage.
    room.facilitator(note(4, Row::Opportunity, "Un retour par mail"));
    // Every stage again.
    room.facilitator(open_stage(None));
    room.table(a, rate(3, Some(2)));
    let refused = room.refused(Role::Facilitator, open_stage(Some(5)), "unknown_stage");
    assert_eq!(
        refused.message(Lang::Fr),
        "Ce parcours n’a pas d’étape 6 : il en a 5."
    );
    room.refused(Role::Table(a), note(7, Row::Action, "x"), "unknown_stage");
}

#[test]
fn refusals_name_the_rule_and_change_nothing() {
    let mut room = journey_room();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    // Closed until the facilitator opens it.
    room.refused(Role::Table(a), note(0, Row::Action, "x"), "step_closed");
    room.go_and_open(0);
    for rating in [0, 6] {
        let refused = room.refused(Role::Table(a), rate(0, Some(rating)), "score_out_of_range");
        assert_eq!(refused.message(Lang::Fr), "La note doit être entre 1 et 5.");
    }
    room.refused(
        Role::Wall,
        note(0, Row::Action, "x"),
        "not_allowed_for_role",
    );
    room.refused(Role::Facilitator, rate(0, Some(3)), "not_allowed_for_role");
    room.refused(Role::Table(a), note(0, Row::Action, "   "), "empty_text");
    // A table rewrites and withdraws its own notes, not another's.
    let mine = add(&mut room, a, 0, Row::Feeling, "Contente");
    let edit = |idea, text: &str| {
        Command::EditIdea(divergence::EditIdea {
            idea,
            text: text.into(),
        })
    };
    room.table(a, edit(mine, "Plutôt contente"));
    room.refused(Role::Table(b), edit(mine, "Fâchée"), "not_your_idea");
    room.table(
        a,
        Command::DeleteIdea(divergence::DeleteIdea { idea: mine }),
    );
    assert!(room.workshop.journey_map(0)[0].rows[1].is_empty());
    // Outside the journey, no note and no rating.
    room.go_and_open(1);
    room.refused(Role::Table(a), note(0, Row::Action, "x"), "wrong_step");
    room.refused(Role::Table(a), rate(0, Some(3)), "wrong_step");
    room.refused(Role::Facilitator, open_stage(None), "wrong_step");
    // A divergence's idea is no journey note: ideas are submitted there.
    let mut ideation = Room::ideation();
    let t = ideation.join("Table 1");
    ideation.go_and_open(0);
    ideation.refused(Role::Table(t), note(0, Row::Action, "x"), "wrong_step");
}

#[test]
fn the_facilitator_hides_a_note_from_the_map_and_its_text_from_the_room() {
    let mut room = journey_room();
    let a = room.join("Table 1");
    room.go_and_open(0);
    let insult = add(&mut room, a, 1, Row::Feeling, "des mots à ne pas projeter");
    let hide = |hidden| {
        Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: insult,
            hidden,
        })
    };
    room.facilitator(hide(true));
    assert!(room.workshop.journey_map(0)[1].rows[1].is_empty());
    for role in [Role::Wall, Role::Table(a), Role::Guest] {
        let view = room.workshop.view_for(role);
        assert_eq!(view.ideas[insult.0 as usize].text, "", "{role:?}");
    }
    room.facilitator(hide(false));
    assert_eq!(
        texts(&room.workshop.journey_map(0), 1, Row::Feeling),
        ["des mots à ne pas projeter"]
    );
}

#[test]
fn a_setup_names_the_stage_at_fault() {
    let mut setup = Template::UserJourney.setup("T", "Q ?", vec![], vec![]);
    if let ruche_shared::StepConfig::Journey(config) = &mut setup.steps[0] {
        config.stages[1].name = String::new();
    }
    let error = WorkshopConfig::new(setup.clone()).unwrap_err();
    assert_eq!(
        error.message(Lang::Fr),
        "Étape 1 (Parcours usager) : l’étape 2 du parcours a un nom de 1 à 60 caractères, sans espace au début ni à la fin."
    );
    if let ruche_shared::StepConfig::Journey(config) = &mut setup.steps[0] {
        config.stages = (0..9)
            .map(|n| journey::Stage::new(&format!("É{n}")))
            .collect();
    }
    let error = WorkshopConfig::new(setup).unwrap_err();
    assert_eq!(
        error.message(Lang::En),
        "Step 1 (User journey): a journey has 1 to 8 stages."
    );
}

#[test]
fn every_snapshot_keeps_the_map_the_open_stage_and_the_ratings() {
    let mut room = journey_room();
    let (a, b) = (room.join("Table 1"), room.join("Table 2"));
    room.go_and_open(0);
    add(&mut room, a, 0, Row::Action, "S'inscrire");
    add(&mut room, b, 3, Row::Opportunity, "Un off mieux signalé");
    room.table(a, rate(3, Some(2)));
    room.facilitator(open_stage(Some(3)));
    for role in [Role::Facilitator, Role::Table(a), Role::Wall, Role::Guest] {
        let view = room.workshop.view_for(role);
        let json = serde_json::to_string(&view).unwrap();
        let back = Workshop::from_view(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(
            back.journey_map(0),
            room.workshop.journey_map(0),
            "{role:?}"
        );
        assert_eq!(
            back.journey_record(0),
            room.workshop.journey_record(0),
            "{role:?}"
        );
    }
}

// ---- random commands against a plain model of the map ----

/// What the map should hold, rebuilt from accepted commands alone.
#[derive(Default)]
struct Model {
    /// Live notes: (stage, row) → how many.
    notes: BTreeMap<(u8, Row), usize>,
    /// Each note's (table, stage, row, deleted, hidden).
    ideas: Vec<(Option<TableId>, u8, Row, bool, bool)>,
    ratings: BTreeMap<(TableId, u8), u8>,
    open: Option<u8>,
    step_open: bool,
    step: usize,
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        4 => (0..3_u32).prop_map(|t| Role::Table(TableId(t))),
        1 => Just(Role::Facilitator),
        1 => Just(Role::Wall),
    ]
}

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        Just(Row::Action),
        Just(Row::Feeling),
        Just(Row::Opportunity)
    ]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        6 => (0..6_u8, row(), prop_oneof![Just("note"), Just(" "), Just("une note")])
            .prop_map(|(stage, row, text)| note(stage, row, text)),
        5 => (0..6_u8, prop::option::of(0..7_u8)).prop_map(|(s, r)| rate(s, r)),
        2 => prop::option::of(0..6_u8).prop_map(open_stage),
        2 => (0..12_u32).prop_map(|i| Command::DeleteIdea(divergence::DeleteIdea { idea: IdeaId(i) })),
        1 => (0..12_u32).prop_map(|i| Command::EditIdea(divergence::EditIdea { idea: IdeaId(i), text: "réécrite".into() })),
        2 => (0..12_u32, prop::bool::ANY).prop_map(|(i, hidden)| Command::SetIdeaHidden(grouping::SetIdeaHidden { idea: IdeaId(i), hidden })),
        1 => (0..2_usize).prop_map(|step| Command::GoToStep(flow::GoToStep { step })),
        1 => Just(Command::OpenStep(flow::OpenStep { duration_secs: None })),
        1 => Just(Command::CloseStep(flow::CloseStep {})),
    ]
}

/// Whether the model accepts `command` from `role`, and what it records.
fn model_step(m: &mut Model, role: Role, command: &Command) -> bool {
    let journey_now = m.step == 0;
    let stage_ok = |m: &Model, stage: u8| stage < 5 && m.open.is_none_or(|o| o == stage);
    match (command, role) {
        (Command::AddNote(n), Role::Table(t)) => {
            let ok =
                journey_now && m.step_open && stage_ok(m, n.stage) && !n.text.trim().is_empty();
            if ok {
                *m.notes.entry((n.stage, n.row)).or_default() += 1;
                m.ideas.push((Some(t), n.stage, n.row, false, false));
            }
            ok
        }
        (Command::AddNote(n), Role::Facilitator) => {
            let ok = journey_now && n.stage < 5 && !n.text.trim().is_empty();
            if ok {
                *m.notes.entry((n.stage, n.row)).or_default() += 1;
                m.ideas.push((None, n.stage, n.row, false, false));
            }
            ok
        }
        (Command::RateStage(r), Role::Table(t)) => {
            let ok = journey_now
                && m.step_open
                && stage_ok(m, r.stage)
                && r.rating.is_none_or(|x| (1..=5).contains(&x));
            if ok {
                match r.rating {
                    Some(x) => m.ratings.insert((t, r.stage), x),
                    None => m.ratings.remove(&(t, r.stage)),
                };
            }
            ok
        }
        (Command::OpenStage(o), Role::Facilitator) => {
            let ok = journey_now && o.stage.is_none_or(|s| s < 5);
            if ok {
                m.open = o.stage;
            }
            ok
        }
        (Command::DeleteIdea(d), Role::Table(t)) => {
            let found = m.ideas.get(d.idea.0 as usize).copied();
            let ok = journey_now
                && m.step_open
                && found.is_some_and(|(author, _, _, deleted, _)| author == Some(t) && !deleted);
            if let (true, Some((_, stage, row, _, hidden))) = (ok, found) {
                m.ideas[d.idea.0 as usize].3 = true;
                if !hidden {
                    *m.notes.get_mut(&(stage, row)).unwrap() -= 1;
                }
            }
            ok
        }
        (Command::EditIdea(e), Role::Table(t)) => {
            let found = m.ideas.get(e.idea.0 as usize).copied();
            journey_now
                && m.step_open
                && found.is_some_and(|(author, _, _, deleted, _)| author == Some(t) && !deleted)
        }
        (Command::EditIdea(e), Role::Facilitator) => {
            m.ideas.get(e.idea.0 as usize).is_some_and(|i| !i.3)
        }
        // The facilitator hides a note (an insult) during the journey or
        // the grouping after it, or shows it again.
        (Command::SetIdeaHidden(h), Role::Facilitator) => {
            let found = m.ideas.get(h.idea.0 as usize).copied();
            let ok = m.step <= 1 && found.is_some_and(|i| !i.3);
            if let (true, Some((_, stage, row, _, was_hidden))) = (ok, found) {
                m.ideas[h.idea.0 as usize].4 = h.hidden;
                let count = m.notes.entry((stage, row)).or_default();
                match (was_hidden, h.hidden) {
                    (false, true) => *count -= 1,
                    (true, false) => *count += 1,
                    _ => {}
                }
            }
            ok
        }
        (Command::GoToStep(g), Role::Facilitator) => {
            m.step = g.step;
            m.step_open = false;
            true
        }
        (Command::OpenStep(_), Role::Facilitator) => {
            m.step_open = true;
            true
        }
        (Command::CloseStep(_), Role::Facilitator) => {
            m.step_open = false;
            true
        }
        _ => false,
    }
}

fn run(commands: Vec<(Role, Command)>) -> Result<(), TestCaseError> {
    let mut room = journey_room();
    for name in ["Table 1", "Table 2", "Table 3"] {
        room.join(name);
    }
    let mut log: Vec<Event> = Vec::new();
    let start = room.workshop.clone();
    let mut model = Model::default();
    for (role, command) in commands {
        let before = room.workshop.clone();
        let decision = room.send(role, command.clone());
        let expected = model_step(&mut model, role, &command);
        match decision {
            Ok(events) => {
                prop_assert!(expected, "{role:?} {command:?} accepted, the model refuses");
                log.extend(events);
            }
            Err(violation) => {
                prop_assert!(!expected, "{role:?} {command:?} refused: {violation}");
                prop_assert_eq!(&room.workshop, &before, "a refusal changed the workshop");
            }
        }
        // The map holds what the model holds.
        let map = room.workshop.journey_map(0);
        for stage in &map {
            for (index, row) in Row::ALL.iter().enumerate() {
                let want = model.notes.get(&(stage.stage, *row)).copied().unwrap_or(0);
                prop_assert_eq!(stage.rows[index].len(), want);
            }
            let mut counts = [0_u32; 5];
            for ((_, s), r) in &model.ratings {
                if *s == stage.stage {
                    counts[usize::from(*r - 1)] += 1;
                }
            }
            prop_assert_eq!(&stage.ratings.counts[..], &counts[..]);
        }
        // Only the opportunities are items to vote on.
        let opportunities = model
            .ideas
            .iter()
            .filter(|i| !i.3 && !i.4 && i.2 == Row::Opportunity)
            .count();
        prop_assert_eq!(room.workshop.vote_items().count(), opportunities);
    }
    // Replaying the events gives the same workshop.
    let mut replayed = start;
    for event in &log {
        replayed
            .apply(event)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    prop_assert_eq!(replayed, room.workshop);
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_keep_the_map_as_the_model_says(
        commands in prop::collection::vec((role(), command()), 1..80),
    ) {
        // The step opens first in most runs, so notes are accepted.
        let opening = [(Role::Facilitator, Command::OpenStep(flow::OpenStep { duration_secs: None }))];
        run(opening.into_iter().chain(commands).collect())?;
    }
}
