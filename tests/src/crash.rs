//! Tables streaming votes at a server that is killed, and the checks on its
//! log afterwards: shared by the crash harness (`tests/crash_cycles.rs`,
//! one server killed and restarted) and the failover test
//! (`tests/failover.rs`, servers behind a balancer on PostgreSQL).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ruche_shared::methods::{budget_vote, divergence};
use ruche_shared::protocol::{Auth, ClientMsg, OpId, Seq, ServerMsg};
use ruche_shared::{Command, IdeaId, ItemRef, TableId, Workshop, WorkshopConfig};
use serde_json::json;

use crate::{Client, CreatedWorkshop, create_workshop};

pub const IDEAS: u32 = 40;
pub const BUDGET: u32 = 30;
pub const CAP: u32 = 3;
/// Votes each table sends per cycle, one every [`GAP`]: 50 tables × 20/s.
pub const VOTES_PER_CYCLE: usize = 40;
pub const GAP: Duration = Duration::from_millis(50);
/// The harness is one address playing 50 tablets, faster than people tap.
pub const FAST: &[&str] = &[
    "--commands-per-second",
    "10000",
    "--join-attempts-per-minute",
    "100000",
];

/// A small deterministic generator (xorshift64*), so a failing run can be replayed.
pub struct Rng(pub u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// What a table means to leave: its points per idea.
pub type Intent = BTreeMap<u32, u32>;

/// The next votes of a table: each changes one idea's points and keeps the
/// table within its budget and the cap, so every one is accepted.
pub fn plan(
    rng: &mut Rng,
    intent: &mut Intent,
    table: usize,
    cycle: usize,
) -> Vec<(OpId, Command)> {
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

/// A room's tables voting through `addr`, each streaming its plan until the
/// server it reached is lost (the failover tests' load).
pub struct Voting {
    /// What each table means to have voted.
    pub intents: Vec<Intent>,
    /// Each table's votes, in order, with their operation ids.
    pub plans: Vec<Vec<(OpId, Command)>>,
    streams: Vec<tokio::task::JoinHandle<BTreeMap<OpId, Seq>>>,
}

impl Voting {
    /// Every table of `tokens` reconnects to `addr` and starts voting its
    /// plan, drawn from `seed`.
    pub async fn start(
        addr: std::net::SocketAddr,
        code: &str,
        tokens: &[String],
        seed: u64,
    ) -> Voting {
        let mut rng = Rng(seed | 1);
        let mut intents: Vec<Intent> = vec![Intent::new(); tokens.len()];
        let plans: Vec<Vec<(OpId, Command)>> = intents
            .iter_mut()
            .enumerate()
            .map(|(n, intent)| plan(&mut rng, intent, n, 0))
            .collect();
        let acks = Arc::new(AtomicUsize::new(0));
        let mut streams = Vec::new();
        for (n, token) in tokens.iter().enumerate() {
            let table = Client::connect(addr, rejoin(code, token), None).await;
            streams.push(tokio::spawn(stream(table, plans[n].clone(), acks.clone())));
        }
        Voting {
            intents,
            plans,
            streams,
        }
    }

    /// Waits for every table's stream to end (its server lost, or all
    /// answered); what each had acknowledged, and how many in all.
    pub async fn acknowledged(&mut self) -> (Vec<BTreeMap<OpId, Seq>>, usize) {
        let mut acked = Vec::new();
        for stream in self.streams.drain(..) {
            acked.push(stream.await.expect("the stream task ends"));
        }
        let count = acked.iter().map(BTreeMap::len).sum();
        (acked, count)
    }

    /// The crash harness's checks once the tables retried through `addr`:
    /// the `log` read directly against what was `acked` and what the tables
    /// meant, and against the export `addr` answers.
    pub async fn check(
        &self,
        addr: std::net::SocketAddr,
        log: &Log,
        created: &CreatedWorkshop,
        acked: Vec<BTreeMap<OpId, Seq>>,
    ) {
        let export = crate::get_as_facilitator(
            &format!(
                "http://{addr}/api/workshops/{}/export.json",
                created.workshop
            ),
            &created.facilitator_secret,
        )
        .await
        .json::<serde_json::Value>()
        .await
        .expect("the export is JSON");
        let all_acked: BTreeMap<OpId, Seq> = acked.into_iter().flatten().collect();
        check_log(log, created, &all_acked, &self.intents, &export).await;
    }
}

/// Sends one vote per [`GAP`] and reads answers, until the server dies or
/// all are answered. Returns the acknowledged operations and their `seq`.
pub async fn stream(
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
            crate::WAIT
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

pub fn rejoin(code: &str, token: &str) -> Auth {
    Auth::RejoinTable {
        code: code.into(),
        token: token.into(),
    }
}

/// The log the server under test writes to.
pub enum Log {
    /// A SQLite file.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database, by its address.
    Postgres(String),
}

impl Log {
    /// What `--db` says.
    pub fn arg(&self) -> &std::path::Path {
        match self {
            Log::Sqlite(path) => path,
            Log::Postgres(url) => std::path::Path::new(url),
        }
    }

    /// The workshop's settings and its events (seq, op, body) in order, read
    /// straight from the database, not through the server's code.
    pub async fn read(&self, workshop: &str) -> (String, Vec<(i64, Option<String>, String)>) {
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

/// Checks the log after crashes, read straight from the database and replayed
/// by the engine: no gap, every acknowledged vote exactly once, no vote
/// twice, no rule broken, each table's points what it meant, and the
/// server's exported histogram the log's. Returns the log's last `seq`.
pub async fn check_log(
    log: &Log,
    created: &CreatedWorkshop,
    all_acked: &BTreeMap<OpId, Seq>,
    intents: &[Intent],
    export: &serde_json::Value,
) -> i64 {
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
    last_seq
}

/// A workshop at its vote (step 2) with [`IDEAS`] ideas, and `tables` tables
/// joined: the workshop and each table's token.
pub async fn vote_room(
    addr: std::net::SocketAddr,
    tables: usize,
) -> (CreatedWorkshop, Vec<String>) {
    let created = create_workshop(
        addr,
        json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }),
    )
    .await;
    let mut facilitator = Client::facilitator(addr, &created).await;
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
    for n in 0..tables {
        let table = Client::join(addr, &created.join_code, &format!("Table {n}")).await;
        tokens.push(table.table_token.clone().unwrap());
        table.close().await;
    }
    facilitator.go_and_open(2).await;
    facilitator.close().await;
    (created, tokens)
}

/// Every table reconnects to `addr` with its token and retries all of its
/// `plans`, in order; a vote acknowledged before the loss must get its first
/// answer back (`acked`). Returns how long after the call the first retried
/// vote was accepted.
pub async fn retry_all(
    addr: std::net::SocketAddr,
    code: &str,
    tokens: &[String],
    plans: &[Vec<(OpId, Command)>],
    acked: &[BTreeMap<OpId, Seq>],
) -> Duration {
    let started = std::time::Instant::now();
    let first_accepted = Arc::new(std::sync::OnceLock::new());
    let mut retries = Vec::new();
    for (n, token) in tokens.iter().enumerate() {
        let mut table = Client::connect(addr, rejoin(code, token), None).await;
        let (votes, acked) = (plans[n].clone(), acked[n].clone());
        let first_accepted = first_accepted.clone();
        retries.push(tokio::spawn(async move {
            for (op, command) in votes {
                match table.command_with_op(op.clone(), command).await {
                    ServerMsg::Accepted { seq, .. } => {
                        first_accepted.get_or_init(|| started.elapsed());
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
    first_accepted.get().copied().unwrap_or_default()
}
