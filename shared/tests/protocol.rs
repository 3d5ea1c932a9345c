//! The wire protocol: every message type survives a JSON round trip, and
//! `docs/protocol.md` shows a correct example of each one (every JSON block in
//! the document parses to a message and writes back identically).
//!
//! To print the examples after changing the protocol:
//! `RUCHE_PRINT_EXAMPLES=1 cargo test -p ruche-shared --test protocol -- --nocapture`

mod common;

use common::Room;
use ruche_shared::event::ScoringItem;
use ruche_shared::methods::{
    budget_vote, divergence, dot_vote, grouping, journey, persona, questions, scoring, spider_web,
};
use ruche_shared::protocol::{Auth, ErrorCode, OpId, PROTOCOL_VERSION, SequencedEvent};
use ruche_shared::{
    ClientMsg, ClusterId, Command, Event, IdeaId, ItemRef, Role, RuleViolation, ServerMsg,
    StepKind, TableId,
};
use ruche_shared::{flow, joining, notes, wall};
use serde_json::Value;

fn op() -> OpId {
    OpId("6f1c2e0a-3b7d-4c59-9a51-0d2f8e4b7c10".into())
}

/// One of every command; the match makes a new command fail to compile here until it has an example.
fn commands() -> Vec<Command> {
    let all = vec![
        Command::JoinTable(joining::JoinTable {
            name: "Table 4".into(),
        }),
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "Ouvrir la salle aux associations le week-end".into(),
            category: None,
            seat: None,
        }),
        Command::EditIdea(divergence::EditIdea {
            idea: IdeaId(3),
            text: "Prêter la salle le samedi".into(),
        }),
        Command::DeleteIdea(divergence::DeleteIdea { idea: IdeaId(3) }),
        Command::AcceptIdea(divergence::AcceptIdea { idea: IdeaId(5) }),
        Command::MergeItems(grouping::MergeItems {
            items: vec![ItemRef::Idea(IdeaId(0)), ItemRef::Idea(IdeaId(3))],
            title: Some("Associations le week-end".into()),
        }),
        Command::RenameCluster(grouping::RenameCluster {
            cluster: ClusterId(0),
            title: "Le week-end".into(),
        }),
        Command::SplitCluster(grouping::SplitCluster {
            cluster: ClusterId(0),
        }),
        Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: IdeaId(7),
            hidden: true,
        }),
        Command::SetVote(budget_vote::SetVote {
            item: ItemRef::Cluster(ClusterId(0)),
            points: 2,
        }),
        Command::SetScore(scoring::SetScore {
            seat: 2,
            item: 0,
            criterion: 1,
            score: Some(7),
        }),
        Command::SetDot(dot_vote::SetDot {
            seat: 1,
            item: ItemRef::Idea(IdeaId(4)),
            dots: 1,
        }),
        Command::GoToStep(flow::GoToStep { step: 2 }),
        Command::OpenStep(flow::OpenStep {
            duration_secs: Some(600),
        }),
        Command::CloseStep(flow::CloseStep {}),
        Command::SetJoiningLocked(joining::SetJoiningLocked { locked: true }),
        Command::SetResultsVisible(flow::SetResultsVisible { visible: true }),
        Command::SetNotes(notes::SetNotes {
            place: "Salle des fêtes".into(),
            conclusions: "Retenu : le café des habitants, un essai en mars.".into(),
        }),
        Command::SetWall(wall::SetWall {
            join_panel: wall::JoinPanel::Small,
            focus: Some(ItemRef::Cluster(ClusterId(0))),
        }),
        Command::TakeOverTable(joining::TakeOverTable { table: TableId(2) }),
        Command::OpenCircle(spider_web::OpenCircle { circle: 1 }),
        Command::DealPersonas(persona::DealPersonas {}),
        Command::GivePersona(persona::GivePersona {
            table: TableId(2),
            persona: Some(3),
        }),
        Command::SetTableQuestion(questions::SetTableQuestion {
            table: None,
            question: "Comment pourrions-nous aider Bernard sans qu'il se sente assisté ?".into(),
        }),
        Command::SetPaperVotes(ruche_shared::methods::paper_votes::SetPaperVotes {
            group: "Tableau papier".into(),
            item: ItemRef::Idea(IdeaId(4)),
            count: 7,
        }),
        Command::SetCriteria(scoring::SetCriteria {
            step: 3,
            criteria: vec![ruche_shared::Criterion {
                name: "coût pour la commune".into(),
                higher_is_better: false,
                low: "presque rien".into(),
                high: "très cher".into(),
            }],
        }),
        Command::AddNote(journey::AddNote {
            stage: 1,
            row: journey::Row::Feeling,
            text: "Perdue en arrivant : pas de plan du site".into(),
        }),
        Command::OpenStage(journey::OpenStage { stage: Some(1) }),
        Command::ChooseRole(ruche_shared::methods::roles::ChooseRole {
            table: None,
            seat: 2,
            role: Some(1),
        }),
        Command::RateStage(journey::RateStage {
            stage: 1,
            rating: Some(2),
        }),
    ];
    for c in &all {
        match c {
            Command::JoinTable(joining::JoinTable { .. })
            | Command::SubmitIdea(divergence::SubmitIdea { .. })
            | Command::EditIdea(divergence::EditIdea { .. })
            | Command::DeleteIdea(divergence::DeleteIdea { .. })
            | Command::AcceptIdea(divergence::AcceptIdea { .. })
            | Command::MergeItems(grouping::MergeItems { .. })
            | Command::RenameCluster(grouping::RenameCluster { .. })
            | Command::SplitCluster(grouping::SplitCluster { .. })
            | Command::SetIdeaHidden(grouping::SetIdeaHidden { .. })
            | Command::SetVote(budget_vote::SetVote { .. })
            | Command::SetScore(scoring::SetScore { .. })
            | Command::SetDot(dot_vote::SetDot { .. })
            | Command::GoToStep(flow::GoToStep { .. })
            | Command::OpenStep(flow::OpenStep { .. })
            | Command::CloseStep(_)
            | Command::SetJoiningLocked(joining::SetJoiningLocked { .. })
            | Command::SetResultsVisible(flow::SetResultsVisible { .. })
            | Command::SetNotes(notes::SetNotes { .. })
            | Command::SetWall(wall::SetWall { .. })
            | Command::TakeOverTable(joining::TakeOverTable { .. })
            | Command::OpenCircle(spider_web::OpenCircle { .. })
            | Command::DealPersonas(persona::DealPersonas {})
            | Command::GivePersona(persona::GivePersona { .. })
            | Command::SetTableQuestion(questions::SetTableQuestion { .. })
            | Command::SetCriteria(scoring::SetCriteria { .. })
            | Command::SetPaperVotes(_)
            | Command::AddNote(_)
            | Command::OpenStage(_)
            | Command::ChooseRole(_)
            | Command::RateStage(_) => {}
        }
    }
    all
}

