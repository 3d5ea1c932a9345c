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
//! (The streams and the checks are `ruche_tests::crash`.)

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ruche_shared::Command;
use ruche_shared::protocol::{OpId, Seq};
use ruche_tests::crash::{
    FAST, Intent, Log, Rng, check_log, plan, rejoin, retry_all, stream, vote_room,
};
use ruche_tests::{Client, ServerProcess, get_as_facilitator};

const SERVER: &str = env!("CARGO_BIN_EXE_ruche-server-under-test");
const TABLES: usize = 50;

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
    let (created, tokens) = vote_room(server.addr, TABLES).await;
    let code = created.join_code.clone();
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
        retry_all(server.addr, &code, &tokens, &plans, &acked).await;
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

    let last_seq = check_log(&log, &created, &all_acked, &intents, &export).await;
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
