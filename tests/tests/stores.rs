//! The event log's contract, checked the same way on both backends: the
//! embedded SQLite file and PostgreSQL (a server of the test's own, see
//! `ruche_tests::postgres`). Whatever the backend, a group of appends is
//! all or nothing, workshops read back per workshop and in order, with their
//! tokens, snapshots and the operations a snapshot covers, deletion leaves
//! nothing, and a history holds every event.
//!
//! What only PostgreSQL promises is checked on it alone: a sequence number
//! is never written twice (the key that fences two writers), a lost
//! connection is opened again, and tables of another version are refused.

use ruche_server::store::postgres::PostgresLog;
use ruche_server::store::sqlite::SqliteLog;
use ruche_server::store::{
    Append, EventLog, LoadedWorkshop, LoggedEvent, StoreError, WorkshopRecord, leases,
};
use ruche_shared::Role;
use ruche_shared::{Event, TableId, Template, Workshop, WorkshopConfig, joining};
use ruche_tests::postgres::Postgres;

fn record(id: &str, code: &str, created_at_ms: u64) -> WorkshopRecord {
    let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
    WorkshopRecord {
        id: id.into(),
        code: code.into(),
        secret_hash: "h".into(),
        config: WorkshopConfig::new(setup).unwrap(),
        created_at_ms,
    }
}

fn append(workshop: &str, seq: u64) -> Append {
    let event = Event::JoiningLockedChanged(joining::JoiningLockedChanged {
        locked: seq.is_multiple_of(2),
    });
    Append {
        workshop: workshop.into(),
        events: vec![LoggedEvent {
            seq,
            event,
            principal: if seq.is_multiple_of(3) { "t1" } else { "f" }.into(),
            op: Some(format!("op{seq}")),
            at_ms: 1_000 + seq,
        }],
        table_token: None,
        snapshot: None,
    }
}

/// A server's log on `url`, serving it (read back first, as a server
/// does), with workshop "a" created.
fn serving_with_a(url: &str) -> PostgresLog {
    let mut log = PostgresLog::open(url).unwrap();
    log.load_all().unwrap();
    log.create_workshop(&record("a", "111111", 1)).unwrap();
    log
}

fn seqs(workshop: &LoadedWorkshop) -> Vec<u64> {
    workshop.events.iter().map(|e| e.seq).collect()
}

