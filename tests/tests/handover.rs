//! A replacement tablet: a table whose tablet died continues on a new one,
//! with a handover code the facilitator asks for (`POST …/handover`). The
//! code works once, for that table, even once joining is locked; the old
//! tablet is let go and its token stops working, across a restart too.

use ruche_shared::api::{Handover, handover_path};
use ruche_shared::methods::divergence;
use ruche_shared::protocol::{Auth, ServerMsg};
use ruche_shared::{Command, Event, Role, TableId, joining};
use ruche_tests::{Client, TestServer, error_code};
use serde_json::json;

/// The facilitator's request for table `table`'s handover code.
async fn ask_for_handover(
    server: &TestServer,
    workshop: &str,
    table: u32,
    secret: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(server.url(&handover_path(workshop, TableId(table))))
        .bearer_auth(secret)
        .timeout(std::time::Duration::from_secs(10))
        .send()
        .await
        .expect("the server answers")
}

fn take_over(code: &str, handover: &str, token: &str) -> Auth {
    Auth::TakeOverTable {
        code: code.into(),
        handover: handover.into(),
        token: token.into(),
    }
}

fn refusal(result: Result<Client, ServerMsg>) -> String {
    match result {
        Ok(client) => panic!("welcomed as {:?}", client.role),
        Err(ServerMsg::Error { code, .. }) => error_code(code),
        Err(other) => panic!("not an error: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_tablet_takes_over_a_table_with_the_facilitators_code() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let code = created.join_code.clone();
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut old = Client::join(server.addr, &code, "Table 1").await;
    let _other = Client::join(server.addr, &code, "Table 2").await;
    facilitator.go_and_open(0).await;
    old.accepted(Command::SubmitIdea(divergence::SubmitIdea {
        text: "Un café des habitants".into(),
        category: None,
        seat: None,
    }))
    .await;
    facilitator
        .accepted(Command::SetJoiningLocked(joining::SetJoiningLocked {
            locked: true,
        }))
        .await;
    let old_token = old.table_token.clone().unwrap();

    // Only the facilitator gets a code, only for a table that joined.
    let wrong = ask_for_handover(&server, &created.workshop, 0, "not-the-secret").await;
    assert_eq!(wrong.status(), 401);
    let unknown =
        ask_for_handover(&server, &created.workshop, 7, &created.facilitator_secret).await;
    assert_eq!(unknown.status(), 404);
    let answer = ask_for_handover(&server, &created.workshop, 0, &created.facilitator_secret).await;
    assert_eq!(answer.status(), 200);
    let handover: Handover = answer.json().await.unwrap();
    assert_eq!(
        (handover.table, handover.name.as_str()),
        (TableId(0), "Table 1")
    );
    assert_eq!(handover.code.len(), 8);
    assert!(handover.code.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(handover.expires_in_s, 600);

    let new_token = "0123456789abcdef0123456789abcdef";
    let wrong_code = if handover.code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let tried =
        Client::try_connect(server.addr, take_over(&code, wrong_code, new_token), None).await;
    assert_eq!(refusal(tried), "bad_credentials");

    // Typed with a space, as read off the console: the same code.
    let spaced = format!("{} {}", &handover.code[..4], &handover.code[4..]);
    let mut new = Client::connect(server.addr, take_over(&code, &spaced, new_token), None).await;
    assert_eq!(new.role, Role::Table(TableId(0)));
    assert_eq!(new.table_token.as_deref(), Some(new_token));

    // The old tablet is told, then closed for good (1008, not « restarting »).
    let said = old.expect_error("table_taken_over").await;
    assert!(said.contains("autre tablette"), "{said}");
    assert_eq!(old.close_code().await, Some(1008));
    facilitator
        .expect("table_handed_over", |m| match m {
            ServerMsg::Events { events } => events.iter().find_map(|e| match e.event {
                Event::TableHandedOver(joining::TableHandedOver { table }) => Some(table),
                _ => None,
            }),
            _ => None,
        })
        .await;

    // The new tablet is the table: its idea, its name, its next idea.
    let snapshot = new
        .expect("a snapshot", |m| match m {
            ServerMsg::Snapshot { workshop, .. } => {
                Some(ruche_shared::Workshop::from_view((**workshop).clone()).expect("readable"))
            }
            _ => None,
        })
        .await;
    assert_eq!(snapshot.table(TableId(0)).unwrap().handovers, 1);
    let own = snapshot
        .all_ideas()
        .iter()
        .filter(|i| i.author == Some(TableId(0)));
    assert_eq!(own.count(), 1);
    new.accepted(Command::SubmitIdea(divergence::SubmitIdea {
        text: "Un marché le dimanche".into(),
        category: None,
        seat: None,
    }))
    .await;

    // The old token no longer works; the code is spent; the same takeover
    // sent again (its welcome lost) finds the table.
    let old_rejoin = Auth::RejoinTable {
        code: code.clone(),
        token: old_token.clone(),
    };
    let tried = Client::try_connect(server.addr, old_rejoin.clone(), None).await;
    assert_eq!(refusal(tried), "bad_credentials");
    let other_token = "fedcba9876543210fedcba9876543210";
    let tried = Client::try_connect(
        server.addr,
        take_over(&code, &handover.code, other_token),
        None,
    )
    .await;
    assert_eq!(refusal(tried), "bad_credentials", "a code works once");
    let again = Client::connect(
        server.addr,
        take_over(&code, &handover.code, new_token),
        None,
    )
    .await;
    assert_eq!(again.role, Role::Table(TableId(0)));
    again.close().await;
    new.close().await;

    // After a restart: the new token is the table's, the old one is no one's.
    let server = server.restart().await;
    let rejoin = Auth::RejoinTable {
        code: code.clone(),
        token: new_token.into(),
    };
    let back = Client::connect(server.addr, rejoin, None).await;
    assert_eq!(back.role, Role::Table(TableId(0)));
    let tried = Client::try_connect(server.addr, old_rejoin, None).await;
    assert_eq!(refusal(tried), "bad_credentials");
    server.stop().await;
}
