//! Connections: roles and credentials, bad frames, reconnecting and retrying,
//! cross-origin upgrades. Each runs against a real server on loopback.

use futures_util::SinkExt;
use ruche_shared::methods::divergence;
use ruche_shared::protocol::{Auth, ClientMsg, OpId, PROTOCOL_VERSION, ServerMsg};
use ruche_shared::{Command, Event, Role, RuleViolation, TableId};
use ruche_shared::{flow, joining};
use ruche_tests::scene::{Scene, vote};
use ruche_tests::{Client, TestServer, error_code, next_msg};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

async fn ideation(server: &TestServer) -> ruche_shared::api::CreatedWorkshop {
    server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await
}

fn refusal_code(refusal: &ServerMsg) -> String {
    match refusal {
        ServerMsg::Error { code, .. } => error_code(*code),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_enforced_and_wrong_credentials_refused() {
    let server = TestServer::spawn().await;
    let created = ideation(&server).await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut table = Client::join(server.addr, &created.join_code, "Table 1").await;
    let mut wall = Client::wall(server.addr, &created.join_code).await;

    table
        .rejected(
            Command::GoToStep(flow::GoToStep { step: 2 }),
            "not_allowed_for_role",
        )
        .await;
    table
        .rejected(
            Command::SetJoiningLocked(joining::SetJoiningLocked { locked: true }),
            "not_allowed_for_role",
        )
        .await;
    wall.rejected(
        Command::SubmitIdea(divergence::SubmitIdea {
            text: "x".into(),
            category: None,
            seat: None,
        }),
        "not_allowed_for_role",
    )
    .await;
    facilitator.open_step().await;

    let wrong_secret = Auth::Facilitator {
        workshop: created.workshop.clone(),
        secret: "0".repeat(32),
    };
    let refused = Client::try_connect(server.addr, wrong_secret, None)
        .await
        .err()
        .unwrap();
    assert_eq!(refusal_code(&refused), "bad_credentials");
    let wrong_token = Auth::RejoinTable {
        code: created.join_code.clone(),
        token: "0".repeat(32),
    };
    let refused = Client::try_connect(server.addr, wrong_token, None)
        .await
        .err()
        .unwrap();
    assert_eq!(refusal_code(&refused), "bad_credentials");
    let code = if created.join_code == "000000" {
        "999999"
    } else {
        "000000"
    };
    let refused = Client::try_connect(server.addr, Auth::Wall { code: code.into() }, None)
        .await
        .err()
        .unwrap();
    assert_eq!(refusal_code(&refused), "bad_credentials");
    let taken = Auth::JoinTable {
        code: created.join_code.clone(),
        name: "table 1".into(),
        token: None,
    };
    let refused = Client::try_connect(server.addr, taken, None)
        .await
        .err()
        .unwrap();
    assert!(
        matches!(
            &refused,
            ServerMsg::Error {
                violation: Some(RuleViolation::NameTaken),
                ..
            }
        ),
        "{refused:?}"
    );

    // Locked joining.
    facilitator
        .accepted(Command::SetJoiningLocked(joining::SetJoiningLocked {
            locked: true,
        }))
        .await;
    let late = Auth::JoinTable {
        code: created.join_code.clone(),
        name: "Table 9".into(),
        token: None,
    };
    let refused = Client::try_connect(server.addr, late, None)
        .await
        .err()
        .unwrap();
    assert!(matches!(
        &refused,
        ServerMsg::Error {
            violation: Some(RuleViolation::JoiningLocked),
            ..
        }
    ));
    let info: serde_json::Value =
        reqwest::get(server.url(&format!("/api/join/{}", created.join_code)))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(info["joining_open"], false);
    assert_eq!(info["question"], "Comment ?");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_rejoins_with_its_token_and_keeps_its_points() {
    let server = TestServer::spawn().await;
    let mut scene = Scene::at_vote(server.addr, &["A", "B"]).await;
    let mut a = scene.tables.remove(0);
    a.vote(1, 3).await;
    let token = a.table_token.clone().unwrap();
    a.close().await;

    // A reload: the tablet comes back with its token and no memory of events.
    let rejoin = Auth::RejoinTable {
        code: scene.code().to_owned(),
        token,
    };
    let mut again = Client::connect(server.addr, rejoin, None).await;
    assert_eq!(again.role, Role::Table(TableId(0)));
    assert_eq!(again.table_token, None, "the token is given once, at join");
    let snapshot = again
        .expect("a snapshot", |m| match m {
            ServerMsg::Snapshot { workshop, .. } => Some(
                ruche_shared::Workshop::from_view((**workshop).clone())
                    .expect("a readable snapshot"),
            ),
            _ => None,
        })
        .await;
    assert_eq!(
        snapshot.vote_ledger(2).unwrap().spent(TableId(0)),
        3,
        "its points are back"
    );
    again.rejected(vote(1, 4), "item_cap_exceeded").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_get_documented_errors_and_the_server_stays_up() {
    let server = TestServer::spawn_with(|s| s.commands_per_second = 5).await;
    let created = ideation(&server).await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut bad = Client::join(server.addr, &created.join_code, "Bad").await;
    let mut good = Client::join(server.addr, &created.join_code, "Good").await;

    bad.send_text("{ not json").await;
    bad.expect_error("malformed_message").await;
    bad.send_text(r#"{"type":"dance"}"#).await;
    bad.expect_error("unknown_message_type").await;
    // A command with a bad value still gets one answer carrying its op, in
    // the workshop's language: a client waiting for it must not wait forever.
    for (n, command) in [
        r#"{"type":"set_vote","item":"zz","points":1}"#,
        r#"{"type":"set_vote","item":"x3","points":1}"#,
        r#"{"type":"set_vote","item":"i0","points":-1}"#,
        r#"{"type":"set_score","seat":1,"item":0,"criterion":0,"score":-1}"#,
        r#"{"type":"set_score","seat":1,"item":0,"criterion":0,"score":7.5}"#,
        r#"{"type":"set_score","seat":1,"item":0,"criterion":0,"score":"7"}"#,
    ]
    .into_iter()
    .enumerate()
    {
        let op = OpId(format!("bad-value-{n}"));
        bad.send_text(&format!(
            r#"{{"type":"command","op":"{}","command":{command}}}"#,
            op.0
        ))
        .await;
        match bad.answer_to(&op).await {
            ServerMsg::Error { code, message, .. } => {
                assert_eq!(ruche_tests::error_code(code), "malformed_message");
                assert!(
                    message.starts_with("Ce message n'a pas pu être lu"),
                    "{message}"
                );
            }
            other => panic!("{command}: {other:?}"),
        }
    }
    bad.send_frame(Message::binary(vec![1, 2, 3])).await;
    bad.expect_error("binary_not_supported").await;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth: Auth::Wall {
            code: created.join_code.clone(),
        },
        last_seq: None,
    };
    bad.send(&hello).await;
    bad.expect_error("already_authenticated").await;
    let op = OpId("x".repeat(65));
    bad.send(&ClientMsg::Command {
        op: op.clone(),
        command: Command::CloseStep(flow::CloseStep {}),
    })
    .await;
    assert!(
        matches!(bad.answer_to(&op).await, ServerMsg::Error { code, .. } if ruche_tests::error_code(code) == "malformed_message"),
        "an op id over 64 characters is answered with that op"
    );

    // A flood past the rate limit (5 per second, burst 10).
    for n in 0..30 {
        let command = Command::SubmitIdea(divergence::SubmitIdea {
            text: format!("flood {n}"),
            category: None,
            seat: None,
        });
        bad.send(&ClientMsg::Command {
            op: OpId(format!("flood-{n}")),
            command,
        })
        .await;
    }
    bad.expect_error("rate_limited").await;

    // The others are unaffected.
    facilitator.open_step().await;
    good.submit("Une bonne idée").await;

    // An oversized message: an error, then the connection is closed.
    let huge = format!(
        r#"{{"type":"command","op":"big","command":{{"type":"submit_idea","text":"{}"}}}}"#,
        "x".repeat(20_000)
    );
    bad.send_text(&huge).await;
    bad.expect_error("message_too_large").await;
    // 1009 "message too big", not 1012 "restarting": a client would
    // reconnect and send the same message again on 1012.
    assert_eq!(
        bad.close_code().await,
        Some(1009),
        "an oversized message closes the connection with 1009"
    );
    good.submit("Toujours là").await;
    let health: serde_json::Value = reqwest::get(server.url("/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let metrics = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("ruche_protocol_errors_total{code=\"rate_limited\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ruche_commands_total{outcome=\"accepted\",code=\"ok\"}"),
        "{metrics}"
    );
    // The accepted idea's delivery is timed once it has gone out (within
    // the coalescing window, after its acknowledgement).
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while ruche_tests::metric(server.addr, "ruche_shown_seconds_count")
            .await
            .is_none_or(|count| count < 1.0)
        {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the accepted command's delivery is timed");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_before_hello_and_wrong_protocol_versions_are_refused() {
    let server = TestServer::spawn().await;
    let created = ideation(&server).await;
    let mut socket = ruche_tests::raw_socket(server.addr).await;
    let command = ClientMsg::Command {
        op: OpId("1".into()),
        command: Command::CloseStep(flow::CloseStep {}),
    };
    socket
        .send(Message::text(serde_json::to_string(&command).unwrap()))
        .await
        .unwrap();
    let answer = next_msg(&mut socket).await.unwrap();
    assert_eq!(refusal_code(&answer), "not_authenticated");
    let hello = ClientMsg::Hello {
        protocol: 99,
        auth: Auth::Wall {
            code: created.join_code,
        },
        last_seq: None,
    };
    socket
        .send(Message::text(serde_json::to_string(&hello).unwrap()))
        .await
        .unwrap();
    let answer = next_msg(&mut socket).await.unwrap();
    assert_eq!(refusal_code(&answer), "unsupported_protocol");
    assert!(
        next_msg(&mut socket).await.is_none(),
        "then the connection is closed"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_missed_events_catches_up_and_a_retry_counts_once() {
    let server = TestServer::spawn().await;
    let created = ideation(&server).await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut a = Client::join(server.addr, &created.join_code, "A").await;
    let mut b = Client::join(server.addr, &created.join_code, "B").await;
    facilitator.open_step().await;
    a.submit("Idée 0").await;
    b.expect("idea 0", |m| match m {
        ServerMsg::Events { events } => events
            .iter()
            .any(|e| {
                matches!(
                    e.event,
                    Event::IdeaSubmitted(divergence::IdeaSubmitted { .. })
                )
            })
            .then_some(()),
        _ => None,
    })
    .await;
    let last_seen = b.last_seq.unwrap();
    let token = b.table_token.clone().unwrap();
    b.close().await;

    // While B is away: two more ideas.
    a.submit("Idée 1").await;
    a.submit("Idée 2").await;
    let rejoin = Auth::RejoinTable {
        code: created.join_code.clone(),
        token,
    };
    let mut b = Client::connect(server.addr, rejoin, Some(last_seen)).await;
    let missed = b
        .expect("the missed events", |m| match m {
            ServerMsg::Events { events } => Some(events.clone()),
            ServerMsg::Snapshot { .. } => panic!("a recent gap gets events, not a snapshot"),
            _ => None,
        })
        .await;
    let texts: Vec<&str> = missed
        .iter()
        .filter_map(|e| match &e.event {
            Event::IdeaSubmitted(divergence::IdeaSubmitted { text, .. }) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["Idée 1", "Idée 2"]);
    assert!(missed.iter().all(|e| e.seq > last_seen));

    // A retried idea (same op) is recorded once and gets the same answer.
    let op = OpId("b-idea-1".into());
    let first = b
        .command_with_op(
            op.clone(),
            Command::SubmitIdea(divergence::SubmitIdea {
                text: "Idée de B".into(),
                category: None,
                seat: None,
            }),
        )
        .await;
    let again = b
        .command_with_op(
            op.clone(),
            Command::SubmitIdea(divergence::SubmitIdea {
                text: "Idée de B".into(),
                category: None,
                seat: None,
            }),
        )
        .await;
    assert!(matches!(first, ServerMsg::Accepted { .. }));
    assert_eq!(first, again);
    // …even on another connection of the same table (a reconnect), but not for another table.
    let export: serde_json::Value = ruche_tests::get_as_facilitator(
        &server.url(&format!("/api/workshops/{}/export.json", created.workshop)),
        &created.facilitator_secret,
    )
    .await
    .json()
    .await
    .unwrap();
    let ideas_of_b = export["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["author"] == "B")
        .count();
    assert_eq!(ideas_of_b, 1);
    let other = a
        .command_with_op(
            op,
            Command::SubmitIdea(divergence::SubmitIdea {
                text: "Idée de A".into(),
                category: None,
                seat: None,
            }),
        )
        .await;
    match (first, other) {
        (ServerMsg::Accepted { seq: of_b, .. }, ServerMsg::Accepted { seq: of_a, .. }) => {
            assert_ne!(
                of_a, of_b,
                "the same op id from another table is another operation"
            )
        }
        (first, other) => panic!("both should be accepted: {first:?} / {other:?}"),
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_origin_upgrade_is_refused() {
    let server =
        TestServer::spawn_with(|s| s.allowed_origins = vec!["http://allowed.example".into()]).await;
    let try_origin = |origin: String| {
        let url = format!("ws://{}/ws", server.addr);
        async move {
            let mut request = url.into_client_request().unwrap();
            request
                .headers_mut()
                .insert("Origin", origin.parse().unwrap());
            tokio_tungstenite::connect_async(request).await
        }
    };
    let refused = try_origin("http://evil.example".into()).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        other => panic!("a foreign origin was not refused: {:?}", other.map(|_| ())),
    }
    assert!(try_origin("http://allowed.example".into()).await.is_ok());
    let own = format!("http://{}", server.addr);
    assert!(
        try_origin(own).await.is_ok(),
        "the server's own pages may connect"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_sees_which_tables_are_online() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Quoi ?" }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let presence = |wanted: Vec<TableId>| {
        move |m: &ServerMsg| match m {
            ServerMsg::Presence { online } if *online == wanted => Some(()),
            _ => None,
        }
    };
    facilitator
        .expect("nobody online yet", presence(vec![]))
        .await;
    let first = Client::join(server.addr, &created.join_code, "Table 1").await;
    let second = Client::join(server.addr, &created.join_code, "Table 2").await;
    facilitator
        .expect("two tables online", presence(vec![TableId(0), TableId(1)]))
        .await;
    first.close().await;
    facilitator
        .expect("table 1 gone", presence(vec![TableId(1)]))
        .await;
    // Tables and the wall are never told who else is online.
    let mut wall = Client::wall(server.addr, &created.join_code).await;
    second.close().await;
    facilitator.expect("nobody online", presence(vec![])).await;
    let quiet = std::time::Duration::from_millis(300);
    while let Ok(Some(message)) = tokio::time::timeout(quiet, wall.try_recv()).await {
        assert!(
            !matches!(message, ServerMsg::Presence { .. }),
            "the wall got {message:?}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_and_ideas_are_one_text_however_their_accents_were_typed() {
    // « é » as one character (NFC, most keyboards) or as « e » and a
    // combining accent (some phones, text pasted from a PDF): the same name.
    let server = TestServer::spawn().await;
    let mut scene = Scene::ideation(server.addr, &["Caf\u{e9}"]).await;
    let decomposed = Auth::JoinTable {
        code: scene.code().to_owned(),
        name: "Cafe\u{301}".into(),
        token: None,
    };
    match Client::try_connect(server.addr, decomposed, None).await {
        Err(ServerMsg::Error {
            code, violation, ..
        }) => {
            assert_eq!(error_code(code), "join_refused");
            assert_eq!(violation, Some(RuleViolation::NameTaken));
        }
        other => panic!(
            "the same name typed another way was let in: {:?}",
            other.is_ok()
        ),
    }
    // An idea typed decomposed is stored composed (one character, as shown).
    let mut wall = Client::wall(server.addr, scene.code()).await;
    scene.tables[0].submit("Un cafe\u{301} solidaire").await;
    let text = wall
        .expect("the idea", |m| match m {
            ServerMsg::Events { events } => events.iter().find_map(|e| match &e.event {
                Event::IdeaSubmitted(idea) => Some(idea.text.clone()),
                _ => None,
            }),
            _ => None,
        })
        .await;
    assert_eq!(text, "Un caf\u{e9} solidaire");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_setup_is_refused_in_the_workshops_language_naming_the_step_and_setting() {
    let server = TestServer::spawn().await;
    let response = reqwest::Client::new()
        .post(server.url("/api/workshops"))
        .json(&json!({
            "template": "ideation",
            "title": "Salle",
            "question": "Comment ?",
            "budget": 30,
            "cap_per_item": 31,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "invalid_config");
    assert_eq!(
        body["message"],
        "Étape 3 (Vote à points) : le plafond par idée doit être entre 1 et le budget."
    );
    assert_eq!(body["details"]["field"], "cap_per_item");
    assert_eq!(body["details"]["kind"], "budget_vote");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_a_websocket_upgrade_is_refused_and_pings_are_answered() {
    use futures_util::StreamExt;
    let server = TestServer::spawn().await;
    let http = reqwest::Client::new();
    let plain = http.get(server.url("/ws")).send().await.unwrap();
    assert_eq!(plain.status(), 426, "a plain GET is told to upgrade");
    let old_version = http
        .get(server.url("/ws"))
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "8")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(old_version.status(), 400, "only version 13");

    // Once it has said hello, a client's ping gets its pong, payload and all.
    let created = ideation(&server).await;
    let mut wall = ruche_tests::raw_socket(server.addr).await;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth: Auth::Wall {
            code: created.join_code.clone(),
        },
        last_seq: None,
    };
    let hello = serde_json::to_string(&hello).unwrap();
    wall.send(Message::text(hello)).await.unwrap();
    wall.send(Message::Ping(vec![7, 7].into())).await.unwrap();
    let pong = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(Ok(message)) = wall.next().await {
            if let Message::Pong(payload) = message {
                return payload.to_vec();
            }
        }
        panic!("the socket closed without a pong");
    })
    .await
    .expect("a pong in time");
    assert_eq!(pong, [7, 7]);
    server.stop().await;
}