/// One of every event.
fn events() -> Vec<Event> {
    let all = vec![
        Event::TableJoined(joining::TableJoined {
            table: TableId(3),
            name: "Table 4".into(),
        }),
        Event::IdeaSubmitted(divergence::IdeaSubmitted {
            idea: IdeaId(0),
            author: Some(TableId(0)),
            text: "Ouvrir la salle aux associations le week-end".into(),
            at_ms: 1_764_288_000_000,
            pending: false,
            circle: None,
            category: None,
            role: None,
        }),
        Event::IdeaEdited(divergence::IdeaEdited {
            idea: IdeaId(3),
            text: "Prêter la salle le samedi".into(),
            by_facilitator: false,
        }),
        Event::IdeaDeleted(divergence::IdeaDeleted { idea: IdeaId(3) }),
        Event::IdeaHiddenChanged(grouping::IdeaHiddenChanged {
            idea: IdeaId(7),
            hidden: true,
        }),
        Event::ClusterFormed(grouping::ClusterFormed {
            cluster: ClusterId(1),
            ideas: vec![IdeaId(0), IdeaId(3), IdeaId(5)],
            title: "Associations le week-end".into(),
            dissolved: vec![ClusterId(0)],
        }),
        Event::ClusterRenamed(grouping::ClusterRenamed {
            cluster: ClusterId(1),
            title: "Le week-end".into(),
        }),
        Event::ClusterSplit(grouping::ClusterSplit {
            cluster: ClusterId(1),
        }),
        Event::VoteSet(budget_vote::VoteSet {
            step: 2,
            table: TableId(1),
            item: ItemRef::Cluster(ClusterId(1)),
            points: 2,
        }),
        Event::ScoreSet(scoring::ScoreSet {
            step: 3,
            table: TableId(1),
            seat: 2,
            item: 0,
            criterion: 1,
            score: Some(7),
        }),
        Event::ScoringItemsChosen(scoring::ScoringItemsChosen {
            step: 3,
            items: vec![ScoringItem {
                text: "Le week-end".into(),
                from_item: Some(ItemRef::Cluster(ClusterId(1))),
            }],
        }),
        Event::StepChanged(flow::StepChanged { step: 2 }),
        Event::StepOpened(flow::StepOpened {
            step: 2,
            deadline_ms: Some(1_764_288_600_000),
        }),
        Event::StepClosed(flow::StepClosed { step: 2 }),
        Event::JoiningLockedChanged(joining::JoiningLockedChanged { locked: true }),
        Event::ResultsVisibleChanged(flow::ResultsVisibleChanged { visible: true }),
        Event::DotSet(dot_vote::DotSet {
            step: 2,
            table: TableId(1),
            seat: 1,
            item: ItemRef::Idea(IdeaId(4)),
            dots: 1,
        }),
        Event::NotesSet(notes::NotesSet {
            place: "Salle des fêtes".into(),
            conclusions: "Retenu : le café des habitants, un essai en mars.".into(),
        }),
        Event::WallSet(wall::WallSet {
            join_panel: wall::JoinPanel::Small,
            focus: Some(ItemRef::Cluster(ClusterId(0))),
        }),
        // The facilitator corrects a table's idea (a typo, points given).
        Event::IdeaEdited(divergence::IdeaEdited {
            idea: IdeaId(2),
            text: "Organiser des lotos pour les aînés".into(),
            by_facilitator: true,
        }),
        // Regrouped during the vote: a table gets points back.
        Event::VotesReturned(grouping::VotesReturned {
            step: 2,
            table: TableId(1),
            points: 2,
            reason: grouping::ReturnReason::Merged,
        }),
        // Moderation: a pending idea, its text for its table, its acceptance.
        Event::IdeaSubmitted(divergence::IdeaSubmitted {
            idea: IdeaId(5),
            author: Some(TableId(1)),
            text: String::new(),
            at_ms: 1_764_288_060_000,
            pending: true,
            circle: None,
            category: None,
            role: None,
        }),
        Event::PendingIdeaText(divergence::PendingIdeaText {
            idea: IdeaId(5),
            table: TableId(1),
            text: "Un café des habitants le jeudi".into(),
        }),
        Event::IdeaAccepted(divergence::IdeaAccepted {
            idea: IdeaId(5),
            text: "Un café des habitants le jeudi".into(),
        }),
        Event::TableHandedOver(joining::TableHandedOver { table: TableId(2) }),
        // A spider web: circle 2 (from 0) opens, and an idea lands on it.
        Event::CircleOpened(spider_web::CircleOpened { step: 0, circle: 2 }),
        Event::IdeaSubmitted(divergence::IdeaSubmitted {
            idea: IdeaId(6),
            author: Some(TableId(1)),
            text: "Un hologramme de l'officier d'état civil".into(),
            at_ms: 1_764_288_120_000,
            pending: false,
            circle: Some(2),
            category: None,
            role: None,
        }),
        Event::PersonaGiven(persona::PersonaGiven {
            table: TableId(2),
            persona: Some(3),
        }),
        Event::TableQuestionSet(questions::TableQuestionSet {
            table: TableId(2),
            question: Some(
                "Comment pourrions-nous aider Bernard sans qu'il se sente assisté ?".into(),
            ),
        }),
        // A criteria workshop: the vote's best as the scoring step's criteria.
        Event::CriteriaSet(scoring::CriteriaSet {
            step: 3,
            criteria: vec![ruche_shared::Criterion {
                name: "coût pour la commune".into(),
                higher_is_better: false,
                low: "presque rien".into(),
                high: "très cher".into(),
            }],
        }),
        // A paper board's stickers, counted by the facilitator.
        Event::PaperVotesSet(ruche_shared::methods::paper_votes::PaperVotesSet {
            step: 2,
            group: "Tableau papier".into(),
            item: ItemRef::Idea(IdeaId(4)),
            count: 7,
        }),
        // A user journey: stage 2 (from 0: 1) opened alone, a table's note
        // on how the user felt there, and its rating of the stage.
        Event::StageOpened(journey::StageOpened {
            step: 0,
            stage: Some(1),
        }),
        Event::NoteAdded(journey::NoteAdded {
            idea: IdeaId(7),
            author: Some(TableId(1)),
            step: 0,
            stage: 1,
            row: journey::Row::Feeling,
            text: "Perdue en arrivant : pas de plan du site".into(),
            at_ms: 1_764_288_180_000,
        }),
        Event::StageRated(journey::StageRated {
            step: 0,
            table: TableId(1),
            stage: 1,
            rating: Some(2),
        }),
        // « Regards croisés »: seat 2 of table 2 takes the « agent » card.
        Event::RoleChosen(ruche_shared::methods::roles::RoleChosen {
            table: TableId(2),
            seat: 2,
            role: Some(1),
        }),
        // A yellow post-it: an idea in the step's second category, by that seat.
        Event::IdeaSubmitted(divergence::IdeaSubmitted {
            idea: IdeaId(8),
            author: Some(TableId(2)),
            text: "Du temps pour écouter les usagers".into(),
            at_ms: 1_764_288_240_000,
            pending: false,
            circle: None,
            category: Some(1),
            role: Some(1),
        }),
    ];
    for e in &all {
        match e {
            Event::TableJoined(joining::TableJoined { .. })
            | Event::TableHandedOver(joining::TableHandedOver { .. })
            | Event::CircleOpened(spider_web::CircleOpened { .. })
            | Event::PersonaGiven(persona::PersonaGiven { .. })
            | Event::TableQuestionSet(questions::TableQuestionSet { .. })
            | Event::IdeaSubmitted(divergence::IdeaSubmitted { .. })
            | Event::IdeaEdited(divergence::IdeaEdited { .. })
            | Event::IdeaDeleted(divergence::IdeaDeleted { .. })
            | Event::PendingIdeaText(divergence::PendingIdeaText { .. })
            | Event::IdeaAccepted(divergence::IdeaAccepted { .. })
            | Event::IdeaHiddenChanged(grouping::IdeaHiddenChanged { .. })
            | Event::ClusterFormed(grouping::ClusterFormed { .. })
            | Event::ClusterRenamed(grouping::ClusterRenamed { .. })
            | Event::ClusterSplit(grouping::ClusterSplit { .. })
            | Event::VotesReturned(grouping::VotesReturned { .. })
            | Event::VoteSet(budget_vote::VoteSet { .. })
            | Event::ScoreSet(scoring::ScoreSet { .. })
            | Event::ScoringItemsChosen(scoring::ScoringItemsChosen { .. })
            | Event::CriteriaSet(scoring::CriteriaSet { .. })
            | Event::PaperVotesSet(_)
            | Event::DotSet(dot_vote::DotSet { .. })
            | Event::StepChanged(flow::StepChanged { .. })
            | Event::StepOpened(flow::StepOpened { .. })
            | Event::StepClosed(flow::StepClosed { .. })
            | Event::JoiningLockedChanged(joining::JoiningLockedChanged { .. })
            | Event::ResultsVisibleChanged(flow::ResultsVisibleChanged { .. })
            | Event::NotesSet(notes::NotesSet { .. })
            | Event::WallSet(wall::WallSet { .. })
            | Event::NoteAdded(_)
            | Event::StageOpened(_)
            | Event::StageRated(_)
            | Event::RoleChosen(_) => {}
        }
    }
    all
}

