//! One test per rule of the engine and per violation code. Every refusal is
//! also checked to leave the workshop exactly as it was (`Room::refused`).

mod common;

use common::{Room, idea};
use ruche_shared::config::{JoinPolicy, StepConfig};
use ruche_shared::methods::{OwnGroups, budget_vote, divergence, grouping, scoring};
use ruche_shared::{
    ClusterId, Command, Event, IdeaId, ItemRef, Lang, Role, RuleViolation, StepKind, TableId,
    Template, Workshop, source_criteria,
};
use ruche_shared::{flow, joining};

// ---- roles ----

#[test]
fn each_role_may_send_only_its_own_commands() {
    let mut room = Room::ideation();
    let t = room.join("Table 1");
    room.refused(
        Role::Wall,
        Command::CloseStep(flow::CloseStep {}),
        "not_allowed_for_role",
    );
    room.refused(
        Role::Wall,
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "x".into(),
            category: None,
            seat: None,
        }),
        "not_allowed_for_role",
    );
    room.refused(
        Role::Table(t),
        Command::GoToStep(flow::GoToStep { step: 1 }),
        "not_allowed_for_role",
    );
    room.refused(
        Role::Table(t),
        Command::JoinTable(joining::JoinTable { name: "B".into() }),
        "not_allowed_for_role",
    );
    room.refused(
        Role::Guest,
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "x".into(),
            category: None,
            seat: None,
        }),
        "not_allowed_for_role",
    );
    room.refused(
        Role::Facilitator,
        Command::SetVote(budget_vote::SetVote {
            item: idea(IdeaId(0)),
            points: 1,
        }),
        "not_allowed_for_role",
    );
    let violation = room.refused(
        Role::Table(t),
        Command::MergeItems(grouping::MergeItems {
            items: vec![],
            title: None,
        }),
        "not_allowed_for_role",
    );
    assert_eq!(
        violation,
        RuleViolation::NotAllowedForRole {
            role: Role::Table(t)
        }
    );
}

#[test]
fn a_table_that_never_joined_is_unknown() {
    let mut room = Room::ideation();
    room.go_and_open(0);
    room.refused(
        Role::Table(TableId(7)),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "x".into(),
            category: None,
            seat: None,
        }),
        "unknown_table",
    );
}

// ---- joining ----

#[test]
fn tables_join_with_unique_names_in_order() {
    let mut room = Room::ideation();
    assert_eq!(room.join("  Table 1 "), TableId(0));
    assert_eq!(room.join("Table 2"), TableId(1));
    assert_eq!(
        room.workshop.tables()[0].name,
        "Table 1",
        "names are trimmed"
    );
    room.refused(
        Role::Guest,
        Command::JoinTable(joining::JoinTable {
            name: "table 1".into(),
        }),
        "name_taken",
    );
    room.refused(
        Role::Guest,
        Command::JoinTable(joining::JoinTable { name: "   ".into() }),
        "empty_text",
    );
    room.refused(
        Role::Guest,
        Command::JoinTable(joining::JoinTable {
            name: "x".repeat(61),
        }),
        "text_too_long",
    );
}

#[test]
fn a_locked_or_full_workshop_refuses_new_tables() {
    let mut room = Room::ideation();
    room.facilitator(Command::SetJoiningLocked(joining::SetJoiningLocked {
        locked: true,
    }));
    room.refused(
        Role::Guest,
        Command::JoinTable(joining::JoinTable { name: "T".into() }),
        "joining_locked",
    );
    room.facilitator(Command::SetJoiningLocked(joining::SetJoiningLocked {
        locked: false,
    }));
    room.join("T");

    let mut setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
    setup.join = JoinPolicy {
        locked: false,
        max_tables: 1,
    };
    let mut full = Room::new(setup);
    full.join("A");
    full.refused(
        Role::Guest,
        Command::JoinTable(joining::JoinTable { name: "B".into() }),
        "joining_locked",
    );
}

// ---- divergence ----

#[test]
fn tables_submit_ideas_only_while_divergence_is_open() {
    let mut room = Room::ideation();
    let t = room.join("T");
    let violation = room.refused(
        Role::Table(t),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "x".into(),
            category: None,
            seat: None,
        }),
        "step_closed",
    );
    assert_eq!(
        violation,
        RuleViolation::StepClosed {
            current: StepKind::Divergence
        }
    );
    room.go_and_open(0);
    let id = room.idea(t, "  Ouvrir la salle le dimanche  ");
    let stored = room.workshop.idea(id).unwrap();
    assert_eq!(
        (stored.text.as_str(), stored.author),
        ("Ouvrir la salle le dimanche", Some(t))
    );
    room.go_and_open(2);
    let violation = room.refused(
        Role::Table(t),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "x".into(),
            category: None,
            seat: None,
        }),
        "wrong_step",
    );
    assert_eq!(
        violation,
        RuleViolation::WrongStep {
            expected: vec![StepKind::Divergence],
            current: StepKind::BudgetVote
        }
    );
}

#[test]
fn idea_text_must_be_non_empty_and_within_the_limit() {
    let mut room = Room::ideation();
    let t = room.join("T");
    room.go_and_open(0);
    room.refused(
        Role::Table(t),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: " \n ".into(),
            category: None,
            seat: None,
        }),
        "empty_text",
    );
    let violation = room.refused(
        Role::Table(t),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "é".repeat(281),
            category: None,
            seat: None,
        }),
        "text_too_long",
    );
    assert_eq!(violation, RuleViolation::TextTooLong { max: 280, len: 281 });
    room.idea(t, &"é".repeat(280)); // characters, not bytes
}

