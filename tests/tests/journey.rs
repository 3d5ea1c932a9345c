//! The user journey map over WebSocket, against a real server: tables write
//! notes on stages and rate them; the wall is told every note and rating as
//! they come; a stage opened alone refuses the others; the opportunities
//! alone are voted on with dots after grouping; the JSON and CSV exports and
//! the synthesis carry the map; a restart keeps it.

use ruche_shared::methods::journey::{self, Row};
use ruche_shared::methods::{divergence, dot_vote};
use ruche_shared::protocol::ServerMsg;
use ruche_shared::{Command, Event, IdeaId, ItemRef, Workshop, flow, source};
use ruche_tests::{Client, TestServer, get_as_facilitator};
use serde_json::{Value, json};

fn note(stage: u8, row: Row, text: &str) -> Command {
    Command::AddNote(journey::AddNote {
        stage,
        row,
        text: text.into(),
    })
}

fn rate(stage: u8, rating: u8) -> Command {
    Command::RateStage(journey::RateStage {
        stage,
        rating: Some(rating),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_map_the_journey_and_vote_on_its_opportunities() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "user_journey",
            "title": source::PARCOURS_TITLE,
            "question": source::PARCOURS_QUESTION,
        }))
        .await;
    let code = created.join_code.clone();
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut a = Client::join(server.addr, &code, "Table 1").await;
    let mut b = Client::join(server.addr, &code, "Table 2").await;
    let mut wall = Client::wall(server.addr, &code).await;

    facilitator.go_and_open(0).await;
    a.accepted(note(0, Row::Action, "Se préinscrire sur le site"))
        .await;
    b.accepted(note(1, Row::Feeling, "Perdue : pas de plan du site"))
        .await;
    a.accepted(note(1, Row::Opportunity, "Un plan envoyé avec le badge"))
        .await;
    b.accepted(note(4, Row::Opportunity, "Un compte rendu envoyé après"))
        .await;
    a.accepted(rate(1, 2)).await;
    b.accepted(rate(1, 1)).await;
    a.rejected(
        Command::RateStage(journey::RateStage {
            stage: 1,
            rating: Some(6),
        }),
        "score_out_of_range",
    )
    .await;
    // The wall is told the ratings as they come (the map is the room's).
    wall.expect("table 2's rating of the welcome", |m| match m {
        ServerMsg::Events { events, .. } => events.iter().find_map(|e| match &e.event {
            Event::StageRated(r) if r.rating == Some(1) => Some(()),
            _ => None,
        }),
        _ => None,
    })
    .await;
    // The facilitator has every table on the last stage.
    facilitator
        .accepted(Command::OpenStage(journey::OpenStage { stage: Some(4) }))
        .await;
    a.rejected(note(0, Row::Action, "x"), "stage_not_open")
        .await;
    a.accepted(rate(4, 4)).await;

    // Grouping, then dots: only the two opportunities are items.
    facilitator.go_and_open(2).await;
    a.rejected(
        Command::SetDot(dot_vote::SetDot {
            seat: 1,
            item: ItemRef::Idea(IdeaId(0)),
            dots: 1,
        }),
        "unknown_item",
    )
    .await;
    a.accepted(Command::SetDot(dot_vote::SetDot {
        seat: 1,
        item: ItemRef::Idea(IdeaId(3)),
        dots: 1,
    }))
    .await;
    // A table's idea is written on the map, not in a divergence.
    a.rejected(
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "x".into(),
            category: None,
            seat: None,
        }),
        "wrong_step",
    )
    .await;
    facilitator
        .accepted(Command::GoToStep(flow::GoToStep { step: 3 }))
        .await;

    // After a restart, the exports and a snapshot carry the map.
    let server = server.restart().await;
    let export: Value = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "json")),
        &created.facilitator_secret,
    )
    .await
    .json()
    .await
    .expect("the JSON export");
    let stages = &export["journeys"][0]["stages"];
    assert_eq!(stages[1]["name"], "L'arrivée et l'accueil");
    assert_eq!(stages[1]["counts"], json!([1, 1, 0, 0, 0]));
    assert_eq!(stages[1]["median"], json!(1.5));
    assert_eq!(
        stages[1]["by_table"],
        json!([{"table": "Table 1", "rating": 2}, {"table": "Table 2", "rating": 1}])
    );
    assert_eq!(stages[4]["counts"], json!([0, 0, 0, 1, 0]));
    let feeling = &export["ideas"][1];
    assert_eq!(feeling["text"], "Perdue : pas de plan du site");
    assert_eq!(
        feeling["journey"],
        json!({"step": 0, "stage": 2, "stage_name": "L'arrivée et l'accueil", "row": "feeling"})
    );
    assert_eq!(export["dots"][0]["tally"]["bars"][0]["item"], "i3");

    let csv = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "csv")),
        &created.facilitator_secret,
    )
    .await
    .text()
    .await
    .expect("the CSV export");
    assert!(
        csv.contains("étape 2 du parcours (L'arrivée et l'accueil) · Pensées et émotions"),
        "{csv}"
    );
    assert!(
        csv.contains("note_parcours;1;Table 2;;2;L'arrivée et l'accueil;;1;"),
        "{csv}"
    );
    assert!(
        csv.contains("médiane_parcours;1;;;2;L'arrivée et l'accueil;;1,5;2"),
        "{csv}"
    );

    let synthesis = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "html")),
        &created.facilitator_secret,
    )
    .await
    .text()
    .await
    .expect("the synthesis");
    assert!(synthesis.contains("class=\"journey-map\""), "{synthesis}");
    assert!(synthesis.contains("médiane 1,5 · 2 notes"), "{synthesis}");

    let mut console = Client::facilitator(server.addr, &created).await;
    let map = console
        .expect("the facilitator's snapshot", |m| match m {
            ServerMsg::Snapshot { workshop, .. } => {
                let workshop = Workshop::from_view((**workshop).clone()).ok()?;
                Some(workshop.journey_map(0))
            }
            _ => None,
        })
        .await;
    assert_eq!(map[1].ratings.counts, [1, 1, 0, 0, 0]);
    assert_eq!(map[1].rows[1][0].1, "Perdue : pas de plan du site");
    server.stop().await;
}