/// The contract, on any log.
fn contract(log: &mut dyn EventLog) {
    // A server reads its log back before it writes (on PostgreSQL, that
    // is when it takes the database).
    assert!(log.load_all().unwrap().workshops.is_empty());
    log.create_workshop(&record("a", "111111", 1)).unwrap();
    log.create_workshop(&record("b", "222222", 2)).unwrap();
    // The same join code twice is refused (codes are unique).
    assert!(log.create_workshop(&record("c", "111111", 3)).is_err());

    // Interleaved in one group commit, as the writer does; tokens replaced
    // by a later append of the same group.
    let mut group = vec![
        append("a", 1),
        append("b", 1),
        append("a", 2),
        append("b", 2),
        append("a", 3),
    ];
    group[0].table_token = Some((TableId(0), "first".into()));
    group[4].table_token = Some((TableId(0), "second".into()));
    group[1].table_token = Some((TableId(4), "b4".into()));
    log.append(&group).unwrap();

    let loaded = log.load_all().unwrap();
    assert!(loaded.damaged.is_empty(), "{:?}", loaded.damaged);
    let [a, b] = &loaded.workshops[..] else {
        panic!("two workshops: {:?}", loaded.workshops.len());
    };
    assert_eq!((a.record.id.as_str(), b.record.id.as_str()), ("a", "b"));
    assert_eq!(seqs(a), vec![1, 2, 3]);
    assert_eq!(seqs(b), vec![1, 2]);
    assert_eq!(a.events[2].op.as_deref(), Some("op3"));
    assert_eq!(a.events[2].principal, "t1");
    assert_eq!(a.events[2].at_ms, 1_003);
    assert_eq!(a.last_activity_ms, 1_003);
    assert_eq!(a.table_tokens, vec![(TableId(0), "second".to_owned())]);
    assert_eq!(b.table_tokens, vec![(TableId(4), "b4".to_owned())]);

    // A snapshot at 2: events up to 2 are in it, their operations are kept.
    let snapshot =
        serde_json::to_string(&Workshop::new(a.record.config.clone()).view_for(Role::Facilitator))
            .unwrap();
    let mut with_snapshot = append("a", 4);
    with_snapshot.snapshot = Some((2, snapshot));
    log.append(&[with_snapshot]).unwrap();
    let loaded = log.load_all().unwrap();
    let a = &loaded.workshops[0];
    assert_eq!(a.snapshot.as_ref().map(|(seq, _)| *seq), Some(2));
    assert_eq!(seqs(a), vec![3, 4], "only what follows the snapshot");
    let mut covered = a.answered_before_snapshot.clone();
    covered.sort();
    assert_eq!(
        covered,
        vec![
            ("f".to_owned(), "op1".to_owned(), 1),
            ("f".to_owned(), "op2".to_owned(), 2)
        ]
    );

    let reader = log.reader();
    let mut reader = reader.expect("both backends read beside the writer");
    let one = reader.load_one("b").unwrap().expect("b is there");
    assert_eq!(seqs(&one), vec![1, 2]);
    assert!(reader.load_one("nobody").unwrap().is_none());
    let history = reader.history("a").unwrap().expect("a's history");
    assert_eq!(
        history.events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![1, 2, 3, 4],
        "a history ignores snapshots"
    );
    assert!(reader.history("nobody").unwrap().is_none());

    log.delete_workshop("a").unwrap();
    while log.purge_step().unwrap() {}
    let loaded = log.load_all().unwrap();
    assert_eq!(loaded.workshops.len(), 1, "gone from reads");
    assert_eq!(seqs(&loaded.workshops[0]), vec![1, 2]);
    assert!(reader.history("a").unwrap().is_none(), "its history too");
    // Its code is free again.
    log.create_workshop(&record("a2", "111111", 4)).unwrap();
}

#[test]
fn the_sqlite_log_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SqliteLog::open(&dir.path().join("t.db")).unwrap();
    contract(&mut log);
}

#[test]
fn the_postgres_log_keeps_the_contract() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let url = postgres.new_database();
    let mut log = PostgresLog::open(&url).unwrap();
    contract(&mut log);
    // Opened again on the same database: its tables are reused, not
    // refused, and its workshops taken at once (a clean stop lets them go).
    log.close().unwrap();
    drop(log);
    let mut log = PostgresLog::open(&url).unwrap();
    assert_eq!(log.load_all().unwrap().workshops.len(), 2);
}

#[test]
fn postgres_never_writes_a_sequence_number_twice_and_a_failed_group_writes_nothing() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let url = postgres.new_database();
    let mut log = serving_with_a(&url);
    log.create_workshop(&record("b", "222222", 2)).unwrap();
    log.append(&[append("a", 1)]).unwrap();
    // Another writer's group repeats a:1 after a new b:1: all or nothing.
    let error = log
        .append(&[append("b", 1), append("a", 1)])
        .expect_err("a:1 is already written");
    assert!(error.to_string().contains("duplicate key"), "{error}");
    let loaded = log.load_all().unwrap();
    assert_eq!(seqs(&loaded.workshops[0]), vec![1]);
    assert!(
        loaded.workshops[1].events.is_empty(),
        "b:1 went with the group"
    );
    // An event of a workshop that does not exist is refused too.
    assert!(log.append(&[append("nobody", 1)]).is_err());
}