#[test]
fn invisible_and_control_characters_are_refused_in_names_and_ideas() {
    let mut room = Room::ideation();
    for (name, character) in [
        ("Table\u{0}", "U+0000"),
        ("\u{1b}[31mRouge", "U+001B"),
        ("Ma\u{200B}irie", "U+200B"),
        ("\u{202E}eiriaM", "U+202E"),
        ("Deux\nlignes", "U+000A"),
    ] {
        let violation = room.refused(
            Role::Guest,
            Command::JoinTable(joining::JoinTable { name: name.into() }),
            "invisible_character",
        );
        assert_eq!(
            violation,
            RuleViolation::InvisibleCharacter {
                character: character.into()
            }
        );
    }
    let t = room.join("  Mairie  ");
    assert_eq!(room.workshop.table(t).unwrap().name, "Mairie", "trimmed");
    room.go_and_open(0);
    room.refused(
        Role::Table(t),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "Plus de bancs\u{2066}".into(),
            category: None,
            seat: None,
        }),
        "invisible_character",
    );
    // An idea may hold line breaks, Windows' included.
    let id = room.idea(t, "Des bancs\r\net de l’ombre");
    assert_eq!(
        room.workshop.idea(id).unwrap().text,
        "Des bancs\net de l’ombre"
    );
}

#[test]
fn a_table_and_a_workshop_hold_a_bounded_number_of_ideas() {
    let mut room = Room::ideation();
    let t = room.join("T");
    let u = room.join("U");
    room.go_and_open(0);
    for n in 0..divergence::MAX_IDEAS_PER_TABLE {
        room.idea(t, &format!("Idée {n}"));
    }
    let violation = room.refused(
        Role::Table(t),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "Encore".into(),
            category: None,
            seat: None,
        }),
        "table_idea_limit",
    );
    assert_eq!(
        violation.message(Lang::Fr),
        "Votre table a déjà écrit 100 idées, le maximum par table."
    );
    room.idea(u, "Une autre table écrit encore");
    for n in divergence::MAX_IDEAS_PER_TABLE + 1..divergence::MAX_IDEAS {
        room.facilitator(Command::SubmitIdea(divergence::SubmitIdea {
            text: format!("Idée {n}"),
            category: None,
            seat: None,
        }));
    }
    room.refused(
        Role::Table(u),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "Encore".into(),
            category: None,
            seat: None,
        }),
        "workshop_idea_limit",
    );
    room.refused(
        Role::Facilitator,
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "Encore".into(),
            category: None,
            seat: None,
        }),
        "workshop_idea_limit",
    );
}

#[test]
fn a_table_edits_and_deletes_only_its_own_ideas() {
    let mut room = Room::ideation();
    let (a, b) = (room.join("A"), room.join("B"));
    room.go_and_open(0);
    let mine = room.idea(a, "Une idée");
    room.table(
        a,
        Command::EditIdea(divergence::EditIdea {
            idea: mine,
            text: "Une meilleure idée".into(),
        }),
    );
    assert_eq!(room.workshop.idea(mine).unwrap().text, "Une meilleure idée");
    room.refused(
        Role::Table(b),
        Command::EditIdea(divergence::EditIdea {
            idea: mine,
            text: "x".into(),
        }),
        "not_your_idea",
    );
    room.refused(
        Role::Table(b),
        Command::DeleteIdea(divergence::DeleteIdea { idea: mine }),
        "not_your_idea",
    );
    room.refused(
        Role::Table(a),
        Command::DeleteIdea(divergence::DeleteIdea { idea: IdeaId(9) }),
        "unknown_item",
    );
    room.table(
        a,
        Command::DeleteIdea(divergence::DeleteIdea { idea: mine }),
    );
    assert!(room.workshop.idea(mine).is_none());
    assert_eq!(room.workshop.vote_items().count(), 0);
    room.refused(
        Role::Table(a),
        Command::EditIdea(divergence::EditIdea {
            idea: mine,
            text: "x".into(),
        }),
        "unknown_item",
    );
}

#[test]
fn the_facilitator_types_in_and_corrects_ideas() {
    let mut room = Room::ideation();
    let a = room.join("A");
    let typed = room.facilitator(Command::SubmitIdea(divergence::SubmitIdea {
        text: "Idée de l'animateur".into(),
        category: None,
        seat: None,
    }));
    assert!(matches!(
        typed[..],
        [Event::IdeaSubmitted(divergence::IdeaSubmitted {
            author: None,
            ..
        })]
    ));
    room.go_and_open(0);
    let id = room.idea(a, "Ue faute");
    room.facilitator(Command::GoToStep(flow::GoToStep { step: 1 }));
    room.facilitator(Command::EditIdea(divergence::EditIdea {
        idea: id,
        text: "Une faute".into(),
    }));
    assert_eq!(room.workshop.idea(id).unwrap().text, "Une faute");
    room.facilitator(Command::GoToStep(flow::GoToStep { step: 2 }));
    room.refused(
        Role::Facilitator,
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "x".into(),
            category: None,
            seat: None,
        }),
        "wrong_step",
    );
}

// ---- grouping ----

/// Divergence done with 4 ideas from tables A, B, C, C; now at grouping.
fn room_at_grouping() -> (Room, [TableId; 3], [IdeaId; 4]) {
    let mut room = Room::ideation();
    let tables = [room.join("A"), room.join("B"), room.join("C")];
    room.go_and_open(0);
    let ideas = [
        room.idea(tables[0], "Louer la salle aux associations"),
        room.idea(tables[1], "Prêter la salle aux associations"),
        room.idea(tables[2], "Un café le samedi"),
        room.idea(tables[2], "Hors sujet"),
    ];
    room.go_and_open(1);
    (room, tables, ideas)
}

