//! The criteria workshop over WebSocket, against a real server: the tables
//! propose criteria and keep three each with dots; reaching the scoring step
//! makes the best three its criteria, which every screen is told; the
//! facilitator words them; a table scores on them; once scored they stay;
//! the JSON export names the worded criteria; a restart keeps them.

use ruche_shared::methods::{divergence, dot_vote, scoring};
use ruche_shared::protocol::ServerMsg;
use ruche_shared::{Command, Criterion, Event, IdeaId, ItemRef, flow, source};
use ruche_tests::{Client, TestServer, get_as_facilitator};
use serde_json::{Value, json};

fn worded(names: &[&str]) -> Vec<Criterion> {
    names
        .iter()
        .map(|name| Criterion {
            name: (*name).to_owned(),
            higher_is_better: *name != "coût pour la ville",
            low: "pas du tout".into(),
            high: "tout à fait".into(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_best_criteria_of_the_vote_are_worded_and_scored_on() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "criteria_then_evaluation",
            "title": source::CRITERES_TITLE,
            "question": source::CRITERES_QUESTION,
            "items": source::REFUGIES_IDEAS,
        }))
        .await;
    let code = created.join_code.clone();
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut a = Client::join(server.addr, &code, "Table 1").await;
    let mut wall = Client::wall(server.addr, &code).await;

    facilitator.go_and_open(0).await;
    for text in [
        "le coût pour la ville",
        "la dignité des familles",
        "la rapidité",
    ] {
        a.accepted(Command::SubmitIdea(divergence::SubmitIdea {
            text: text.into(),
            category: None,
            seat: None,
        }))
        .await;
    }
    facilitator.go_and_open(2).await;
    // Seats 1 to 3 each keep dignity; seats 1 and 2 cost; seat 3 speed.
    for (seat, ideas) in [(1, [1, 0]), (2, [1, 0]), (3, [1, 2])] {
        for idea in ideas {
            a.accepted(Command::SetDot(dot_vote::SetDot {
                seat,
                item: ItemRef::Idea(IdeaId(idea)),
                dots: 1,
            }))
            .await;
        }
    }
    facilitator
        .accepted(Command::GoToStep(flow::GoToStep { step: 3 }))
        .await;
    // Every screen is told the criteria the vote chose.
    let chosen = wall
        .expect("the criteria the vote chose", |m| match m {
            ServerMsg::Events { events, .. } => events.iter().find_map(|e| match &e.event {
                Event::CriteriaSet(set) => Some(set.criteria.clone()),
                _ => None,
            }),
            _ => None,
        })
        .await;
    let names: Vec<&str> = chosen.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "la dignité des familles",
            "le coût pour la ville",
            "la rapidité"
        ]
    );
    // Only the facilitator words them, within bounds.
    a.rejected(
        Command::SetCriteria(scoring::SetCriteria {
            step: 3,
            criteria: worded(&["autre"]),
        }),
        "not_allowed_for_role",
    )
    .await;
    facilitator
        .rejected(
            Command::SetCriteria(scoring::SetCriteria {
                step: 3,
                criteria: Vec::new(),
            }),
            "criterion_count",
        )
        .await;
    let criteria = worded(&["dignité", "coût pour la ville", "rapidité"]);
    facilitator
        .accepted(Command::SetCriteria(scoring::SetCriteria {
            step: 3,
            criteria: criteria.clone(),
        }))
        .await;
    facilitator
        .accepted(Command::OpenStep(flow::OpenStep {
            duration_secs: None,
        }))
        .await;
    // Scored on the third worded criterion; from then on they stay.
    a.accepted(Command::SetScore(scoring::SetScore {
        seat: 1,
        item: 4,
        criterion: 2,
        score: Some(9),
    }))
    .await;
    a.rejected(
        Command::SetScore(scoring::SetScore {
            seat: 1,
            item: 4,
            criterion: 3,
            score: Some(9),
        }),
        "unknown_criterion",
    )
    .await;
    facilitator
        .rejected(
            Command::SetCriteria(scoring::SetCriteria {
                step: 3,
                criteria: worded(&["autre"]),
            }),
            "scores_given",
        )
        .await;

    // The export names the worded criteria, and a restart keeps them.
    let server = server.restart().await;
    let export: Value = get_as_facilitator(
        &server.url(&ruche_shared::api::export_path(&created.workshop, "json")),
        &created.facilitator_secret,
    )
    .await
    .json()
    .await
    .expect("the JSON export");
    let scores = &export["scores"][0];
    assert_eq!(
        scores["results"]["criteria"],
        serde_json::to_value(&criteria).unwrap()
    );
    assert_eq!(scores["by_seat"][0]["criterion"], "rapidité");
    let mut console = Client::facilitator(server.addr, &created).await;
    let kept = console
        .expect("the facilitator's snapshot", |m| match m {
            ServerMsg::Snapshot { workshop, .. } => {
                let workshop = ruche_shared::Workshop::from_view((**workshop).clone()).ok()?;
                workshop.criteria(3).map(<[_]>::to_vec)
            }
            _ => None,
        })
        .await;
    assert_eq!(kept, criteria);
    server.stop().await;
}
