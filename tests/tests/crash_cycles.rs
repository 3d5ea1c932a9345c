//! The crash harness: 50 tables stream votes (about 1,000 per second in all)
//! to the real server binary, which is `kill -9`ed at a random moment; it is
//! restarted on the same database, every table reconnects and retries all of
//! its votes of that cycle with the same operation ids, and then:
//!
//! - every acknowledged vote is in the log exactly once (one row with its
//!   operation id), and its retry got the first answer back (same `seq`);
//! - replaying the log with the engine gives a workshop where no table spent
//!   more than its budget or more than the cap on an item;
//! - the histogram recomputed from the log equals the server's export and the
//!   votes the tables meant to leave.
//!
//! On both logs: the SQLite file and PostgreSQL (a server of the test's own).
//! 3 cycles by default (CI); `RUCHE_CRASH_CYCLES=50` for the full run, whose
//! figures go in `docs/reliability.md`. `RUCHE_CRASH_SEED` replays a run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ruche_shared::methods::{budget_vote, divergence};
use ruche_shared::protocol::{Auth, ClientMsg, OpId, Seq, ServerMsg};
use ruche_shared::{Command, IdeaId, ItemRef, TableId, Workshop, WorkshopConfig};
use ruche_tests::{Client, ServerProcess, create_workshop, get_as_facilitator};
use serde_json::json;

const SERVER: &str = env!("CARGO_BIN_EXE_ruche-server-under-test");
const TABLES: usize = 50;
const IDEAS: u32 = 40;
const BUDGET: u32 = 30;
const CAP: u32 = 3;
/// Votes each table sends per cycle, one every [`GAP`]: 50 tables × 20/s.
const VOTES_PER_CYCLE: usize = 40;
const GAP: Duration = Duration::from_millis(50);
/// The harness is one address playing 50 tablets, faster than people tap.
const FAST: &[&str] = &[
    "--commands-per-second",
    "10000",
    "--join-attempts-per-minute",
    "100000",
];

/// A small deterministic generator (xorshift64*), so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What a table means to leave: its points per idea.
type Intent = BTreeMap<u32, u32>;

/// The next votes of a table: each changes one idea's points and keeps the
/// table within its budget and the cap, so every one is accepted.
fn plan(rng: &mut Rng, intent: &mut Intent, table: usize, cycle: usize) -> Vec<(OpId, Command)> {
    (0..VOTES_PER_CYCLE)
        .map(|k| {
            let spent: u32 = intent.values().sum();
            let (idea, points) = loop {
                let idea = rng.below(u64::from(IDEAS)) as u32;
                let current = intent.get(&idea).copied().unwrap_or(0);
                let points = rng.below(u64::from(CAP) + 1) as u32;
                if points != current && spent - current + points <= BUDGET {
                    break (idea, points);
                }
            };
            intent.insert(idea, points);
            (
                OpId(format!("c{cycle}-t{table}-{k}")),
                Command::SetVote(budget_vote::SetVote {
                    item: ItemRef::Idea(IdeaId(idea)),
                    points,
                }),
            )
        })
        .collect()
}

