//! Logs written by an earlier release still load. `tests/fixtures/round1.db` is
//! a SQLite event log written by the round-1 server (before the engine, the
//! wire and the stored snapshots were reorganised): the source's workshops
//! played through real WebSockets, with snapshots taken along the way (every
//! 7 events), a hidden idea, a withdrawn one, an edited one, a cluster, votes,
//! scores and a scoring step whose items came from a vote.
//!
//! `round1.json` holds what that server said about them before it stopped:
//! each workshop's credentials, one table's token, and its JSON export. A
//! server started on a copy of the log must give the same exports, let the
//! table rejoin with its token, and answer a retried operation as before.
//!
//! The fixture is written by the ignored test at the end:
//! `cargo test -p ruche-tests --test compat -- --ignored write_round1_fixture`.
//! It was run once, on the round-1 code; it is not run again (a fixture
//! rewritten by today's code would prove nothing).

use std::path::{Path, PathBuf};

use ruche_shared::flow;
use ruche_shared::methods::{budget_vote, divergence, grouping, scoring};
use ruche_shared::protocol::{Auth, OpId, ServerMsg};
use ruche_shared::source::{
    REFUGIES_IDEAS, REFUGIES_QUESTION, REFUGIES_SCORES, SALLE_IDEAS, SALLE_MERGE, SALLE_QUESTION,
    salle_vote_plans,
};
use ruche_shared::{Command, IdeaId, ItemRef};
use ruche_tests::{Client, TestServer, assert_verifies, get_as_facilitator};
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// An export without what round 1's did not carry (the log and its chain).
fn figures(mut export: Value) -> Value {
    let object = export.as_object_mut().unwrap();
    for added in ["setup", "created_at_ms", "log", "log_hash"] {
        object.remove(added);
    }
    // A vote's histogram now also counts its tables (`tables_total`, for the
    // screens that no longer get each table's budget): it must agree with
    // the tables listed; the rest is round 1's.
    for vote in object
        .get_mut("votes")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(histogram) = vote.get_mut("histogram").and_then(Value::as_object_mut) {
            let listed = histogram
                .get("tables")
                .and_then(Value::as_array)
                .map(|tables| tables.len() as u64);
            let total = histogram.remove("tables_total").and_then(|t| t.as_u64());
            assert_eq!(total, listed, "tables_total counts the tables listed");
        }
    }
    export
}

async fn export(server: &TestServer, workshop: &str, secret: &str) -> Value {
    let response = get_as_facilitator(
        &server.url(&format!("/api/workshops/{workshop}/export.json")),
        secret,
    )
    .await;
    assert!(response.status().is_success(), "export of {workshop}");
    response.json().await.expect("a JSON export")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round1_log_recovers_with_the_same_results() {
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("round1.json")).unwrap())
            .unwrap();
    let fixture_db = fixtures().join("round1.db");
    let server = TestServer::spawn_with(|settings| {
        std::fs::copy(&fixture_db, settings.db.file().expect("a file"))
            .expect("copy the fixture log");
    })
    .await;
    let workshops = recorded["workshops"].as_array().unwrap();
    assert_eq!(workshops.len(), 3);
    for workshop in workshops {
        let id = workshop["id"].as_str().unwrap();
        let secret = workshop["secret"].as_str().unwrap();
        let code = workshop["join_code"].as_str().unwrap();
        let now = export(&server, id, secret).await;
        // Exports now carry the log to re-count them (round 1's did not):
        // the round-1 log replays from its first event to the same figures,
        // and verifies.
        assert_verifies(&now);
        assert_eq!(
            figures(now),
            workshop["export"],
            "workshop {id} recovered with other results"
        );

        // The table rejoins as itself, with its points and scores.
        let token = workshop["table_token"].as_str().unwrap().to_owned();
        let mut table = Client::connect(
            server.addr,
            Auth::RejoinTable {
                code: code.to_owned(),
                token,
            },
            None,
        )
        .await;
        assert_eq!(
            serde_json::to_value(table.role).unwrap(),
            json!({"role": "table", "table": 0})
        );
        // Its last operation, sent again, gets its first answer: not applied twice.
        let op = OpId(workshop["last_op"]["op"].as_str().unwrap().to_owned());
        let command: Command =
            serde_json::from_value(workshop["last_op"]["command"].clone()).unwrap();
        let seq = workshop["last_op"]["seq"].as_u64().unwrap();
        match table.command_with_op(op, command).await {
            ServerMsg::Accepted { seq: again, .. } => assert_eq!(again, seq),
            other => panic!("the retry got {other:?}"),
        }
        table.close().await;
        assert_eq!(
            figures(export(&server, id, secret).await),
            workshop["export"],
            "a retry changed workshop {id}"
        );
    }
    server.stop().await;
}