#[test]
fn merging_makes_a_cluster_that_remembers_its_authors() {
    let (mut room, [a, b, _], [i0, i1, ..]) = room_at_grouping();
    let events = room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![idea(i1), idea(i0)],
        title: None,
    }));
    let cluster = ClusterId(0);
    assert_eq!(
        events,
        vec![Event::ClusterFormed(grouping::ClusterFormed {
            cluster,
            ideas: vec![i0, i1],
            title: "Louer la salle aux associations".into(),
            dissolved: vec![],
        })]
    );
    assert_eq!(
        room.workshop.authors_of(ItemRef::Cluster(cluster)),
        vec![a, b]
    );
    let items: Vec<ItemRef> = room.workshop.vote_items().collect();
    assert_eq!(
        items,
        vec![idea(IdeaId(2)), idea(IdeaId(3)), ItemRef::Cluster(cluster)]
    );
    room.refused(
        Role::Facilitator,
        Command::MergeItems(grouping::MergeItems {
            items: vec![idea(i0), idea(IdeaId(2))],
            title: None,
        }),
        "unknown_item",
    );
}

#[test]
fn merging_a_cluster_into_another_dissolves_it() {
    let (mut room, _, [i0, i1, i2, _]) = room_at_grouping();
    room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![idea(i0), idea(i1)],
        title: Some("Associations".into()),
    }));
    let events = room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![ItemRef::Cluster(ClusterId(0)), idea(i2)],
        title: None,
    }));
    assert!(
        matches!(&events[..], [Event::ClusterFormed(grouping::ClusterFormed { dissolved, ideas, .. })]
        if dissolved == &vec![ClusterId(0)] && ideas == &vec![i0, i1, i2])
    );
    assert!(room.workshop.cluster(ClusterId(0)).is_none());
    assert_eq!(
        room.workshop.cluster(ClusterId(1)).unwrap().ideas,
        vec![i0, i1, i2]
    );
}

#[test]
fn a_merge_needs_two_distinct_items() {
    let (mut room, _, [i0, ..]) = room_at_grouping();
    room.refused(
        Role::Facilitator,
        Command::MergeItems(grouping::MergeItems {
            items: vec![idea(i0)],
            title: None,
        }),
        "too_few_items",
    );
    room.refused(
        Role::Facilitator,
        Command::MergeItems(grouping::MergeItems {
            items: vec![idea(i0), idea(i0)],
            title: None,
        }),
        "too_few_items",
    );
    room.refused(
        Role::Facilitator,
        Command::MergeItems(grouping::MergeItems {
            items: vec![idea(i0), idea(IdeaId(1))],
            title: Some(" ".into()),
        }),
        "empty_text",
    );
}

#[test]
fn clusters_are_renamed_and_split_back() {
    let (mut room, _, [i0, i1, ..]) = room_at_grouping();
    room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![idea(i0), idea(i1)],
        title: None,
    }));
    let c = ClusterId(0);
    room.facilitator(Command::RenameCluster(grouping::RenameCluster {
        cluster: c,
        title: "Associations".into(),
    }));
    assert_eq!(
        room.workshop.item_label(ItemRef::Cluster(c)),
        "Associations"
    );
    room.facilitator(Command::SplitCluster(grouping::SplitCluster { cluster: c }));
    assert!(room.workshop.cluster(c).is_none());
    assert!(room.workshop.is_vote_item(idea(i0)) && room.workshop.is_vote_item(idea(i1)));
    room.refused(
        Role::Facilitator,
        Command::SplitCluster(grouping::SplitCluster { cluster: c }),
        "unknown_item",
    );
    room.refused(
        Role::Facilitator,
        Command::RenameCluster(grouping::RenameCluster {
            cluster: c,
            title: "x".into(),
        }),
        "unknown_item",
    );
}

#[test]
fn grouping_commands_belong_to_grouping_and_votes() {
    let (mut room, _, [i0, i1, ..]) = room_at_grouping();
    room.facilitator(Command::GoToStep(flow::GoToStep { step: 3 }));
    room.refused(
        Role::Facilitator,
        Command::MergeItems(grouping::MergeItems {
            items: vec![idea(i0), idea(i1)],
            title: None,
        }),
        "wrong_step",
    );
    room.refused(
        Role::Facilitator,
        Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: i0,
            hidden: true,
        }),
        "wrong_step",
    );
}

#[test]
fn hidden_ideas_leave_the_vote_and_clustered_ones_cannot_be_hidden() {
    let (mut room, _, [i0, i1, _, off_topic]) = room_at_grouping();
    room.facilitator(Command::SetIdeaHidden(grouping::SetIdeaHidden {
        idea: off_topic,
        hidden: true,
    }));
    assert!(!room.workshop.is_vote_item(idea(off_topic)));
    room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![idea(i0), idea(i1)],
        title: None,
    }));
    room.refused(
        Role::Facilitator,
        Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: i0,
            hidden: true,
        }),
        "idea_in_cluster",
    );
    room.refused(
        Role::Facilitator,
        Command::MergeItems(grouping::MergeItems {
            items: vec![idea(off_topic), idea(IdeaId(2))],
            title: None,
        }),
        "unknown_item",
    );
    room.facilitator(Command::SetIdeaHidden(grouping::SetIdeaHidden {
        idea: off_topic,
        hidden: false,
    }));
    assert!(room.workshop.is_vote_item(idea(off_topic)));
}

