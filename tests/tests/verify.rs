//! Results anyone can re-count: a real workshop's JSON export carries its
//! log under a hash chain, and `ruche-server verify` (the real binary) says
//! it matches; then the export is tampered with as someone might (a vote
//! changed, an event removed, two swapped, a figure edited, a forged log
//! with its chain recomputed) and each is found and named.

use std::path::Path;
use std::process::Command;

use ruche_server::audit::chain;
use ruche_shared::{Event, WorkshopConfig};
use ruche_tests::scene::Scene;
use ruche_tests::{TestServer, export_json};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_ruche-server-under-test");

/// An ideation workshop's export after a vote: tables A, B and C wrote
/// ideas i0, i1, i2; A gave 3 to i1, B 2 to i0, C 3 to i0 and 1 to i1.
async fn voted_export() -> Value {
    let server = TestServer::spawn().await;
    let mut scene = Scene::at_vote(server.addr, &["A", "B", "C"]).await;
    scene.tables[0].vote(1, 3).await;
    scene.tables[1].vote(0, 2).await;
    scene.tables[2].vote(0, 3).await;
    scene.tables[2].vote(1, 1).await;
    let export = export_json(server.addr, &scene.created).await;
    server.stop().await;
    export
}

/// Runs `ruche-server verify` on `export`: (verified, what it printed).
fn verify(export: &Value, extra: &[&str]) -> (bool, String) {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("export.json");
    std::fs::write(&file, serde_json::to_string_pretty(export).unwrap()).unwrap();
    run_verify(&file, extra)
}