/// What the fixture records of one workshop.
struct Played {
    id: String,
    secret: String,
    join_code: String,
    table_token: String,
    last_op: Value,
}

/// Sends a command as table 1 with a known op id, keeping it as the one to retry.
async fn table_command(table: &mut Client, command: Command, n: &mut u32) -> Value {
    *n += 1;
    let op = OpId(format!("fixture-op-{n}"));
    let seq = match table.command_with_op(op.clone(), command.clone()).await {
        ServerMsg::Accepted { seq, .. } => seq,
        other => panic!("{command:?} got {other:?}"),
    };
    json!({ "op": op.0, "command": command, "seq": seq })
}

async fn play_ideation(server: &TestServer, template: &str) -> Played {
    let created = server
        .create(json!({ "template": template, "title": "Salle municipale", "question": SALLE_QUESTION }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut tables = Vec::new();
    for n in 1..=5 {
        tables.push(Client::join(server.addr, &created.join_code, &format!("Table {n}")).await);
    }
    let mut n = 0;
    facilitator
        .accepted(Command::OpenStep(flow::OpenStep {
            duration_secs: Some(600),
        }))
        .await;
    for (table, texts) in tables.iter_mut().zip(SALLE_IDEAS) {
        for text in texts {
            table
                .accepted(Command::SubmitIdea(divergence::SubmitIdea {
                    text: text.into(),
                    category: None,
                    seat: None,
                }))
                .await;
        }
    }
    // Table 2 writes an idea then withdraws it; table 3 edits one of its own.
    tables[1].submit("Une idée retirée").await;
    tables[1]
        .accepted(Command::DeleteIdea(divergence::DeleteIdea {
            idea: IdeaId(15),
        }))
        .await;
    tables[2]
        .accepted(Command::EditIdea(divergence::EditIdea {
            idea: IdeaId(6),
            text: format!("{} (précisé)", SALLE_IDEAS[2][0]),
        }))
        .await;
    // The facilitator types in an idea, then hides it (moderation).
    facilitator.submit("Un texte hors sujet").await;
    facilitator
        .accepted(Command::GoToStep(flow::GoToStep { step: 1 }))
        .await;
    facilitator
        .accepted(Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: IdeaId(16),
            hidden: true,
        }))
        .await;
    let ([a, b], title) = SALLE_MERGE;
    facilitator
        .accepted(Command::MergeItems(grouping::MergeItems {
            items: vec![ItemRef::Idea(IdeaId(a)), ItemRef::Idea(IdeaId(b))],
            title: Some(title.into()),
        }))
        .await;
    facilitator.go_and_open(2).await;
    facilitator.show_results(true).await;
    let mut last_op = Value::Null;
    for (index, (table, plan)) in tables.iter_mut().zip(salle_vote_plans()).enumerate() {
        for (item, points) in plan {
            let command = Command::SetVote(budget_vote::SetVote { item, points });
            if index == 0 {
                last_op = table_command(table, command, &mut n).await;
            } else {
                table.accepted(command).await;
            }
        }
    }
    if template == "ideation_then_evaluation" {
        facilitator.go_and_open(3).await;
        for (t, table) in tables.iter_mut().enumerate() {
            for seat in 1..=3_u8 {
                for item in 0..5_u32 {
                    for criterion in 0..3_u32 {
                        let score =
                            Some(((t as u32 + u32::from(seat) + item * criterion) % 11) as u8);
                        let command = Command::SetScore(scoring::SetScore {
                            seat,
                            item,
                            criterion,
                            score,
                        });
                        if t == 0 {
                            last_op = table_command(table, command, &mut n).await;
                        } else {
                            table.accepted(command).await;
                        }
                    }
                }
            }
        }
        facilitator
            .accepted(Command::CloseStep(flow::CloseStep {}))
            .await;
    }
    facilitator
        .accepted(Command::GoToStep(flow::GoToStep { step: 3 }))
        .await;
    Played {
        id: created.workshop.clone(),
        secret: created.facilitator_secret.clone(),
        join_code: created.join_code.clone(),
        table_token: tables[0].table_token.clone().unwrap(),
        last_op,
    }
}

