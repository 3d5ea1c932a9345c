//! « Regards croisés » over WebSocket, against a real server: a seat takes
//! a role card; a table's idea in the category it chose, with its seat's
//! role, told to the wall; an idea without a category refused; the exports
//! name each idea's category and role, and lay out the consolidated table.

use ruche_shared::methods::divergence;
use ruche_shared::protocol::ServerMsg;
use ruche_shared::{Command, Event, source};
use ruche_tests::{Client, TestServer, get_as_facilitator};
use serde_json::{Value, json};

fn submit(text: &str, category: Option<u8>) -> Command {
    Command::SubmitIdea(divergence::SubmitIdea {
        text: text.into(),
        category,
        seat: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_idea_goes_in_its_category_and_the_exports_say_which() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "benefits_needs_actions",
            "title": source::REGARDS_TITLE,
            "question": source::REGARDS_QUESTION,
        }))
        .await;
    let code = created.join_code.clone();
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut usagers = Client::join(server.addr, &code, "Usagers").await;
    let mut wall = Client::wall(server.addr, &code).await;
    // Seat 1 takes the « usager » card.
    usagers
        .accepted(Command::ChooseRole(
            ruche_shared::methods::roles::ChooseRole {
                table: None,
                seat: 1,
                role: Some(0),
            },
        ))
        .await;
    facilitator.go_and_open(0).await;
    usagers
        .accepted(Command::SubmitIdea(divergence::SubmitIdea {
            text: "Être écouté".into(),
            category: Some(0),
            seat: Some(1),
        }))
        .await;
    usagers
        .accepted(submit("Des horaires adaptés", Some(1)))
        .await;
    usagers
        .rejected(submit("Sans catégorie", None), "unknown_category")
        .await;
    let category = wall
        .expect("the yellow post-it", |m| match m {
            ServerMsg::Events { events, .. } => events.iter().find_map(|e| match &e.event {
                Event::IdeaSubmitted(i) if i.text == "Des horaires adaptés" => Some(i.category),
                _ => None,
            }),
            _ => None,
        })
        .await;
    assert_eq!(category, Some(1));

    let export: Value = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "json")),
        &created.facilitator_secret,
    )
    .await
    .json()
    .await
    .expect("the JSON export");
    assert_eq!(
        export["ideas"][1]["category"],
        json!({"name": "Besoins", "colour": "yellow"})
    );
    let csv = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "csv")),
        &created.facilitator_secret,
    )
    .await
    .text()
    .await
    .expect("the CSV export");
    assert!(
        csv.contains("i0;Être écouté;;;\"catégorie Bénéfices ; rôle usager\""),
        "{csv}"
    );
    // The consolidated table: the usager's benefit, and a need of no role.
    assert_eq!(export["ideas"][0]["role"], "usager");
    assert_eq!(
        export["consolidated"],
        json!({
            "roles": ["usager", "agent", "manager", "élu"],
            "rows": [
                {"category": "Bénéfices", "cells": [["i0"], [], [], [], []]},
                {"category": "Besoins", "cells": [[], [], [], [], ["i1"]]}
            ]
        })
    );
    let synthesis = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "html")),
        &created.facilitator_secret,
    )
    .await
    .text()
    .await
    .expect("the synthesis");
    assert!(
        synthesis.contains("Consolidation dans un tableau"),
        "{synthesis}"
    );
    server.stop().await;
}