/// Sends one vote per [`GAP`] and reads answers, until the server dies or
/// all are answered. Returns the acknowledged operations and their `seq`.
async fn stream(
    mut table: Client,
    votes: Vec<(OpId, Command)>,
    acks: Arc<AtomicUsize>,
) -> BTreeMap<OpId, Seq> {
    let mut acked = BTreeMap::new();
    let mut unsent = votes.iter();
    let mut next_send = tokio::time::Instant::now();
    while acked.len() < votes.len() {
        if tokio::time::Instant::now() >= next_send
            && let Some((op, command)) = unsent.next()
        {
            let message = ClientMsg::Command {
                op: op.clone(),
                command: command.clone(),
            };
            if !table.try_send(&message).await {
                break;
            }
            next_send += GAP;
        }
        let wait = if unsent.len() == 0 {
            ruche_tests::WAIT
        } else {
            next_send
                .saturating_duration_since(tokio::time::Instant::now())
                .max(Duration::from_millis(1))
        };
        match tokio::time::timeout(wait, table.try_recv()).await {
            Err(_) => {}
            Ok(Some(ServerMsg::Accepted { op, seq })) => {
                acked.insert(op, seq);
                acks.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Some(ServerMsg::Rejected { op, violation, .. })) => {
                panic!("{op:?} refused: {violation}")
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
        }
    }
    acked
}

fn rejoin(code: &str, token: &str) -> Auth {
    Auth::RejoinTable {
        code: code.into(),
        token: token.into(),
    }
}

/// The log the server under test writes to.
enum Log {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Log {
    /// What `--db` says.
    fn arg(&self) -> &std::path::Path {
        match self {
            Log::Sqlite(path) => path,
            Log::Postgres(url) => std::path::Path::new(url),
        }
    }

    /// The workshop's settings and its events (seq, op, body) in order, read
    /// straight from the database, not through the server's code.
    async fn read(&self, workshop: &str) -> (String, Vec<(i64, Option<String>, String)>) {
        match self {
            Log::Sqlite(path) => {
                let log = rusqlite::Connection::open(path).unwrap();
                let config: String = log
                    .query_row(
                        "SELECT config FROM workshops WHERE id = ?1",
                        [workshop],
                        |row| row.get(0),
                    )
                    .unwrap();
                let mut statement = log
                    .prepare("SELECT seq, op, body FROM events WHERE workshop = ?1 ORDER BY seq")
                    .unwrap();
                let rows = statement
                    .query_map([workshop], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                (config, rows)
            }
            Log::Postgres(url) => {
                let (url, workshop) = (url.clone(), workshop.to_owned());
                tokio::task::spawn_blocking(move || {
                    let mut log = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    let config = log
                        .query_one("SELECT config FROM ruche.workshops WHERE id = $1", &[&workshop])
                        .unwrap()
                        .get(0);
                    let rows = log
                        .query(
                            "SELECT seq, op, body FROM ruche.events WHERE workshop = $1 ORDER BY seq",
                            &[&workshop],
                        )
                        .unwrap()
                        .into_iter()
                        .map(|row| (row.get(0), row.get(1), row.get(2)))
                        .collect();
                    (config, rows)
                })
                .await
                .unwrap()
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_random_moments_loses_nothing_and_counts_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    harness(Log::Sqlite(dir.path().join("ruche.db"))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_kill_9_at_random_moments_loses_nothing_and_counts_nothing_twice() {
    let Some(postgres) = ruche_tests::postgres::Postgres::start() else {
        return;
    };
    harness(Log::Postgres(postgres.new_database())).await;
}

async fn harness(log: Log) {
    let db = log.arg();
    let cycles: usize = std::env::var("RUCHE_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("RUCHE_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("crash harness: {cycles} cycles, RUCHE_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let mut server = ServerProcess::start(SERVER, db, FAST).await;
    let created = create_workshop(
        server.addr,
        json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }),
    )
    .await;
    let code = created.join_code.clone();
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    facilitator.go_and_open(0).await;
    for n in 0..IDEAS {
        facilitator
            .accepted(Command::SubmitIdea(divergence::SubmitIdea {
                text: format!("Idée {n}"),
                category: None,
                seat: None,
            }))
            .await;
    }
    let mut tokens = Vec::new();
    for n in 0..TABLES {
        let table = Client::join(server.addr, &code, &format!("Table {n}")).await;
        tokens.push(table.table_token.clone().unwrap());
        table.close().await;
    }
    facilitator.go_and_open(2).await;
    facilitator.close().await;

    let mut intents: Vec<Intent> = vec![Intent::new(); TABLES];
    let mut all_acked: BTreeMap<OpId, Seq> = BTreeMap::new();
    let mut rates = Vec::new();
    let mut back_after = Vec::new();
    for cycle in 0..cycles {
        let plans: Vec<Vec<(OpId, Command)>> = intents
            .iter_mut()
            .enumerate()
            .map(|(n, intent)| plan(&mut rng, intent, n, cycle))
            .collect();
        let acks = Arc::new(AtomicUsize::new(0));
        let mut streams = Vec::new();
        for (n, token) in tokens.iter().enumerate() {
            let table = Client::connect(server.addr, rejoin(&code, token), None).await;
            streams.push(tokio::spawn(stream(table, plans[n].clone(), acks.clone())));
        }
        // Kill somewhere in the stream (which lasts VOTES_PER_CYCLE × GAP = 2 s).
        let started = Instant::now();
        let kill_at = Duration::from_millis(200 + rng.below(1_600));
        tokio::time::sleep(kill_at).await;
        let acked_before_kill = acks.load(Ordering::Relaxed);
        server.kill().await;
        let killed = Instant::now();
        rates.push(acked_before_kill as f64 / started.elapsed().as_secs_f64());
        let mut acked: Vec<BTreeMap<OpId, Seq>> = Vec::new();
        for stream in streams {
            acked.push(stream.await.expect("the stream task ends"));
        }

        // Restart; every table retries all its votes of the cycle, in order.
        server = ServerProcess::start(SERVER, db, FAST).await;
        // Back and serving (on PostgreSQL, once the killed server's leases ran out).
        back_after.push(killed.elapsed());
        let mut retries = Vec::new();
        for (n, token) in tokens.iter().enumerate() {
            let mut table = Client::connect(server.addr, rejoin(&code, token), None).await;
            let (votes, acked) = (plans[n].clone(), acked[n].clone());
            retries.push(tokio::spawn(async move {
                for (op, command) in votes {
                    match table.command_with_op(op.clone(), command).await {
                        ServerMsg::Accepted { seq, .. } => {
                            if let Some(first) = acked.get(&op) {
                                assert_eq!(
                                    seq, *first,
                                    "the retry of acknowledged {op:?} must get its first answer"
                                );
                            }
                        }
                        other => panic!("retry of {op:?}: {other:?}"),
                    }
                }
                table.close().await;
            }));
        }
        for retry in retries {
            retry.await.expect("every retry is answered");
        }
        for table in acked {
            all_acked.extend(table);
        }
    }
    let export = get_as_facilitator(
        &format!(
            "http://{}/api/workshops/{}/export.json",
            server.addr, created.workshop
        ),
        &created.facilitator_secret,
    )
    .await
    .json::<serde_json::Value>()
    .await
    .unwrap();
    server.kill().await;

    // The log, read directly, replayed by the engine.
    let (config, rows) = log.read(&created.workshop).await;
    let config: WorkshopConfig = serde_json::from_str(&config).unwrap();
    let mut replayed = Workshop::new(config);
    let mut ops_logged: BTreeMap<String, usize> = BTreeMap::new();
    let mut last_seq = 0;
    for (seq, op, body) in rows {
        assert_eq!(seq, last_seq + 1, "the log has no gap and no repeat");
        last_seq = seq;
        replayed
            .apply(&serde_json::from_str(&body).unwrap())
            .expect("the log replays");
        if let Some(op) = op {
            *ops_logged.entry(op).or_default() += 1;
        }
    }
    for op in all_acked.keys() {
        assert_eq!(
            ops_logged.get(&op.0),
            Some(&1),
            "acknowledged {op:?} must be in the log exactly once"
        );
    }
    // A vote is one event: none may be there twice, acknowledged or not.
    // (Other commands, like moving to a step, may log several events.)
    let twice: Vec<_> = ops_logged
        .iter()
        .filter(|(op, n)| op.starts_with('c') && **n > 1)
        .collect();
    assert!(twice.is_empty(), "votes logged twice: {twice:?}");

    // No rule broken, and the histogram is what the tables meant.
    let ledger = replayed.vote_ledger(2).expect("a vote step");
    assert!(ledger.check_sums(), "running sums agree with the ledger");
    for (n, intent) in intents.iter().enumerate() {
        let table = TableId(n as u32);
        assert!(ledger.spent(table) <= BUDGET, "table {n} overspent");
        for idea in 0..IDEAS {
            let points = ledger.points(table, ItemRef::Idea(IdeaId(idea)));
            assert!(points <= CAP, "table {n} gave {points} to one idea");
            assert_eq!(
                points,
                intent.get(&idea).copied().unwrap_or(0),
                "table {n}, idea {idea}"
            );
        }
    }
    let recomputed = replayed.vote_histogram(2).unwrap();
    let exported: ruche_shared::methods::budget_vote::histogram::VoteHistogram =
        serde_json::from_value(export["votes"][0]["histogram"].clone()).unwrap();
    assert_eq!(exported, recomputed, "the server's histogram is the log's");
    let mean_rate = rates.iter().sum::<f64>() / rates.len() as f64;
    eprintln!(
        "crash harness: {cycles} cycles, {} votes acknowledged before kills and all found once; \
         {} events in the log; acknowledged rate before each kill: mean {mean_rate:.0}/s, min {:.0}/s",
        all_acked.len(),
        last_seq,
        rates.iter().copied().fold(f64::INFINITY, f64::min),
    );
    eprintln!(
        "crash harness: serving again after each kill -9 in {:?}",
        back_after
    );
}
