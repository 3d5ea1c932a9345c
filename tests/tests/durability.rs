//! Durability: the real server binary is `kill -9`ed while tables stream
//! commands, restarted on the same database, and the tables retry what was not
//! acknowledged, with the same operation ids. Every acknowledged operation must
//! be there exactly once, retries must not count twice, and the results must
//! equal what the tables sent.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ruche_shared::methods::{budget_vote, divergence};
use ruche_shared::protocol::{Auth, ClientMsg, OpId, ServerMsg};
use ruche_shared::{Command, IdeaId, ItemRef};
use ruche_tests::{Client, ServerProcess, WAIT, create_workshop, get_as_facilitator};
use serde_json::json;

const SERVER: &str = env!("CARGO_BIN_EXE_ruche-server-under-test");
const TABLES: usize = 8;
/// Operations each table streams per crash.
const OPS: usize = 40;
/// The stream is spread over time (one operation per table every few
/// milliseconds, 1,600 per second in all) so that the kill lands mid-stream.
const GAP: std::time::Duration = std::time::Duration::from_millis(5);
/// The crash test streams faster than a person taps: lift the per-tablet limit.
const FAST: &[&str] = &["--commands-per-second", "10000"];

/// One table's stream: every operation is sent at once (pipelined, as a
/// tablet with a queue would after a reconnect), then answers are read until
/// all arrive or the server dies. Returns the operation ids acknowledged.
async fn stream(
    mut table: Client,
    ops: Vec<(OpId, Command)>,
    acks: Arc<AtomicUsize>,
) -> BTreeSet<OpId> {
    let mut acked = BTreeSet::new();
    let mut unsent = ops.iter();
    while acked.len() < ops.len() {
        // Send the next operation, then read answers for one gap.
        let waiting = match unsent.next() {
            Some((op, command)) => {
                let message = ClientMsg::Command {
                    op: op.clone(),
                    command: command.clone(),
                };
                if !table.try_send(&message).await {
                    break; // killed
                }
                GAP
            }
            None => WAIT,
        };
        let next = match tokio::time::timeout(waiting, table.try_recv()).await {
            Ok(next) => next,
            Err(_) => continue, // nothing in this gap
        };
        match next {
            Some(ServerMsg::Accepted { op, .. }) => {
                acked.insert(op);
                acks.fetch_add(1, Ordering::SeqCst);
            }
            Some(ServerMsg::Rejected { op, violation, .. }) => {
                panic!("{op:?} refused: {violation}")
            }
            Some(_) => {}
            None => break, // killed
        }
    }
    acked
}