fn client_messages() -> Vec<ClientMsg> {
    let hello = |auth, last_seq| ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth,
        last_seq,
    };
    let mut all = vec![
        hello(
            Auth::Facilitator {
                workshop: "wk_5f3a9c".into(),
                secret: "c8d1…e27f".into(),
            },
            None,
        ),
        hello(
            Auth::JoinTable {
                code: "482-913".into(),
                name: "Table 4".into(),
                token: None,
            },
            None,
        ),
        hello(
            Auth::RejoinTable {
                code: "482-913".into(),
                token: "9b0e…41aa".into(),
            },
            Some(57),
        ),
        hello(
            Auth::Wall {
                code: "482-913".into(),
            },
            None,
        ),
        hello(
            Auth::TakeOverTable {
                code: "482-913".into(),
                handover: "48392017".into(),
                token: "3f9a…c0d2".into(),
            },
            None,
        ),
        ClientMsg::Resync,
    ];
    all.extend(
        commands()
            .into_iter()
            .map(|command| ClientMsg::Command { op: op(), command }),
    );
    for m in &all {
        match m {
            ClientMsg::Hello { .. } | ClientMsg::Command { .. } | ClientMsg::Resync => {}
        }
    }
    all
}

/// A small evaluation workshop, for the snapshot and results examples.
fn small_room() -> Room {
    let mut room = Room::evaluation(&["Créer des cours de français gratuits"]);
    let table = room.join("Table 1");
    room.go_and_open(0);
    room.score(table, 1, 0, 0, 8);
    room
}