#[test]
fn items_with_points_cannot_be_regrouped_or_withdrawn() {
    let (mut room, [a, b, c], [i0, i1, i2, i3]) = room_at_grouping();
    room.go_and_open(2);
    room.vote(a, idea(i2), 2);
    // The facilitator goes back to grouping after votes were cast.
    room.go_and_open(1);
    let v = room.refused(
        Role::Facilitator,
        Command::MergeItems(grouping::MergeItems {
            items: vec![idea(i2), idea(i0)],
            title: None,
        }),
        "item_has_votes",
    );
    assert_eq!(v, RuleViolation::ItemHasVotes { item: idea(i2) });
    room.refused(
        Role::Facilitator,
        Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: i2,
            hidden: true,
        }),
        "item_has_votes",
    );
    room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![idea(i0), idea(i1)],
        title: None,
    }));
    room.go_and_open(2);
    room.vote(c, ItemRef::Cluster(ClusterId(0)), 1);
    room.go_and_open(1);
    room.refused(
        Role::Facilitator,
        Command::SplitCluster(grouping::SplitCluster {
            cluster: ClusterId(0),
        }),
        "item_has_votes",
    );
    room.go_and_open(0);
    room.refused(
        Role::Table(c),
        Command::DeleteIdea(divergence::DeleteIdea { idea: i2 }),
        "item_has_votes",
    );
    room.refused(
        Role::Table(c),
        Command::EditIdea(divergence::EditIdea {
            idea: i2,
            text: "autre".into(),
        }),
        "item_has_votes",
    );
    room.refused(
        Role::Table(a),
        Command::DeleteIdea(divergence::DeleteIdea { idea: i0 }),
        "idea_in_cluster",
    );
    room.table(c, Command::DeleteIdea(divergence::DeleteIdea { idea: i3 }));
    let _ = b;
}

// ---- budget vote ----

/// At the open vote step with 3 tables; A wrote ideas 0–1, B 2–13, C 14.
fn room_at_vote() -> (Room, [TableId; 3]) {
    room_at_vote_with(OwnGroups::default())
}

/// [`room_at_vote`], with groups counting as a table's own by `own_groups`.
fn room_at_vote_with(own_groups: OwnGroups) -> (Room, [TableId; 3]) {
    let mut setup = Template::Ideation.setup("Salle", "Comment optimiser ?", vec![], vec![]);
    setup.steps[2] = StepConfig::BudgetVote(budget_vote::Config {
        own_groups,
        ..budget_vote::Config::default()
    });
    let mut room = Room::new(setup);
    let tables = [room.join("A"), room.join("B"), room.join("C")];
    room.go_and_open(0);
    room.idea(tables[0], "A0");
    room.idea(tables[0], "A1");
    for n in 0..12 {
        room.idea(tables[1], &format!("B{n}"));
    }
    room.idea(tables[2], "C0");
    room.go_and_open(2);
    (room, tables)
}

#[test]
fn a_vote_is_a_set_not_an_increment() {
    let (mut room, [a, ..]) = room_at_vote();
    let item = idea(IdeaId(5));
    room.vote(a, item, 2);
    room.vote(a, item, 2); // a retry
    room.vote(a, item, 3);
    let ledger = room.workshop.vote_ledger(2).unwrap();
    assert_eq!((ledger.points(a, item), ledger.spent(a)), (3, 3));
    room.vote(a, item, 0);
    assert_eq!(room.workshop.vote_ledger(2).unwrap().spent(a), 0);
}

#[test]
fn at_most_the_cap_per_item() {
    let (mut room, [a, ..]) = room_at_vote();
    let v = room.refused(
        Role::Table(a),
        Command::SetVote(budget_vote::SetVote {
            item: idea(IdeaId(5)),
            points: 4,
        }),
        "item_cap_exceeded",
    );
    assert_eq!(
        v,
        RuleViolation::ItemCapExceeded {
            cap: 3,
            requested: 4
        }
    );
}

#[test]
fn no_points_for_your_own_idea_unless_allowed() {
    let (mut room, [a, ..]) = room_at_vote();
    let v = room.refused(
        Role::Table(a),
        Command::SetVote(budget_vote::SetVote {
            item: idea(IdeaId(1)),
            points: 1,
        }),
        "own_idea",
    );
    assert_eq!(
        v,
        RuleViolation::OwnIdea {
            item: idea(IdeaId(1))
        }
    );
    room.vote(a, idea(IdeaId(1)), 0); // taking nothing back is harmless

    let mut setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
    setup.steps[2] = StepConfig::BudgetVote(budget_vote::Config {
        budget: 30,
        cap_per_item: 3,
        allow_self_vote: true,
        own_groups: Default::default(),
    });
    let mut open = Room::new(setup);
    let t = open.join("T");
    open.go_and_open(0);
    let own = open.idea(t, "Mienne");
    open.go_and_open(2);
    open.vote(t, idea(own), 3);
}

#[test]
fn a_group_is_a_tables_own_when_all_its_ideas_are() {
    let (mut room, [a, b, c]) = room_at_vote();
    room.go_and_open(1);
    // A's two ideas together; and C's with one of B's (two tables had it).
    for items in [[0, 1], [14, 2]] {
        room.facilitator(Command::MergeItems(grouping::MergeItems {
            items: items.map(|i| idea(IdeaId(i))).to_vec(),
            title: None,
        }));
    }
    room.go_and_open(2);
    let (all_a, shared) = (
        ItemRef::Cluster(ClusterId(0)),
        ItemRef::Cluster(ClusterId(1)),
    );
    room.refused(
        Role::Table(a),
        Command::SetVote(budget_vote::SetVote {
            item: all_a,
            points: 1,
        }),
        "own_idea",
    );
    for table in [a, b, c] {
        room.vote(table, shared, 3);
    }
    room.vote(b, all_a, 2);
}