/// Streams `ops_of(table)` from every table, kills the server once `kill_after`
/// acknowledgements are in, restarts it, and retries what was not
/// acknowledged. Returns the new server and every table's tokens.
async fn crash_and_recover(
    server: ServerProcess,
    db: &std::path::Path,
    code: &str,
    tokens: &[String],
    ops_of: impl Fn(usize) -> Vec<(OpId, Command)>,
    kill_after: usize,
) -> ServerProcess {
    let acks = Arc::new(AtomicUsize::new(0));
    let mut streams = Vec::new();
    for (n, token) in tokens.iter().enumerate() {
        let rejoin = Auth::RejoinTable {
            code: code.into(),
            token: token.clone(),
        };
        let table = Client::connect(server.addr, rejoin, None).await;
        streams.push(tokio::spawn(stream(table, ops_of(n), acks.clone())));
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    while acks.load(Ordering::SeqCst) < kill_after {
        assert!(
            tokio::time::Instant::now() < deadline,
            "acknowledgements too slow"
        );
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    server.kill().await;
    let mut acked = Vec::new();
    for stream in streams {
        acked.push(stream.await.expect("the stream task ends"));
    }
    let total: usize = acked.iter().map(BTreeSet::len).sum();
    let sent: usize = (0..tokens.len()).map(|n| ops_of(n).len()).sum();
    assert!(
        total >= kill_after && total < sent,
        "the kill must land mid-stream ({total} of {sent} acknowledged)"
    );

    let server = ServerProcess::start(SERVER, db, FAST).await;
    for (n, token) in tokens.iter().enumerate() {
        let rejoin = Auth::RejoinTable {
            code: code.into(),
            token: token.clone(),
        };
        let mut table = Client::connect(server.addr, rejoin, None).await;
        // Retry everything: acknowledged operations must get their first answer
        // back and change nothing; the others are applied now.
        for (op, command) in ops_of(n) {
            match table.command_with_op(op.clone(), command).await {
                ServerMsg::Accepted { .. } => {}
                other => panic!(
                    "retry of {op:?} (acknowledged before: {}): {other:?}",
                    acked[n].contains(&op)
                ),
            }
        }
        table.close().await;
    }
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_commands_survive_kill_9_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ruche.db");
    let server = ServerProcess::start(SERVER, &db, FAST).await;
    let created = create_workshop(
        server.addr,
        json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }),
    )
    .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut tokens = Vec::new();
    for n in 0..TABLES {
        let table = Client::join(server.addr, &created.join_code, &format!("Table {n}")).await;
        tokens.push(table.table_token.clone().unwrap());
        table.close().await;
    }
    facilitator.open_step().await;
    facilitator.close().await;

    // Crash 1, during divergence: ideas are not idempotent, so a retry applied
    // twice would show as a duplicate.
    let ideas_of = |n: usize| -> Vec<(OpId, Command)> {
        (0..OPS)
            .map(|k| {
                (
                    OpId(format!("idea-{n}-{k}")),
                    Command::SubmitIdea(divergence::SubmitIdea {
                        text: format!("Idée {k} de la table {n}"),
                        category: None,
                        seat: None,
                    }),
                )
            })
            .collect()
    };
    let server = crash_and_recover(
        server,
        &db,
        &created.join_code,
        &tokens,
        ideas_of,
        TABLES * OPS / 4,
    )
    .await;
    let export = fetch_export(&server, &created).await;
    let texts: Vec<String> = export["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap().to_owned())
        .collect();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for text in &texts {
        *count.entry(text.as_str()).or_default() += 1;
    }
    let twice: Vec<&&str> = count
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(t, _)| t)
        .collect();
    assert!(
        twice.is_empty(),
        "{} ideas recorded more than once, e.g. {:?}",
        twice.len(),
        twice.first()
    );
    let expected: BTreeSet<String> = (0..TABLES)
        .flat_map(|n| (0..OPS).map(move |k| format!("Idée {k} de la table {n}")))
        .collect();
    let got: BTreeSet<String> = texts.iter().cloned().collect();
    assert_eq!(got.len(), expected.len(), "every idea sent is there");
    assert_eq!(got, expected);

    // Crash 2, during the vote: each table gives 3 points to 10 ideas of others.
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    facilitator.go_and_open(2).await;
    facilitator.close().await;
    let authors: Vec<usize> = texts
        .iter()
        .map(|t| t.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    let votes_of = |n: usize| -> Vec<(OpId, Command)> {
        (0..authors.len())
            .filter(|i| authors[*i] != n)
            .skip(n)
            .take(10)
            .map(|i| {
                let item = ItemRef::Idea(IdeaId(i as u32));
                (
                    OpId(format!("vote-{n}-{i}")),
                    Command::SetVote(budget_vote::SetVote { item, points: 3 }),
                )
            })
            .collect()
    };
    let mut expected_points: BTreeMap<String, u32> = BTreeMap::new();
    for n in 0..TABLES {
        for (_, command) in votes_of(n) {
            if let Command::SetVote(budget_vote::SetVote { item, points }) = command {
                *expected_points.entry(item.to_string()).or_default() += points;
            }
        }
    }
    let server = crash_and_recover(
        server,
        &db,
        &created.join_code,
        &tokens,
        &votes_of,
        TABLES * 10 / 4,
    )
    .await;
    let export = fetch_export(&server, &created).await;
    let histogram = &export["votes"][0]["histogram"];
    let got: BTreeMap<String, u32> = histogram["bars"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["points"].as_u64().unwrap() > 0)
        .map(|b| {
            (
                b["item"].as_str().unwrap().to_owned(),
                b["points"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    assert_eq!(
        got, expected_points,
        "the histogram equals what the tables sent"
    );
    assert!(
        histogram["tables"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["spent"] == 30)
    );
    server.kill().await;
}

async fn fetch_export(
    server: &ServerProcess,
    created: &ruche_shared::api::CreatedWorkshop,
) -> serde_json::Value {
    let url = format!(
        "http://{}/api/workshops/{}/export.json",
        server.addr, created.workshop
    );
    get_as_facilitator(&url, &created.facilitator_secret)
        .await
        .json()
        .await
        .unwrap()
}
