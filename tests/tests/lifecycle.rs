//! The server's life: a graceful stop tells clients to reconnect and loses
//! nothing; a restart recovers every workshop from the log (snapshots
//! included); a client that stops answering heartbeats is dropped.

use std::time::Duration;

use ruche_shared::methods::{budget_vote, divergence, grouping};
use ruche_shared::protocol::{Auth, ServerMsg};
use ruche_shared::{Command, IdeaId, ItemRef, TableId};
use ruche_tests::scene::{Scene, vote};
use ruche_tests::{Client, TestServer, get_as_facilitator};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_stop_says_goodbye_and_a_restart_recovers_everything() {
    a_graceful_stop_says_goodbye_and_a_restart_recovers_everything_scenario().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_graceful_stop_says_goodbye_and_a_restart_recovers_everything() {
    ruche_tests::on_postgres(
        a_graceful_stop_says_goodbye_and_a_restart_recovers_everything_scenario(),
    )
    .await;
}

async fn a_graceful_stop_says_goodbye_and_a_restart_recovers_everything_scenario() {
    // A snapshot every 7 events, so the restart reads a snapshot and the events after it.
    let server = TestServer::spawn_with(|s| s.snapshot_every = 7).await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut a = Client::join(server.addr, &created.join_code, "A").await;
    let mut b = Client::join(server.addr, &created.join_code, "B").await;
    facilitator.open_step().await;
    for n in 0..6 {
        b.accepted(Command::SubmitIdea(divergence::SubmitIdea {
            text: format!("Idée {n}"),
            category: None,
            seat: None,
        }))
        .await;
    }
    facilitator.go_and_open(2).await;
    for n in 0..6 {
        a.accepted(Command::SetVote(budget_vote::SetVote {
            item: ItemRef::Idea(IdeaId(n)),
            points: 3,
        }))
        .await;
    }
    let before = server.url(&format!("/api/workshops/{}/export.json", created.workshop));
    let before: serde_json::Value = get_as_facilitator(&before, &created.facilitator_secret)
        .await
        .json()
        .await
        .unwrap();

    let token = a.table_token.clone().unwrap();
    let stopping = tokio::spawn(async move {
        a.expect_error("shutting_down").await;
        a.is_closed_by_server().await
    });
    let server = server.restart().await;
    assert!(
        stopping.await.unwrap(),
        "clients are told to reconnect, then closed"
    );

    let after = server.url(&format!("/api/workshops/{}/export.json", created.workshop));
    let after: serde_json::Value = get_as_facilitator(&after, &created.facilitator_secret)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        after, before,
        "the restarted server holds the same workshop"
    );
    assert_eq!(after["votes"][0]["histogram"]["tables"][0]["spent"], 18);

    // The table comes back with its token and goes on where it was.
    let mut a = Client::connect(
        server.addr,
        Auth::RejoinTable {
            code: created.join_code.clone(),
            token,
        },
        None,
    )
    .await;
    assert_eq!(a.role, ruche_shared::Role::Table(TableId(0)));
    a.rejected(
        Command::SetVote(budget_vote::SetVote {
            item: ItemRef::Idea(IdeaId(0)),
            points: 4,
        }),
        "item_cap_exceeded",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_answering_heartbeats_is_dropped() {
    let server =
        TestServer::spawn_with(|s| s.heartbeat_interval = Duration::from_millis(100)).await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let mut silent = Client::wall(server.addr, &created.join_code).await;
    // This client reads nothing, so it never answers the server's pings.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let metrics = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("ruche_connections{role=\"wall\"} 0"),
        "{metrics}"
    );
    assert!(silent.is_closed_by_server().await);

    // A client that keeps reading (and so answers pings) stays.
    let mut alive = Client::wall(server.addr, &created.join_code).await;
    let deadline = tokio::time::Instant::now() + Duration::from_millis(600);
    while tokio::time::Instant::now() < deadline {
        let _ = tokio::time::timeout(Duration::from_millis(50), alive.try_recv()).await;
    }
    let metrics = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("ruche_connections{role=\"wall\"} 1"),
        "{metrics}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_client_the_server_has_not_heard_from_is_pinged() {
    use futures_util::{SinkExt, StreamExt};
    use ruche_shared::protocol::{ClientMsg, PROTOCOL_VERSION};
    use tokio_tungstenite::tungstenite::Message;

    let heartbeat = Duration::from_millis(400);
    let server = TestServer::spawn_with(|s| s.heartbeat_interval = heartbeat).await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let mut socket = ruche_tests::raw_socket(server.addr).await;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth: Auth::Wall {
            code: created.join_code.clone(),
        },
        last_seq: None,
    };
    let resync = serde_json::to_string(&ClientMsg::Resync).unwrap();
    socket
        .send(Message::text(serde_json::to_string(&hello).unwrap()))
        .await
        .unwrap();
    // Reads for `period`, saying something every `every` if given; counts pings.
    async fn pings_during(
        socket: &mut ruche_tests::RawSocket,
        period: Duration,
        every: Option<(Duration, &str)>,
    ) -> usize {
        let until = tokio::time::Instant::now() + period;
        let mut next_word = tokio::time::Instant::now();
        let mut pings = 0;
        while tokio::time::Instant::now() < until {
            if let Some((every, word)) = every
                && tokio::time::Instant::now() >= next_word
            {
                socket.send(Message::text(word)).await.unwrap();
                next_word += every;
            }
            if let Ok(Some(message)) =
                tokio::time::timeout(Duration::from_millis(10), socket.next()).await
            {
                pings += usize::from(matches!(message.unwrap(), Message::Ping(_)));
            }
        }
        pings
    }
    // Speaking every 60 ms (well within the limit of 20 messages a second,
    // and of half a heartbeat period), over three periods: no ping.
    let talking = pings_during(
        &mut socket,
        Duration::from_millis(1200),
        Some((Duration::from_millis(60), &resync)),
    )
    .await;
    assert_eq!(talking, 0, "a client that speaks is not pinged");
    // Silent (answering pings only): pinged about once a period.
    let silent = pings_during(&mut socket, Duration::from_millis(1300), None).await;
    assert!(silent >= 2, "a silent client is pinged: {silent} pings");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wall_sees_results_only_once_revealed_and_never_hidden_ideas() {
    let server = TestServer::spawn().await;
    let Scene {
        created,
        mut facilitator,
        mut tables,
    } = Scene::ideation(server.addr, &["A"]).await;
    let a = &mut tables[0];
    a.submit("Une idée").await;
    facilitator.submit("Un gros mot").await;
    facilitator
        .accepted(Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: IdeaId(1),
            hidden: true,
        }))
        .await;
    facilitator.go_and_open(2).await;
    a.vote(0, 0).await;

    let mut wall = Client::wall(server.addr, &created.join_code).await;
    let snapshot = wall
        .expect("a snapshot", |m| match m {
            ServerMsg::Snapshot { workshop, .. } => Some(
                ruche_shared::Workshop::from_view((**workshop).clone())
                    .expect("a readable snapshot"),
            ),
            _ => None,
        })
        .await;
    assert_eq!(
        snapshot.all_ideas()[1].text,
        "",
        "a hidden idea's text never reaches the wall"
    );
    assert_eq!(snapshot.all_ideas()[0].text, "Une idée");
    facilitator.show_results(true).await;
    let votes = wall
        .results("revealed results", |m| match m {
            ServerMsg::Results { votes: Some(v), .. } => Some(v.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        votes.bars.len(),
        1,
        "the hidden idea is not votable, so not on the wall"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_deletes_a_workshop_and_all_its_events_for_good() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let kept = server
        .create(json!({ "template": "ideation", "title": "Autre", "question": "Autre ?" }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut a = Client::join(server.addr, &created.join_code, "A").await;
    facilitator.open_step().await;
    a.submit("Une idée à effacer pour de bon").await;

    let url = server.url(&format!("/api/workshops/{}", created.workshop));
    let client = reqwest::Client::new();
    let refused = client
        .delete(&url)
        .bearer_auth("0".repeat(32))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401, "only the facilitator may delete");
    let deleted = client
        .delete(&url)
        .bearer_auth(&created.facilitator_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(a.is_closed_by_server().await, "its screens are closed");
    let info = reqwest::get(server.url(&format!("/api/join/{}", created.join_code)))
        .await
        .unwrap();
    assert_eq!(info.status(), 404);

    // Gone from the log too: a restart does not bring it back; the other workshop stays.
    let server = server.restart().await;
    let info = reqwest::get(server.url(&format!("/api/join/{}", created.join_code)))
        .await
        .unwrap();
    assert_eq!(info.status(), 404);
    let other = reqwest::get(server.url(&format!("/api/join/{}", kept.join_code)))
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    let export = get_as_facilitator(
        &server.url(&format!("/api/workshops/{}/export.json", created.workshop)),
        &created.facilitator_secret,
    )
    .await;
    assert_eq!(export.status(), 401);

    // Erased, not just unlinked: the text is nowhere in the files left.
    let (dir, db) = server.stop_keeping_files().await;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let found = bytes
            .windows(b"effacer pour de bon".len())
            .any(|w| w == b"effacer pour de bon");
        assert!(!found, "{} still holds the deleted idea", path.display());
    }
    assert!(db.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workshops_idle_past_the_retention_period_are_deleted() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let info =
        |server: &TestServer| reqwest::get(server.url(&format!("/api/join/{}", created.join_code)));

    // A day of retention keeps a workshop that was active a moment ago…
    let server = server
        .restart_with(|s| s.retention = Some(Duration::from_secs(86_400)))
        .await;
    assert_eq!(info(&server).await.unwrap().status(), 200);
    // …no retention at all (zero) deletes it at start-up.
    let server = server
        .restart_with(|s| s.retention = Some(Duration::ZERO))
        .await;
    let deadline = tokio::time::Instant::now() + ruche_tests::WAIT;
    while info(&server).await.unwrap().status() != 404 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the idle workshop was not purged"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Gone from the log as well.
    let server = server.restart_with(|s| s.retention = None).await;
    assert_eq!(info(&server).await.unwrap().status(), 404);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_prints_working_links_for_the_facilitator_the_wall_and_tablets() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = ruche_tests::ServerProcess::start(
        env!("CARGO_BIN_EXE_ruche-server-under-test"),
        &dir.path().join("demo.db"),
        &["--demo"],
    )
    .await;
    // The first demo workshop's three links.
    let facilitator = server.printed_line("facilitator (this laptop):").await;
    let wall = server.printed_line("wall (projector):").await;
    let tablets = server.printed_line("tablets:").await;
    let after = |line: &str, marker: &str| {
        line.split(marker)
            .nth(1)
            .unwrap_or_else(|| panic!("{line:?} has no {marker:?}"))
            .trim()
            .to_owned()
    };
    let facilitate = after(&facilitator, "/#/facilitate/");
    let (workshop, secret) = facilitate.split_once('/').expect("id/secret");
    let code = after(&wall, "/#/wall/");
    assert_eq!(
        after(&tablets, "/#/join/"),
        code,
        "tablets and wall use the same code"
    );

    // The printed credentials work.
    let mut console = Client::connect(
        server.addr,
        Auth::Facilitator {
            workshop: workshop.to_owned(),
            secret: secret.to_owned(),
        },
        None,
    )
    .await;
    let title = console
        .expect("the facilitator's snapshot", |m| match m {
            ServerMsg::Snapshot { workshop, .. } => Some(workshop.config.setup().title.clone()),
            _ => None,
        })
        .await;
    assert_eq!(title, "Salle municipale");
    // Joining panics if the code is refused.
    let _table = Client::join(server.addr, &code, "Table 1").await;
    // Every template of the source's is among them, « Regards croisés » last.
    for title in [
        "Accueil des réfugiés »",
        "Imaginer la mairie de demain »",
        "Accueil des réfugiés : choisir nos critères »",
        "Le parcours d'un participant aux ETS »",
        "Regards croisés : usagers, agents, managers, élus »",
    ] {
        server
            .printed_line(&format!("Demo workshop « {title}"))
            .await;
    }
    server.kill().await;
}

/// A figure of `/metrics`, e.g. `ruche_workshops_live` (NaN when absent).
async fn metric(server: &TestServer, name: &str) -> f64 {
    ruche_tests::metric(server.addr, name)
        .await
        .unwrap_or(f64::NAN)
}

/// Waits (up to 5 s) until `/metrics` says `name` is `value`.
async fn wait_for_metric(server: &TestServer, name: &str, value: f64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let now = metric(server, name).await;
        if now == value {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{name} is {now}, not {value}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_workshop_leaves_memory_and_comes_back_whole_on_demand() {
    an_idle_workshop_leaves_memory_and_comes_back_whole_on_demand_scenario().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_an_idle_workshop_leaves_memory_and_comes_back_whole_on_demand() {
    ruche_tests::on_postgres(
        an_idle_workshop_leaves_memory_and_comes_back_whole_on_demand_scenario(),
    )
    .await;
}

async fn an_idle_workshop_leaves_memory_and_comes_back_whole_on_demand_scenario() {
    let server = TestServer::spawn_with(|s| {
        s.idle_release = Some(std::time::Duration::from_millis(300));
    })
    .await;
    let mut scene = Scene::at_vote(server.addr, &["A", "B"]).await;
    let op = ruche_tests::unique_op_id();
    let first = scene.tables[0]
        .command_with_op(op.clone(), vote(1, 2))
        .await;
    let ServerMsg::Accepted { seq: first_seq, .. } = first else {
        panic!("the vote is accepted: {first:?}");
    };
    let token = scene.tables[0].table_token.clone().unwrap();
    let code = scene.code().to_owned();
    let created = scene.created.clone();
    for client in scene.tables.drain(..) {
        client.close().await;
    }
    scene.facilitator.close().await;

    // Nobody watches: the workshop leaves memory.
    wait_for_metric(&server, "ruche_workshops_live", 0.0).await;

    // The table comes back: the workshop is loaded again, its vote there,
    // and the retry of its answered vote gets the first answer.
    let rejoin = Auth::RejoinTable {
        code: code.clone(),
        token: token.clone(),
    };
    let mut table = Client::connect(server.addr, rejoin, None).await;
    assert_eq!(metric(&server, "ruche_workshops_live").await, 1.0);
    let again = table.command_with_op(op, vote(1, 2)).await;
    assert!(
        matches!(again, ServerMsg::Accepted { seq, .. } if seq == first_seq),
        "a retry after the reload gets its first answer: {again:?}"
    );
    table.vote(1, 3).await;
    table.close().await;
    wait_for_metric(&server, "ruche_workshops_live", 0.0).await;

    // An export needs no screen: it loads the workshop too.
    let export: serde_json::Value = get_as_facilitator(
        &server.url(&format!("/api/workshops/{}/export.json", created.workshop)),
        &created.facilitator_secret,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(export["votes"][0]["by_table"][0]["points"], 3);

    // After a restart, a workshop idle for longer stays in the log until needed.
    let server = server.restart().await;
    assert_eq!(metric(&server, "ruche_workshops_live").await, 0.0);
    let info: serde_json::Value = reqwest::get(server.url(&format!("/api/join/{code}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["title"], "Salle", "the join screen needs no loading");
    let rejoin = Auth::RejoinTable { code, token };
    let table = Client::connect(server.addr, rejoin, None).await;
    assert_eq!(metric(&server, "ruche_workshops_live").await, 1.0);
    table.close().await;
    server.stop().await;
}