#[test]
fn postgres_connection_lost_mid_group_is_opened_again_and_other_versions_are_refused() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let url = postgres.new_database();
    let name = url.rsplit('/').next().unwrap().to_owned();
    let mut log = serving_with_a(&url);
    // PostgreSQL drops every connection to the database (as a restart would).
    postgres.sql(
        "postgres",
        &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
    );
    // The next group finds the connection gone, connects again and is
    // written: nothing fails.
    log.append(&[append("a", 1)])
        .expect("the writer connects again and writes the group");
    assert_eq!(seqs(&log.load_all().unwrap().workshops[0]), vec![1]);

    postgres.sql(
        &name,
        "UPDATE ruche.meta SET value = '99' WHERE key = 'schema'",
    );
    let error = PostgresLog::open(&url).err().expect("schema 99 is refused");
    assert!(
        error
            .to_string()
            .contains("another version of Ruche (schema 99)"),
        "{error}"
    );
}

#[test]
fn postgres_fences_a_paused_owner_once_another_server_took_its_workshop_over() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let url = postgres.new_database();
    let name = url.rsplit('/').next().unwrap().to_owned();
    let mut paused = serving_with_a(&url);
    paused.append(&[append("a", 1)]).unwrap();

    // `paused` stops renewing (SIGSTOP, a frozen VM): another server
    // starting on the database takes the workshop once the lease runs out.
    let mut taker = PostgresLog::open(&url).unwrap();
    let started = std::time::Instant::now();
    let loaded = taker.load_all().unwrap();
    assert!(
        started.elapsed() >= leases::LEASE / 2,
        "it waited for the lease: {:?}",
        started.elapsed()
    );
    assert_eq!(seqs(&loaded.workshops[0]), vec![1]);
    assert_eq!(
        postgres.sql(&name, "SELECT node || ' ' || epoch FROM ruche.owners"),
        format!("{} 2", taker.node())
    );
    taker.append(&[append("a", 2)]).unwrap();

    // `paused` wakes up: its append is refused whole, even for a sequence
    // number nobody wrote, and it learns it lost the workshop.
    let error = paused.append(&[append("a", 3)]).unwrap_err();
    assert!(
        matches!(error, StoreError::Fenced(ref w) if w == "a"),
        "{error}"
    );
    paused.tick().unwrap();
    assert!(paused.append(&[append("a", 3)]).is_err(), "still refused");
    taker.append(&[append("a", 3)]).unwrap();
    let events = postgres.sql(
        &name,
        "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM ruche.events",
    );
    assert_eq!(events, "1,2,3", "only the owner's appends are in the log");
    // Its clean stop lets go of nothing that is not its own.
    paused.close().unwrap();
    assert!(
        postgres
            .sql(&name, "SELECT node FROM ruche.owners")
            .starts_with(taker.node())
    );
}

#[test]
fn postgres_refuses_to_start_on_workshops_a_live_server_keeps_renewing() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let url = postgres.new_database();
    let mut live = serving_with_a(&url);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let renewing = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                live.tick().unwrap();
                std::thread::sleep(leases::RENEW_EVERY);
            }
            live
        })
    };
    let mut second = PostgresLog::open(&url).unwrap();
    let error = second.load_all().unwrap_err();
    assert!(
        matches!(error, StoreError::OwnedElsewhere { ref workshop, .. } if workshop == leases::THE_DATABASE),
        "{error}"
    );
    assert!(
        error.to_string().contains("another Ruche server"),
        "{error}"
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut live = renewing.join().unwrap();
    live.append(&[append("a", 1)]).unwrap();
}

#[test]
fn postgres_restarting_under_the_writer_delays_a_group_and_loses_none() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let url = postgres.new_database();
    let mut log = serving_with_a(&url);
    log.append(&[append("a", 1)]).unwrap();
    // PostgreSQL goes down for a second, as a restart does.
    postgres.stop();
    let restarting = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(1));
        postgres.start_server();
        postgres
    });
    let started = std::time::Instant::now();
    log.append(&[append("a", 2)])
        .expect("the writer waits for PostgreSQL and writes the group");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(500),
        "it waited: {:?}",
        started.elapsed()
    );
    let _postgres = restarting.join().unwrap();
    assert_eq!(seqs(&log.load_all().unwrap().workshops[0]), vec![1, 2]);
}