#[test]
fn under_any_idea_no_points_for_a_cluster_holding_your_idea() {
    let (mut room, [a, b, c]) = room_at_vote_with(OwnGroups::AnyIdea);
    room.go_and_open(1);
    room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![idea(IdeaId(0)), idea(IdeaId(14))],
        title: None,
    }));
    room.go_and_open(2);
    let cluster = ItemRef::Cluster(ClusterId(0));
    room.refused(
        Role::Table(a),
        Command::SetVote(budget_vote::SetVote {
            item: cluster,
            points: 1,
        }),
        "own_idea",
    );
    room.refused(
        Role::Table(c),
        Command::SetVote(budget_vote::SetVote {
            item: cluster,
            points: 1,
        }),
        "own_idea",
    );
    room.vote(b, cluster, 3);
    room.refused(
        Role::Table(b),
        Command::SetVote(budget_vote::SetVote {
            item: idea(IdeaId(0)),
            points: 1,
        }),
        "unknown_item",
    );
}

#[test]
fn the_budget_is_30_points_and_says_what_is_left() {
    let (mut room, [_, _, c]) = room_at_vote();
    for i in 2..12 {
        room.vote(c, idea(IdeaId(i)), if i == 11 { 1 } else { 3 });
    }
    assert_eq!(room.workshop.vote_ledger(2).unwrap().spent(c), 28);
    let v = room.refused(
        Role::Table(c),
        Command::SetVote(budget_vote::SetVote {
            item: idea(IdeaId(12)),
            points: 3,
        }),
        "budget_exceeded",
    );
    assert_eq!(
        v,
        RuleViolation::BudgetExceeded {
            budget: 30,
            remaining: 2,
            requested: 3
        }
    );
    // Raising an item counts only the difference.
    room.vote(c, idea(IdeaId(11)), 3);
    let histogram = room.workshop.vote_histogram(2).unwrap();
    assert_eq!(histogram.tables[c.index()].remaining, 0);
    assert!(histogram.tables[c.index()].done);
    assert_eq!(histogram.tables_done, 1);
}

#[test]
fn votes_need_an_open_vote_step_and_a_real_item() {
    let (mut room, [a, ..]) = room_at_vote();
    room.refused(
        Role::Table(a),
        Command::SetVote(budget_vote::SetVote {
            item: idea(IdeaId(99)),
            points: 1,
        }),
        "unknown_item",
    );
    room.refused(
        Role::Table(a),
        Command::SetVote(budget_vote::SetVote {
            item: ItemRef::Cluster(ClusterId(0)),
            points: 1,
        }),
        "unknown_item",
    );
    room.facilitator(Command::CloseStep(flow::CloseStep {}));
    room.refused(
        Role::Table(a),
        Command::SetVote(budget_vote::SetVote {
            item: idea(IdeaId(5)),
            points: 1,
        }),
        "step_closed",
    );
}

#[test]
fn a_table_with_too_few_items_is_done_when_everything_is_at_the_cap() {
    let mut room = Room::ideation();
    let (a, b) = (room.join("A"), room.join("B"));
    room.go_and_open(0);
    room.idea(a, "A0");
    room.idea(b, "B0");
    room.go_and_open(2);
    room.vote(a, idea(IdeaId(1)), 3);
    let histogram = room.workshop.vote_histogram(2).unwrap();
    assert_eq!(histogram.tables[0].remaining, 27);
    assert!(
        histogram.tables[0].done,
        "its only other item is at the cap"
    );
    assert!(!histogram.tables[1].done);
}

#[test]
fn the_histogram_orders_by_points_then_keeps_the_items_order() {
    let (mut room, [a, b, c]) = room_at_vote();
    room.vote(a, idea(IdeaId(14)), 1);
    room.vote(c, idea(IdeaId(3)), 3);
    room.vote(a, idea(IdeaId(3)), 3);
    room.vote(c, idea(IdeaId(0)), 1);
    room.vote(b, idea(IdeaId(0)), 2);
    let bars = room.workshop.vote_histogram(2).unwrap().bars;
    let top: Vec<(String, u32, u32)> = bars
        .iter()
        .take(4)
        .map(|bar| {
            (
                room.workshop.item_label(bar.item).to_owned(),
                bar.points,
                bar.tables,
            )
        })
        .collect();
    assert_eq!(
        top,
        vec![
            ("B1".into(), 6, 2),
            ("A0".into(), 3, 2),
            ("C0".into(), 1, 1),
            ("A1".into(), 0, 0), // zero-point items follow in their own order
        ]
    );
    assert_eq!(bars.len(), 15);
}

// ---- scoring ----

#[test]
fn each_seat_scores_each_item_on_each_criterion() {
    let mut room = Room::evaluation(&["Idée 1", "Idée 2"]);
    let t = room.join("T");
    room.go_and_open(0);
    room.score(t, 1, 0, 0, 7);
    room.score(t, 3, 1, 2, 10);
    room.score(t, 1, 0, 0, 4); // a seat may change its mind
    let results = room.workshop.scoring_results(0).unwrap();
    assert_eq!(results.items[0].criteria[0].mean, Some(4.0));
    assert_eq!(results.items[1].criteria[2].counts[10], 1);
    room.table(
        t,
        Command::SetScore(scoring::SetScore {
            seat: 1,
            item: 0,
            criterion: 0,
            score: None,
        }),
    );
    assert_eq!(
        room.workshop.scoring_results(0).unwrap().items[0].criteria[0].scorers,
        0
    );
}

