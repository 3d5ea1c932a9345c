//! The disk fails under a running server: a log whose writes fail on demand
//! (as a full disk does) wraps the real SQLite log. What was acknowledged
//! survives, what failed is answered `internal` and never half-written, the
//! failed workshops stop and `/healthz` says so, and after the disk is freed
//! a restart serves every workshop again. Then a log with a hole in one
//! workshop (what round 1 could leave behind) starts every other workshop
//! and reports that one; and files that are not a Ruche log are refused.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ruche_server::store::sqlite::SqliteLog;
use ruche_server::store::{Append, EventLog, Loaded, StoreError, WorkshopRecord};
use ruche_shared::api::CreatedWorkshop;
use ruche_shared::protocol::{Auth, ServerMsg};
use ruche_tests::scene::{Scene, vote};
use ruche_tests::{Client, error_code, get_as_facilitator, test_settings};

/// The real log, whose appends fail while `full` is set, as on a full disk.
struct FillingDisk {
    log: SqliteLog,
    full: Arc<AtomicBool>,
}

impl EventLog for FillingDisk {
    fn create_workshop(&mut self, record: &WorkshopRecord) -> Result<(), StoreError> {
        self.log.create_workshop(record)
    }
    fn append(&mut self, batch: &[Append]) -> Result<(), StoreError> {
        if self.full.load(Ordering::SeqCst) {
            return Err(StoreError::Io(std::io::Error::other(
                "No space left on device (simulated)",
            )));
        }
        self.log.append(batch)
    }
    fn load_all(&mut self) -> Result<Loaded, StoreError> {
        self.log.load_all()
    }
    fn delete_workshop(&mut self, id: &str) -> Result<(), StoreError> {
        self.log.delete_workshop(id)
    }
    fn purge_step(&mut self) -> Result<bool, StoreError> {
        self.log.purge_step()
    }
}

async fn loopback() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port")
}

async fn health(addr: std::net::SocketAddr) -> serde_json::Value {
    reqwest::get(format!("http://{addr}/healthz"))
        .await
        .expect("/healthz answers")
        .json()
        .await
        .expect("/healthz is JSON")
}