fn run_verify(file: &Path, extra: &[&str]) -> (bool, String) {
    let output = Command::new(BINARY)
        .arg("verify")
        .arg(file)
        .args(extra)
        .output()
        .expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// The position in the log of the vote of `table` on `item`.
fn vote_entry(export: &Value, table: u64, item: &str) -> usize {
    export["log"]
        .as_array()
        .unwrap()
        .iter()
        .position(|entry| {
            entry["event"]["type"] == "vote_set"
                && entry["event"]["table"] == table
                && entry["event"]["item"] == item
        })
        .unwrap_or_else(|| panic!("no vote of table {table} on {item}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untouched_export_is_verified_and_each_tampering_is_named() {
    let export = voted_export().await;
    let log_hash = export["log_hash"].as_str().unwrap().to_owned();
    assert_eq!(log_hash.len(), 64);
    let log = export["log"].as_array().unwrap();
    assert_eq!(log.last().unwrap()["hash"], log_hash.as_str());
    assert_eq!(
        (1..=log.len() as u64).collect::<Vec<_>>(),
        log.iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        "every event, in order"
    );

    // As exported: verified, the final hash printed, and the reader's hash accepted.
    let (verified, report) = verify(&export, &["--hash", &log_hash]);
    assert!(verified, "{report}");
    assert!(
        report.contains("VÉRIFIÉ : les chiffres de l'export sont ceux du journal"),
        "{report}"
    );
    assert!(report.contains(&log_hash), "{report}");

    // A vote changed (A's 3 points on i1 made 2): the event and the figure named.
    let mut changed = export.clone();
    let at = vote_entry(&changed, 0, "i1");
    let seq = changed["log"][at]["seq"].clone();
    changed["log"][at]["event"]["points"] = 2.into();
    let (verified, report) = verify(&changed, &[]);
    assert!(!verified, "{report}");
    assert!(
        report.contains(&format!(
            "L'événement {seq} (vote_set) n'est plus celui qui a été enregistré"
        )),
        "{report}"
    );
    assert!(
        report.contains("points : l'export dit 4, le journal donne 3"),
        "i1 had 3 + 1 points, the changed log gives 2 + 1: {report}"
    );

    // An event removed (B's points on i0), and the last one (C's point on i1).
    let mut removed = export.clone();
    let at = vote_entry(&removed, 1, "i0");
    let seq = removed["log"][at]["seq"].clone();
    removed["log"].as_array_mut().unwrap().remove(at);
    let (verified, report) = verify(&removed, &[]);
    assert!(!verified);
    assert!(
        report.contains(&format!("L'événement {seq} manque au journal (retiré)")),
        "{report}"
    );
    let mut cut = export.clone();
    let last = vote_entry(&cut, 2, "i1");
    assert_eq!(last, log.len() - 1, "C's point on i1 is the last event");
    cut["log"].as_array_mut().unwrap().pop();
    let (verified, report) = verify(&cut, &[]);
    assert!(!verified);
    assert!(
        report.contains("des événements ont été retirés à la fin"),
        "{report}"
    );

    // Two events swapped.
    let mut swapped = export.clone();
    let at = vote_entry(&swapped, 1, "i0");
    let (first, second) = (
        swapped["log"][at]["seq"].clone(),
        swapped["log"][at + 1]["seq"].clone(),
    );
    swapped["log"].as_array_mut().unwrap().swap(at, at + 1);
    let (verified, report) = verify(&swapped, &[]);
    assert!(!verified);
    assert!(
        report.contains(&format!(
            "L'événement {first} vient après l'événement {second} : le journal a été réordonné"
        )),
        "{report}"
    );

    // A figure edited, the log left alone: the figure named with both values.
    let mut edited = export.clone();
    let bar = &mut edited["votes"][0]["histogram"]["bars"][0];
    let (item, points) = (bar["item"].clone(), bar["points"].as_u64().unwrap());
    bar["points"] = (points + 10).into();
    let (verified, report) = verify(&edited, &[]);
    assert!(!verified);
    assert!(
        report.contains(&format!(
            "votes[0].histogram.bars[0] ({}).points : l'export dit {}, le journal donne {points}",
            item.as_str().unwrap(),
            points + 10
        )),
        "{report}"
    );
    assert!(
        report.contains("La chaîne d'empreintes est intacte"),
        "{report}"
    );

    // A forged log: B's 2 points on i0 made 5 (over the cap of 3), the whole
    // chain recomputed so that every link holds. The rules and the printed
    // report's hash still find it.
    let mut forged = export.clone();
    let at = vote_entry(&forged, 1, "i0");
    forged["log"][at]["event"]["points"] = 5.into();
    rechain(&mut forged);
    let (verified, report) = verify(&forged, &["--hash", &log_hash]);
    assert!(!verified);
    assert!(
        report.contains("La chaîne d'empreintes est intacte"),
        "{report}"
    );
    assert!(
        report.contains("la table « B » a donné 5 points à i0, plus que le plafond de 3"),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "pas {log_hash} : ce n'est pas le journal de la synthèse"
        )),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_no_export_is_refused_plainly() {
    let (verified, report) = verify(&serde_json::json!({"workshop": {"id": "x"}}), &[]);
    assert!(!verified);
    assert!(report.contains("carries no log to re-count"), "{report}");
    let folder = tempfile::tempdir().unwrap();
    let (verified, report) = run_verify(&folder.path().join("missing.json"), &[]);
    assert!(!verified);
    assert!(report.contains("cannot read"), "{report}");
}

/// Recomputes every hash of `export`'s log as a forger who knows the chain would.
fn rechain(export: &mut Value) {
    let config: WorkshopConfig = serde_json::from_value(export["setup"].clone()).unwrap();
    let id = export["workshop"]["id"].as_str().unwrap().to_owned();
    let created_at_ms = export["created_at_ms"].as_u64().unwrap();
    let mut previous = chain::root(&id, created_at_ms, &config);
    for entry in export["log"].as_array_mut().unwrap() {
        let event: Event = serde_json::from_value(entry["event"].clone()).unwrap();
        previous = chain::link(
            &previous,
            entry["seq"].as_u64().unwrap(),
            entry["at_ms"].as_u64().unwrap(),
            &event,
        );
        entry["hash"] = hex(&previous).into();
    }
    export["log_hash"] = hex(&previous).into();
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