#[test]
fn scores_must_be_on_the_scale_for_a_known_seat_item_and_criterion() {
    let mut room = Room::evaluation(&["Idée 1"]);
    let t = room.join("T");
    let set = |seat, item, criterion, score| {
        Command::SetScore(scoring::SetScore {
            seat,
            item,
            criterion,
            score: Some(score),
        })
    };
    room.refused(Role::Table(t), set(1, 0, 0, 5), "step_closed");
    room.go_and_open(0);
    let v = room.refused(Role::Table(t), set(1, 0, 0, 11), "score_out_of_range");
    assert_eq!(
        v,
        RuleViolation::ScoreOutOfRange {
            min: 0,
            max: 10,
            score: 11
        }
    );
    assert_eq!(
        room.refused(Role::Table(t), set(4, 0, 0, 5), "unknown_seat"),
        RuleViolation::UnknownSeat { seats: 3 }
    );
    room.refused(Role::Table(t), set(0, 0, 0, 5), "unknown_seat");
    room.refused(Role::Table(t), set(1, 1, 0, 5), "unknown_item");
    assert_eq!(
        room.refused(Role::Table(t), set(1, 0, 3, 5), "unknown_criterion"),
        RuleViolation::UnknownCriterion { count: 3 }
    );
    room.go_and_open(1);
    room.refused(Role::Table(t), set(1, 0, 0, 5), "wrong_step");
}

#[test]
fn a_chained_workshop_scores_the_top_of_its_vote() {
    let setup = Template::IdeationThenEvaluation.setup("S", "Q", source_criteria(), vec![]);
    let mut room = Room::new(setup);
    let (a, b) = (room.join("A"), room.join("B"));
    room.go_and_open(0);
    for n in 0..7 {
        room.idea(if n % 2 == 0 { a } else { b }, &format!("Idée {n}"));
    }
    room.go_and_open(2);
    room.vote(a, idea(IdeaId(5)), 3);
    room.vote(a, idea(IdeaId(3)), 2);
    room.vote(b, idea(IdeaId(6)), 1);
    let events = room.facilitator(Command::GoToStep(flow::GoToStep { step: 3 }));
    let Some(Event::ScoringItemsChosen(scoring::ScoringItemsChosen { step: 3, items })) =
        events.last()
    else {
        panic!("no items chosen: {events:?}")
    };
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["Idée 5", "Idée 3", "Idée 6", "Idée 0", "Idée 1"]);
    assert_eq!(items[0].from_item, Some(idea(IdeaId(5))));
    // Coming back later keeps the items chosen the first time.
    room.go_and_open(2);
    room.vote(b, idea(IdeaId(0)), 3);
    let events = room.facilitator(Command::GoToStep(flow::GoToStep { step: 3 }));
    assert!(events.iter().all(|e| !matches!(
        e,
        Event::ScoringItemsChosen(scoring::ScoringItemsChosen { .. })
    )));
}

// ---- flow ----

#[test]
fn the_facilitator_moves_opens_and_closes_steps() {
    let mut room = Room::ideation();
    assert!(!room.workshop.is_step_open());
    let now = room.now_ms;
    let opened = room.facilitator(Command::OpenStep(flow::OpenStep {
        duration_secs: Some(300),
    }));
    assert_eq!(
        opened,
        vec![Event::StepOpened(flow::StepOpened {
            step: 0,
            deadline_ms: Some(now + 1000 + 300_000)
        })]
    );
    let moved = room.facilitator(Command::GoToStep(flow::GoToStep { step: 1 }));
    assert_eq!(
        moved,
        vec![
            Event::StepClosed(flow::StepClosed { step: 0 }),
            Event::StepChanged(flow::StepChanged { step: 1 })
        ]
    );
    assert_eq!(
        (room.workshop.current_step(), room.workshop.is_step_open()),
        (1, false)
    );
    assert_eq!(room.workshop.deadline_ms(), None);
    let v = room.refused(
        Role::Facilitator,
        Command::GoToStep(flow::GoToStep { step: 4 }),
        "unknown_step",
    );
    assert_eq!(v, RuleViolation::UnknownStep { count: 4 });
    room.facilitator(Command::SetResultsVisible(flow::SetResultsVisible {
        visible: true,
    }));
    assert!(room.workshop.results_visible());
}

// ---- messages ----

