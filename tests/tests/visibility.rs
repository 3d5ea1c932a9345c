//! Who sees what, on every path a frame can take: live delivery, catch-up
//! from every sequence number, and snapshots. A hidden idea's text, another
//! table's points and scores, never reach a table, the wall or a guest; and a
//! connection receives events in `seq` order across its shared and private
//! streams.

use ruche_shared::flow;
use ruche_shared::methods::{budget_vote, divergence, grouping, scoring};
use ruche_shared::protocol::{Auth, Seq, ServerMsg};
use ruche_shared::{Command, Event, IdeaId, ItemRef, Role, TableId};
use ruche_tests::{Client, TestServer};
use serde_json::json;

const HIDDEN: &str = "Texte masqué par l'animateur";

/// What a non-facilitator connection must never read in `message`.
fn check_frame(message: &ServerMsg, me: Role) {
    let json = serde_json::to_string(message).unwrap();
    assert!(!json.contains(HIDDEN), "{me:?} reads hidden text: {json}");
    let foreign = |table: &TableId| Role::Table(*table) != me;
    let events: Vec<&Event> = match message {
        ServerMsg::Events { events } => events.iter().map(|e| &e.event).collect(),
        _ => Vec::new(),
    };
    for event in events {
        match event {
            Event::VoteSet(budget_vote::VoteSet { table, .. })
            | Event::ScoreSet(scoring::ScoreSet { table, .. })
                if foreign(table) =>
            {
                panic!("{me:?} reads another table's points or scores: {event:?}")
            }
            _ => {}
        }
    }
    if let ServerMsg::Snapshot { workshop, .. } = message {
        let workshop =
            ruche_shared::Workshop::from_view((**workshop).clone()).expect("a readable snapshot");
        for step in 0..workshop.config().steps().len() {
            if let Some(ledger) = workshop.vote_ledger(step) {
                for table in workshop.tables() {
                    if Role::Table(table.id) != me {
                        assert_eq!(ledger.spent(table.id), 0, "{me:?} sees {table:?}'s points");
                    }
                }
            }
        }
    }
}

/// The sequence numbers of the events in `messages`, in the order received.
fn event_seqs(messages: &[ServerMsg]) -> Vec<Seq> {
    messages
        .iter()
        .flat_map(|m| match m {
            ServerMsg::Events { events } => events.iter().map(|e| e.seq).collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn strictly_increasing(seqs: &[Seq]) -> bool {
    seqs.windows(2).all(|pair| pair[0] < pair[1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_hidden_text_or_foreign_points_on_any_path_and_events_in_order() {
    // A long window, so that a table's vote and another table's arrival
    // land in one batch (the order bug needed both in one flush).
    let server = TestServer::spawn_with(|s| {
        s.coalesce_window = std::time::Duration::from_millis(150);
        // Fixed, not grown or shrunk with the room.
        s.coalesce_floor = s.coalesce_window;
        s.join_attempts_per_minute = 100_000;
    })
    .await;
    let created = server
        .create(json!({ "template": "ideation", "title": "T", "question": "Q ?" }))
        .await;
    let code = created.join_code.clone();
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut wall = Client::wall(server.addr, &code).await;
    let mut a = Client::join(server.addr, &code, "A").await;
    let mut b = Client::join(server.addr, &code, "B").await;
    let token_b = b.table_token.clone().unwrap();

    facilitator.open_step().await;
    a.submit("Idée de A").await;
    b.submit("Idée de B").await;
    facilitator
        .accepted(Command::SubmitIdea(divergence::SubmitIdea {
            text: HIDDEN.into(),
            category: None,
            seat: None,
        }))
        .await;
    facilitator
        .accepted(Command::GoToStep(flow::GoToStep { step: 1 }))
        .await;
    facilitator
        .accepted(Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: IdeaId(2),
            hidden: true,
        }))
        .await;
    facilitator
        .accepted(Command::EditIdea(divergence::EditIdea {
            idea: IdeaId(2),
            text: format!("{HIDDEN}, corrigé"),
        }))
        .await;
    facilitator.go_and_open(2).await;
    a.vote(1, 3).await;
    // Table B votes and table C arrives in the same window.
    let vote = Command::SetVote(budget_vote::SetVote {
        item: ItemRef::Idea(IdeaId(0)),
        points: 2,
    });
    let (vote_seq, c) = tokio::join!(b.accepted(vote), Client::join(server.addr, &code, "C"));
    facilitator.show_results(true).await;
    let last = facilitator
        .accepted(Command::CloseStep(flow::CloseStep {}))
        .await;
    assert!(vote_seq < last);

    // Live: everything each one saw up to the last event.
    let reached_last = |m: &ServerMsg| matches!(m, ServerMsg::Events { events } if events.iter().any(|e| e.seq == last));
    for (client, role) in [(&mut wall, Role::Wall), (&mut b, Role::Table(TableId(1)))] {
        let seen = client.messages_until("the last event", reached_last).await;
        for message in &seen {
            check_frame(message, role);
        }
        let seqs = event_seqs(&seen);
        assert!(
            strictly_increasing(&seqs),
            "{role:?} got events out of order: {seqs:?}"
        );
        if role == Role::Table(TableId(1)) {
            assert!(seqs.contains(&vote_seq), "table B got its own vote");
        }
    }
    drop((a, c));

    // Catch-up from every sequence number, and a snapshot (no last_seq).
    let from: Vec<Option<Seq>> = std::iter::once(None).chain((0..=last).map(Some)).collect();
    for last_seq in from {
        let audiences = [
            (Auth::Wall { code: code.clone() }, Role::Wall),
            (
                Auth::RejoinTable {
                    code: code.clone(),
                    token: token_b.clone(),
                },
                Role::Table(TableId(1)),
            ),
        ];
        for (auth, role) in audiences {
            let mut client = Client::connect(server.addr, auth, last_seq).await;
            // Results are revealed: they close the first frames.
            let seen = client
                .messages_until("the first results", |m| {
                    matches!(m, ServerMsg::Results { .. })
                })
                .await;
            for message in &seen {
                check_frame(message, role);
            }
            let seqs = event_seqs(&seen);
            assert!(
                strictly_increasing(&seqs),
                "{role:?} from {last_seq:?}: {seqs:?}"
            );
            assert!(
                seqs.iter().all(|seq| Some(*seq) > last_seq),
                "{role:?} from {last_seq:?} got old events: {seqs:?}"
            );
            client.close().await;
        }
    }
    server.stop().await;
}
