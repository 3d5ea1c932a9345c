//! Paper votes over WebSocket, against a real server: during a dot vote the
//! facilitator enters a paper board's count per idea; the histogram adds
//! them and says how many came from paper; only the facilitator may; an
//! idea with paper votes is not merged; the JSON and CSV exports count them
//! apart, and re-count them (`ruche-server verify`); a restart keeps them.

use ruche_shared::methods::paper_votes::SetPaperVotes;
use ruche_shared::methods::{divergence, dot_vote, grouping};
use ruche_shared::protocol::ServerMsg;
use ruche_shared::{Command, IdeaId, ItemRef, flow};
use ruche_tests::{Client, TestServer, get_as_facilitator};
use serde_json::{Value, json};

fn paper(group: &str, idea: u32, count: u32) -> Command {
    Command::SetPaperVotes(SetPaperVotes {
        group: group.into(),
        item: ItemRef::Idea(IdeaId(idea)),
        count,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_counts_add_to_the_dots_and_are_counted_apart() {
    let server = TestServer::spawn().await;
    let created = server
        .create(
            json!({ "template": "ideation_then_dots", "title": "Salle", "question": "Comment ?" }),
        )
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut table = Client::join(server.addr, &created.join_code, "Table 1").await;
    facilitator.go_and_open(0).await;
    // The facilitator's ideas: the table may put its dots on any.
    for text in [
        "Un café des habitants",
        "Une bibliothèque d'outils",
        "Des bancs",
    ] {
        facilitator
            .accepted(Command::SubmitIdea(divergence::SubmitIdea {
                text: text.into(),
                category: None,
                seat: None,
            }))
            .await;
    }
    // Not during the ideas: paper counts belong to a vote.
    facilitator
        .rejected(paper("Tableau papier", 0, 5), "wrong_step")
        .await;
    facilitator
        .accepted(Command::GoToStep(flow::GoToStep { step: 2 }))
        .await;
    facilitator
        .accepted(Command::OpenStep(flow::OpenStep {
            duration_secs: None,
        }))
        .await;
    table
        .accepted(Command::SetDot(dot_vote::SetDot {
            seat: 1,
            item: ItemRef::Idea(IdeaId(1)),
            dots: 1,
        }))
        .await;
    table
        .rejected(paper("Tableau papier", 0, 5), "not_allowed_for_role")
        .await;
    facilitator.accepted(paper("Tableau papier", 0, 5)).await;
    facilitator.accepted(paper("Tableau papier", 1, 2)).await;
    facilitator.accepted(paper("Fond de salle", 1, 1)).await;
    facilitator
        .rejected(paper("Tableau papier", 2, 10_001), "paper_limit")
        .await;
    facilitator.rejected(paper("  ", 2, 1), "empty_text").await;
    facilitator
        .rejected(paper("Tableau papier", 9, 1), "unknown_item")
        .await;
    // The dots and the paper together, paper said apart.
    let bars = facilitator
        .expect("the tally with the paper counts", |m| match m {
            ServerMsg::Results {
                dots: Some(tally), ..
            } if tally.bars.iter().map(|b| b.paper).sum::<u32>() == 8 => Some(
                tally
                    .bars
                    .iter()
                    .map(|b| (b.item, b.dots, b.paper))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .await;
    let idea = |i| ItemRef::Idea(IdeaId(i));
    assert_eq!(bars, [(idea(0), 5, 5), (idea(1), 4, 3), (idea(2), 0, 0)]);
    // An idea with paper votes is not merged: the board's stickers stay where they are.
    facilitator
        .rejected(
            Command::MergeItems(grouping::MergeItems {
                items: vec![idea(0), idea(2)],
                title: None,
            }),
            "item_has_votes",
        )
        .await;
    // 0 takes a count back.
    facilitator.accepted(paper("Fond de salle", 1, 0)).await;

    let server = server.restart().await;
    let export: Value = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "json")),
        &created.facilitator_secret,
    )
    .await
    .json()
    .await
    .expect("the JSON export");
    let dots = &export["dots"][0];
    assert_eq!(
        dots["paper"],
        json!([
            {"step": 2, "group": "Tableau papier", "item": "i0", "count": 5},
            {"step": 2, "group": "Tableau papier", "item": "i1", "count": 2}
        ])
    );
    assert_eq!(
        dots["by_seat"].as_array().unwrap().len(),
        1,
        "the tablet's dot alone"
    );
    assert_eq!(dots["tally"]["bars"][0]["paper"], 5);
    // Re-counted from the log by anyone: the paper counts included.
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("export.json");
    std::fs::write(&file, serde_json::to_string(&export).unwrap()).unwrap();
    let verified = std::process::Command::new(env!("CARGO_BIN_EXE_ruche-server-under-test"))
        .arg("verify")
        .arg(&file)
        .output()
        .expect("the binary runs");
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    // A paper count changed in the export is found.
    let mut forged = export.clone();
    forged["dots"][0]["tally"]["bars"][0]["dots"] = json!(50);
    std::fs::write(&file, serde_json::to_string(&forged).unwrap()).unwrap();
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_ruche-server-under-test"))
        .arg("verify")
        .arg(&file)
        .output()
        .expect("the binary runs");
    assert!(!refused.status.success(), "a changed count is found");
    let csv = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "csv")),
        &created.facilitator_secret,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("papier;3;Tableau papier;;i0;Un café des habitants;;5")),
        "{csv}"
    );
    server.stop().await;
}