/// Every violation, one of each (a new variant fails to compile until it is added here).
fn one_of_each() -> Vec<RuleViolation> {
    use RuleViolation as V;
    let all = vec![
        V::WrongStep {
            expected: vec![StepKind::Divergence],
            current: StepKind::Grouping,
        },
        V::StepClosed {
            current: StepKind::BudgetVote,
        },
        V::BudgetExceeded {
            budget: 30,
            remaining: 2,
            requested: 3,
        },
        V::ItemCapExceeded {
            cap: 3,
            requested: 4,
        },
        V::OwnIdea {
            item: idea(IdeaId(1)),
        },
        V::ScoreOutOfRange {
            min: 0,
            max: 10,
            score: 11,
        },
        V::UnknownTable,
        V::UnknownItem { item: "i9".into() },
        V::UnknownCriterion { count: 3 },
        V::ScoresGiven,
        V::CriterionCount { max: 12 },
        V::PaperLimit {
            groups: 10,
            count: 10_000,
        },
        V::UnknownSeat { seats: 3 },
        V::UnknownStep { count: 4 },
        V::NotAllowedForRole { role: Role::Wall },
        V::EmptyText,
        V::TextTooLong { max: 280, len: 300 },
        V::JoiningLocked,
        V::NameTaken,
        V::NotYourIdea,
        V::IdeaNotPending,
        V::UnknownCircle {
            circle: 3,
            circles: 3,
        },
        V::UnknownPersona {
            persona: 4,
            personas: 4,
        },
        V::NotYourTable,
        V::IdeaInCluster,
        V::ItemHasVotes {
            item: idea(IdeaId(1)),
        },
        V::TooFewItems,
        V::NoDotsLeft {
            dots: 1,
            remaining: 0,
            requested: 1,
        },
        V::DotCapExceeded {
            cap: 1,
            requested: 2,
        },
        V::InvisibleCharacter {
            character: "U+202E".into(),
        },
        V::TableIdeaLimit { max: 100 },
        V::WorkshopIdeaLimit { max: 1000 },
        V::UnknownStage {
            stage: 5,
            stages: 5,
        },
        V::StageNotOpen { stage: 0, open: 1 },
        V::UnknownCategory {
            category: 2,
            categories: 2,
        },
        V::UnknownRole { role: 4, roles: 4 },
    ];
    for v in &all {
        match v {
            V::WrongStep { .. }
            | V::StepClosed { .. }
            | V::BudgetExceeded { .. }
            | V::ItemCapExceeded { .. }
            | V::OwnIdea { .. }
            | V::ScoreOutOfRange { .. }
            | V::UnknownTable
            | V::UnknownItem { .. }
            | V::UnknownCriterion { .. }
            | V::ScoresGiven
            | V::CriterionCount { .. }
            | V::PaperLimit { .. }
            | V::UnknownSeat { .. }
            | V::UnknownStep { .. }
            | V::NotAllowedForRole { .. }
            | V::EmptyText
            | V::TextTooLong { .. }
            | V::JoiningLocked
            | V::NameTaken
            | V::NotYourIdea
            | V::IdeaNotPending
            | V::UnknownCircle { .. }
            | V::UnknownPersona { .. }
            | V::NotYourTable
            | V::IdeaInCluster
            | V::ItemHasVotes { .. }
            | V::TooFewItems
            | V::NoDotsLeft { .. }
            | V::DotCapExceeded { .. }
            | V::InvisibleCharacter { .. }
            | V::TableIdeaLimit { .. }
            | V::WorkshopIdeaLimit { .. }
            | V::UnknownStage { .. }
            | V::StageNotOpen { .. }
            | V::UnknownCategory { .. }
            | V::UnknownRole { .. } => {}
        }
    }
    all
}

#[test]
fn every_violation_has_a_distinct_code_that_serde_agrees_with() {
    let all = one_of_each();
    let mut codes: Vec<&str> = all.iter().map(RuleViolation::code).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), all.len(), "two violations share a code");
    for v in &all {
        let json = serde_json::to_value(v).unwrap();
        assert_eq!(json["code"], v.code(), "{v:?}");
        assert_eq!(serde_json::from_value::<RuleViolation>(json).unwrap(), *v);
    }
}

#[test]
fn every_violation_speaks_french_and_english_with_its_numbers() {
    for v in one_of_each() {
        let (fr, en) = (v.message(Lang::Fr), v.message(Lang::En));
        assert!(
            !fr.is_empty() && !en.is_empty() && fr != en,
            "{v:?}: {fr} / {en}"
        );
    }
    let budget = RuleViolation::BudgetExceeded {
        budget: 30,
        remaining: 2,
        requested: 3,
    };
    assert_eq!(
        budget.message(Lang::Fr),
        "Il vous reste 2 point(s) : impossible d’en ajouter 3."
    );
    assert!(budget.message(Lang::En).contains("2 point(s) left"));
}

#[test]
fn a_workshop_round_trips_through_json() {
    let (mut room, [a, ..]) = room_at_vote();
    room.vote(a, idea(IdeaId(4)), 2);
    let json = serde_json::to_string(&room.workshop).unwrap();
    let back: Workshop = serde_json::from_str(&json).unwrap();
    assert_eq!(back, room.workshop);
}

// ---- moderation ----

#[test]
fn in_a_moderated_divergence_a_tables_idea_waits_for_the_facilitator() {
    let mut setup = Template::Ideation.setup("Salle", "Comment ?", vec![], vec![]);
    setup.steps[0] = StepConfig::Divergence(divergence::Config {
        moderated: true,
        ..divergence::Config::default()
    });
    let mut room = Room::new(setup);
    let (a, b) = (room.join("A"), room.join("B"));
    room.go_and_open(0);
    let waiting = room.idea(a, "Un café des habitants");
    let typed = room.facilitator(Command::SubmitIdea(divergence::SubmitIdea {
        text: "Une navette".into(),
        category: None,
        seat: None,
    }));
    let w = &room.workshop;
    assert!(w.idea(waiting).unwrap().pending, "a table's idea waits");
    assert!(
        !w.is_vote_item(idea(waiting)),
        "not on the wall nor in votes"
    );
    assert!(
        matches!(typed.as_slice(), [Event::IdeaSubmitted(s)] if !s.pending),
        "the facilitator's own ideas do not wait"
    );
    // Its table reads it, the other table and the wall do not.
    let text_for = |w: &Workshop, role| w.view_for(role).ideas[waiting.index()].text.clone();
    assert_eq!(text_for(w, Role::Table(a)), "Un café des habitants");
    assert_eq!(text_for(w, Role::Table(b)), "");
    assert_eq!(text_for(w, Role::Wall), "");
    // Rewritten while it waits: still for its table alone.
    let edited = room.table(
        a,
        Command::EditIdea(divergence::EditIdea {
            idea: waiting,
            text: "Un café des habitants le jeudi".into(),
        }),
    );
    assert!(matches!(edited.as_slice(), [Event::PendingIdeaText(p)] if p.table == a));
    room.refused(
        Role::Table(a),
        Command::AcceptIdea(divergence::AcceptIdea { idea: waiting }),
        "not_allowed_for_role",
    );
    let accepted = room.facilitator(Command::AcceptIdea(divergence::AcceptIdea {
        idea: waiting,
    }));
    assert!(matches!(
        accepted.as_slice(),
        [Event::IdeaAccepted(e)] if e.text == "Un café des habitants le jeudi"
    ));
    assert!(room.workshop.is_vote_item(idea(waiting)));
    assert_eq!(
        text_for(&room.workshop, Role::Wall),
        "Un café des habitants le jeudi"
    );
    room.refused(
        Role::Facilitator,
        Command::AcceptIdea(divergence::AcceptIdea { idea: waiting }),
        "idea_not_pending",
    );
}