fn server_messages() -> Vec<ServerMsg> {
    let room = small_room();
    let mut dot_room = Room::new(ruche_shared::Template::IdeationThenDots.setup(
        "Mairie de demain",
        "Comment pourrions-nous… ?",
        vec![],
        vec![],
    ));
    let (a, b) = (dot_room.join("Table 1"), dot_room.join("Table 2"));
    dot_room.go_and_open(0);
    dot_room.idea(a, "Un guichet mobile");
    dot_room.idea(b, "Des démarches par visio");
    dot_room.go_and_open(2);
    dot_room.dot(a, 1, ItemRef::Idea(IdeaId(1)), 1);
    dot_room.dot(a, 2, ItemRef::Idea(IdeaId(1)), 1);
    dot_room.dot(b, 1, ItemRef::Idea(IdeaId(0)), 1);
    let mut vote_room = Room::ideation();
    let (a, b) = (vote_room.join("Table 1"), vote_room.join("Table 2"));
    vote_room.go_and_open(0);
    vote_room.idea(a, "Un café des habitants");
    vote_room.idea(b, "Un repair café");
    vote_room.go_and_open(2);
    vote_room.vote(a, ItemRef::Idea(IdeaId(1)), 3);
    let mut all = vec![
        ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            workshop: "wk_5f3a9c".into(),
            role: Role::Table(TableId(3)),
            table_token: Some("9b0e…41aa".into()),
            join_code: None,
        },
        ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            workshop: "wk_5f3a9c".into(),
            role: Role::Facilitator,
            table_token: None,
            join_code: Some("482913".into()),
        },
        ServerMsg::Snapshot {
            seq: 5,
            workshop: Box::new(room.workshop.view_for(Role::Table(TableId(0)))),
        },
        ServerMsg::Accepted { op: op(), seq: 58 },
        ServerMsg::Rejected {
            op: op(),
            violation: RuleViolation::BudgetExceeded {
                budget: 30,
                remaining: 2,
                requested: 3,
            },
            message: "Il vous reste 2 point(s) : impossible d’en ajouter 3.".into(),
        },
        ServerMsg::Rejected {
            op: op(),
            violation: RuleViolation::WrongStep {
                expected: vec![StepKind::BudgetVote],
                current: StepKind::Grouping,
            },
            message: "Ce n’est pas possible pendant l’étape « regroupement ».".into(),
        },
        ServerMsg::Results {
            seq: 9,
            votes: vote_room.workshop.vote_histogram(2),
            scores: None,
            dots: None,
            participation: None,
        },
        ServerMsg::Results {
            seq: 5,
            votes: None,
            scores: room.workshop.scoring_results(0),
            dots: None,
            participation: Some(room.workshop.participation()),
        },
        ServerMsg::Results {
            seq: 10,
            votes: None,
            scores: None,
            dots: dot_room.workshop.dot_tally(2),
            participation: None,
        },
        ServerMsg::Presence {
            online: vec![TableId(0), TableId(2)],
        },
        ServerMsg::Error {
            code: ErrorCode::MalformedMessage,
            message: "Ce message n'a pas pu être lu. (expected value at line 1 column 1)".into(),
            op: None,
            violation: None,
        },
        ServerMsg::Error {
            code: ErrorCode::MalformedMessage,
            message: "Ce message n'a pas pu être lu. (invalid value: integer `-1`, expected u8 at line 1 column 88)".into(),
            op: Some(OpId("6f1c2e0a-3b7d-4c59-9a51-0d2f8e4b7c10".into())),
            violation: None,
        },
        ServerMsg::Error {
            code: ErrorCode::JoinRefused,
            message: "Une autre table porte déjà ce nom.".into(),
            op: None,
            violation: Some(RuleViolation::NameTaken),
        },
        ServerMsg::Error {
            code: ErrorCode::TableTakenOver,
            message: "Cette table continue sur une autre tablette.".into(),
            op: None,
            violation: None,
        },
    ];
    all.extend(
        events()
            .into_iter()
            .enumerate()
            .map(|(n, event)| ServerMsg::Events {
                events: vec![SequencedEvent {
                    seq: 58 + n as u64,
                    event,
                }],
            }),
    );
    for m in &all {
        match m {
            ServerMsg::Welcome { .. }
            | ServerMsg::Snapshot { .. }
            | ServerMsg::Events { .. }
            | ServerMsg::Accepted { .. }
            | ServerMsg::Rejected { .. }
            | ServerMsg::Results { .. }
            | ServerMsg::Presence { .. }
            | ServerMsg::Error { .. } => {}
        }
    }
    all
}