async fn play_evaluation(server: &TestServer) -> Played {
    let created = server
        .create(json!({
            "template": "evaluation",
            "title": "Accueil des réfugiés",
            "question": REFUGIES_QUESTION,
            "items": REFUGIES_IDEAS,
        }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut tables = Vec::new();
    for n in 1..=5 {
        tables.push(Client::join(server.addr, &created.join_code, &format!("Table {n}")).await);
    }
    facilitator.open_step().await;
    let mut n = 100;
    let mut last_op = Value::Null;
    for (item, per_criterion) in REFUGIES_SCORES.iter().enumerate() {
        for (criterion, people) in per_criterion.iter().enumerate() {
            for (person, score) in people.iter().enumerate() {
                let command = Command::SetScore(scoring::SetScore {
                    seat: (person % 3) as u8 + 1,
                    item: item as u32,
                    criterion: criterion as u32,
                    score: Some(*score),
                });
                if person / 3 == 0 {
                    last_op = table_command(&mut tables[0], command, &mut n).await;
                } else {
                    tables[person / 3].accepted(command).await;
                }
            }
        }
    }
    facilitator.show_results(true).await;
    Played {
        id: created.workshop.clone(),
        secret: created.facilitator_secret.clone(),
        join_code: created.join_code.clone(),
        table_token: tables[0].table_token.clone().unwrap(),
        last_op,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes the fixture; run once by hand on the release whose logs must keep loading"]
async fn write_round1_fixture() {
    let server = TestServer::spawn_with(|settings| settings.snapshot_every = 7).await;
    let played = vec![
        play_ideation(&server, "ideation").await,
        play_evaluation(&server).await,
        play_ideation(&server, "ideation_then_evaluation").await,
    ];
    let mut workshops = Vec::new();
    for p in &played {
        workshops.push(json!({
            "id": p.id,
            "secret": p.secret,
            "join_code": p.join_code,
            "table_token": p.table_token,
            "last_op": p.last_op,
            "export": export(&server, &p.id, &p.secret).await,
        }));
    }
    let (dir, db) = server.stop_keeping_files().await;
    std::fs::create_dir_all(fixtures()).unwrap();
    // One self-contained file, without the WAL beside it.
    let _ = std::fs::remove_file(fixtures().join("round1.db"));
    let connection = rusqlite::Connection::open(&db).unwrap();
    connection
        .execute(
            "VACUUM INTO ?1",
            [fixtures().join("round1.db").to_str().unwrap()],
        )
        .unwrap();
    drop(dir);
    let recorded = json!({
        "written_by": "ruche round 1 (before 'One method, one place')",
        "workshops": workshops,
    });
    std::fs::write(
        fixtures().join("round1.json"),
        serde_json::to_string_pretty(&recorded).unwrap() + "\n",
    )
    .unwrap();
}