// ---- the facilitator's corrections ----

#[test]
fn the_facilitator_corrects_a_voted_idea_and_the_correction_is_marked() {
    let (mut room, [a, b, _]) = room_at_vote();
    room.vote(b, idea(IdeaId(0)), 3);
    // A table no longer may (the vote is on, the idea holds points)…
    room.refused(
        Role::Table(a),
        Command::EditIdea(divergence::EditIdea {
            idea: IdeaId(0),
            text: "A0 corrigée".into(),
        }),
        "wrong_step",
    );
    // …the facilitator may, and it is recorded as theirs.
    let events = room.facilitator(Command::EditIdea(divergence::EditIdea {
        idea: IdeaId(0),
        text: "A0 corrigée".into(),
    }));
    assert!(matches!(
        events.as_slice(),
        [Event::IdeaEdited(e)] if e.by_facilitator && e.text == "A0 corrigée"
    ));
    let corrected = room.workshop.idea(IdeaId(0)).unwrap();
    assert!(corrected.corrected);
    assert_eq!(
        room.workshop
            .vote_ledger(2)
            .unwrap()
            .points(b, idea(IdeaId(0))),
        3
    );
    // Its own typed idea is the facilitator's to rewrite: nothing to mark.
    room.go_and_open(0);
    let typed = room.facilitator(Command::SubmitIdea(divergence::SubmitIdea {
        text: "navete".into(),
        category: None,
        seat: None,
    }));
    let Some(Event::IdeaSubmitted(typed)) = typed.first() else {
        panic!("{typed:?}")
    };
    let events = room.facilitator(Command::EditIdea(divergence::EditIdea {
        idea: typed.idea,
        text: "navette".into(),
    }));
    assert!(matches!(events.as_slice(), [Event::IdeaEdited(e)] if !e.by_facilitator));
}

// ---- regrouping during a vote ----

/// The `votes_returned` events of `events`: (table, points, reason).
fn returned(events: &[Event]) -> Vec<(TableId, u32, grouping::ReturnReason)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::VotesReturned(r) => Some((r.table, r.points, r.reason)),
            _ => None,
        })
        .collect()
}

#[test]
fn merging_during_the_vote_moves_the_points_up_to_the_cap() {
    let (mut room, [a, b, _]) = room_at_vote();
    room.vote(b, idea(IdeaId(0)), 3);
    room.vote(b, idea(IdeaId(14)), 2);
    room.vote(a, idea(IdeaId(14)), 3);
    // A's idea 0 and C's idea 14 said the same thing.
    let events = room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![idea(IdeaId(0)), idea(IdeaId(14))],
        title: Some("Associations".into()),
    }));
    let group = ItemRef::Cluster(ClusterId(0));
    let ledger = room.workshop.vote_ledger(2).unwrap();
    // B had 5 on the two: 3 (the cap) on the group, 2 back in its budget.
    assert_eq!((ledger.points(b, group), ledger.spent(b)), (3, 3));
    // A had 3 on C's idea: the group is not all A's, so they stay.
    assert_eq!((ledger.points(a, group), ledger.spent(a)), (3, 3));
    assert!(ledger.check_sums());
    assert_eq!(returned(&events), [(b, 2, grouping::ReturnReason::Merged)]);

    // Splitting gives the points back.
    let events = room.facilitator(Command::SplitCluster(grouping::SplitCluster {
        cluster: ClusterId(0),
    }));
    let ledger = room.workshop.vote_ledger(2).unwrap();
    assert_eq!((ledger.spent(a), ledger.spent(b)), (0, 0));
    let reasons: Vec<_> = returned(&events)
        .into_iter()
        .map(|(t, p, _)| (t, p))
        .collect();
    assert_eq!(reasons, [(a, 3), (b, 3)]);

    // So does hiding.
    room.vote(a, idea(IdeaId(5)), 2);
    let events = room.facilitator(Command::SetIdeaHidden(grouping::SetIdeaHidden {
        idea: IdeaId(5),
        hidden: true,
    }));
    assert_eq!(room.workshop.vote_ledger(2).unwrap().spent(a), 0);
    assert_eq!(returned(&events), [(a, 2, grouping::ReturnReason::Hidden)]);
}

#[test]
fn a_merge_that_makes_a_tables_own_group_gives_its_points_back() {
    // Under `any_idea`, a group holding one of B's ideas is B's own.
    let (mut room, [_, b, _]) = room_at_vote_with(OwnGroups::AnyIdea);
    room.vote(b, idea(IdeaId(0)), 3);
    let events = room.facilitator(Command::MergeItems(grouping::MergeItems {
        items: vec![idea(IdeaId(0)), idea(IdeaId(2))],
        title: None,
    }));
    let ledger = room.workshop.vote_ledger(2).unwrap();
    assert_eq!(ledger.spent(b), 0, "no points on its own group");
    assert_eq!(returned(&events), [(b, 3, grouping::ReturnReason::Merged)]);
}