/// The points each table gave, as the facilitator's export says: (table, points).
async fn points_given(addr: std::net::SocketAddr, created: &CreatedWorkshop) -> Vec<(String, u64)> {
    let url = format!(
        "http://{addr}/api/workshops/{}/export.json",
        created.workshop
    );
    let export: serde_json::Value = get_as_facilitator(&url, &created.facilitator_secret)
        .await
        .json()
        .await
        .expect("the export is JSON");
    export["votes"][0]["by_table"]
        .as_array()
        .expect("one vote step")
        .iter()
        .map(|p| {
            (
                p["table"].as_str().unwrap().to_owned(),
                p["points"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A table coming back with its token (a reload, or a restarted server).
async fn rejoin(addr: std::net::SocketAddr, scene: &Scene, table: usize) -> Client {
    let auth = Auth::RejoinTable {
        code: scene.code().to_owned(),
        token: scene.tables[table]
            .table_token
            .clone()
            .expect("a token from the join"),
    };
    Client::connect(addr, auth, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stops_the_workshops_it_hits_loses_nothing_acknowledged_and_a_restart_serves_them_again()
 {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ruche.db");
    let full = Arc::new(AtomicBool::new(false));
    let log = FillingDisk {
        log: SqliteLog::open(&db).unwrap(),
        full: full.clone(),
    };
    let running = ruche_server::start(loopback().await, test_settings(&db), Box::new(log))
        .await
        .expect("the server starts");
    let addr = running.addr;

    let mut scene = Scene::at_vote(addr, &["Mairie", "École"]).await;
    scene.tables[0].vote(1, 2).await;
    assert_eq!(health(addr).await["status"], "ok");

    full.store(true, Ordering::SeqCst);
    // The vote is not written: answered `internal`, not acknowledged.
    let answer = scene.tables[0].command(vote(1, 3)).await;
    match answer {
        ServerMsg::Error { code, .. } => assert_eq!(error_code(code), "internal"),
        other => panic!("a vote the disk refused was answered {other:?}"),
    }
    let health_now = health(addr).await;
    assert_eq!(health_now["status"], "degraded", "{health_now}");
    assert_eq!(
        health_now["stopped"][0]["workshop"],
        scene.created.workshop.as_str()
    );
    assert!(
        health_now["stopped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("No space left"),
        "{health_now}"
    );
    let metrics = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("ruche_workshops_stopped 1"), "{metrics}");

    // The disk is freed; the workshop stays stopped until the restart (its
    // state may hold what was not written), then comes back from the log.
    full.store(false, Ordering::SeqCst);
    running.stop().await.expect("the server stops cleanly");
    let running = ruche_server::run(loopback().await, test_settings(&db))
        .await
        .expect("the server restarts on the freed disk");
    let addr = running.addr;
    assert_eq!(health(addr).await["status"], "ok");
    assert_eq!(
        points_given(addr, &scene.created).await,
        vec![("Mairie".to_owned(), 2)],
        "the acknowledged vote is there, the refused one is not"
    );
    // And the workshop takes votes again.
    rejoin(addr, &scene, 0).await.vote(1, 3).await;
    running.stop().await.unwrap();
}

/// Deletes one event of a workshop behind the server's back: a hole.
fn make_a_hole(db: &Path, workshop: &str, seq: u64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let removed = conn
        .execute(
            "DELETE FROM events WHERE workshop = ?1 AND seq = ?2",
            rusqlite::params![workshop, seq as i64],
        )
        .unwrap();
    assert_eq!(removed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workshop_whose_log_has_a_hole_is_reported_and_every_other_starts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ruche.db");
    let running = ruche_server::run(loopback().await, test_settings(&db))
        .await
        .unwrap();
    let broken = Scene::at_vote(running.addr, &["A"]).await;
    let mut healthy = Scene::at_vote(running.addr, &["B", "C"]).await;
    healthy.tables[0].vote(1, 1).await;
    running.stop().await.unwrap();

    make_a_hole(&db, &broken.created.workshop, 2);
    let running = ruche_server::run(loopback().await, test_settings(&db))
        .await
        .expect("one damaged workshop does not keep the server from starting");
    let health_now = health(running.addr).await;
    assert_eq!(health_now["status"], "degraded");
    assert_eq!(health_now["workshops"], 1);
    assert_eq!(
        health_now["stopped"][0]["workshop"],
        broken.created.workshop.as_str()
    );
    assert!(
        health_now["stopped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("follows"),
        "{health_now}"
    );
    // The healthy workshop is served and takes votes.
    rejoin(running.addr, &healthy, 0).await.vote(1, 2).await;
    running.stop().await.unwrap();
}

#[test]
fn files_that_are_not_a_ruche_log_are_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let error = SqliteLog::open(&empty)
        .err()
        .expect("an empty file is refused");
    assert!(error.to_string().contains("is empty (0 bytes)"), "{error}");
    assert_eq!(
        std::fs::metadata(&empty).unwrap().len(),
        0,
        "and left as it was"
    );

    let text = dir.path().join("notes.db");
    std::fs::write(&text, "des notes, pas une base de données\n".repeat(200)).unwrap();
    let error = SqliteLog::open(&text)
        .err()
        .expect("a text file is refused");
    assert!(
        error.to_string().contains("not a database Ruche can read"),
        "{error}"
    );

    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE contacts (name TEXT);")
        .unwrap();
    let error = SqliteLog::open(&other)
        .err()
        .expect("another program's database is refused");
    assert!(
        error.to_string().contains("another program's database"),
        "{error}"
    );

    let lost = dir.path().join("lost.db");
    drop(SqliteLog::open(&lost).unwrap());
    rusqlite::Connection::open(&lost)
        .unwrap()
        .execute_batch("DROP TABLE events;")
        .unwrap();
    let error = SqliteLog::open(&lost)
        .err()
        .expect("a log without its events is refused");
    assert!(
        error.to_string().contains("lost its events table"),
        "{error}"
    );
}