/// Every error code, with the exhaustive match as a reminder to document new ones.
fn error_codes() -> Vec<ErrorCode> {
    use ErrorCode as E;
    let all = vec![
        E::MalformedMessage,
        E::UnknownMessageType,
        E::MessageTooLarge,
        E::BinaryNotSupported,
        E::RateLimited,
        E::NotAuthenticated,
        E::AlreadyAuthenticated,
        E::BadCredentials,
        E::TooManyJoinAttempts,
        E::JoinRefused,
        E::TooManyScreens,
        E::TableTakenOver,
        E::UnsupportedProtocol,
        E::ShuttingDown,
        E::Internal,
    ];
    for e in &all {
        match e {
            E::MalformedMessage
            | E::UnknownMessageType
            | E::MessageTooLarge
            | E::BinaryNotSupported
            | E::RateLimited
            | E::NotAuthenticated
            | E::AlreadyAuthenticated
            | E::BadCredentials
            | E::TooManyJoinAttempts
            | E::JoinRefused
            | E::TooManyScreens
            | E::TableTakenOver
            | E::UnsupportedProtocol
            | E::ShuttingDown
            | E::Internal => {}
        }
    }
    all
}

fn protocol_doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
    std::fs::read_to_string(path).expect("docs/protocol.md exists")
}

/// The ```json blocks of a markdown document.
fn json_blocks(doc: &str) -> Vec<Value> {
    doc.split("```json\n")
        .skip(1)
        .map(|rest| {
            let block = rest.split("```").next().unwrap();
            serde_json::from_str(block)
                .unwrap_or_else(|e| panic!("bad JSON in protocol.md: {e}\n{block}"))
        })
        .collect()
}

#[test]
fn every_message_round_trips() {
    for message in client_messages() {
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(
            serde_json::from_str::<ClientMsg>(&json).unwrap(),
            message,
            "{json}"
        );
    }
    for message in server_messages() {
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(
            serde_json::from_str::<ServerMsg>(&json).unwrap(),
            message,
            "{json}"
        );
    }
}

#[test]
fn the_protocol_document_shows_every_message() {
    if std::env::var_os("RUCHE_PRINT_EXAMPLES").is_some() {
        for m in client_messages() {
            println!("```json\n{}\n```\n", serde_json::to_string(&m).unwrap());
        }
        for m in server_messages() {
            println!(
                "```json\n{}\n```\n",
                serde_json::to_string_pretty(&m).unwrap()
            );
        }
    }
    let blocks = json_blocks(&protocol_doc());
    let expected: Vec<Value> = client_messages()
        .iter()
        .map(|m| serde_json::to_value(m).unwrap())
        .chain(
            server_messages()
                .iter()
                .map(|m| serde_json::to_value(m).unwrap()),
        )
        .collect();
    for value in &expected {
        assert!(
            blocks.contains(value),
            "docs/protocol.md has no example of\n{value}"
        );
    }
}

#[test]
fn every_example_in_the_document_is_a_real_message() {
    for block in json_blocks(&protocol_doc()) {
        let as_client = serde_json::from_value::<ClientMsg>(block.clone())
            .ok()
            .map(|m| serde_json::to_value(m).unwrap());
        let as_server = serde_json::from_value::<ServerMsg>(block.clone())
            .ok()
            .map(|m| serde_json::to_value(m).unwrap());
        assert!(
            as_client.as_ref() == Some(&block) || as_server.as_ref() == Some(&block),
            "this example in docs/protocol.md is not a message (or has fields the code does not write):\n{block}"
        );
    }
}

#[test]
fn the_document_lists_every_error_code_and_violation_code() {
    let doc = protocol_doc();
    for code in error_codes() {
        let name = serde_json::to_value(code).unwrap();
        let name = name.as_str().unwrap();
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/protocol.md does not list error code `{name}`"
        );
    }
    for code in [
        "wrong_step",
        "step_closed",
        "budget_exceeded",
        "item_cap_exceeded",
        "own_idea",
        "score_out_of_range",
        "unknown_table",
        "unknown_item",
        "unknown_criterion",
        "unknown_seat",
        "unknown_step",
        "not_allowed_for_role",
        "empty_text",
        "text_too_long",
        "joining_locked",
        "name_taken",
        "not_your_idea",
        "idea_in_cluster",
        "item_has_votes",
        "too_few_items",
        "no_dots_left",
        "dot_cap_exceeded",
        "invisible_character",
        "table_idea_limit",
        "workshop_idea_limit",
    ] {
        assert!(
            doc.contains(&format!("`{code}`")),
            "docs/protocol.md does not list violation `{code}`"
        );
    }
}

#[test]
fn unknown_types_and_bad_fields_are_refused() {
    assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"dance"}"#).is_err());
    assert!(
        serde_json::from_str::<ClientMsg>(
            r#"{"type":"command","op":"x","command":{"type":"set_vote","item":"z1","points":1}}"#
        )
        .is_err()
    );
    assert!(
        serde_json::from_str::<ClientMsg>(
            r#"{"type":"command","op":"x","command":{"type":"set_vote","item":"i1","points":-1}}"#
        )
        .is_err()
    );
}
