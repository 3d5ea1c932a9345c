//! Beyond one machine, several servers at once: Ruche servers sharing one
//! PostgreSQL with `--cluster`, each workshop run by one of them at a time.
//!
//! - A screen that reaches a server which does not run its workshop is
//!   carried to the one that does (forwarded), and its votes count there; an
//!   export is answered from the log by any server; a change sent to the
//!   wrong server (a handover code) is refused with `served_elsewhere`.
//!   Once the running server is `kill -9`ed, the other takes the workshop
//!   over, and the vote retried there lands once.
//! - Three servers behind nginx with `deploy/nginx-cluster.conf` (hashing
//!   on the join code): the server running a plenary is `kill -9`ed while
//!   20 tables vote; the tables come back through nginx on another server
//!   and retry every vote. Reading PostgreSQL directly: every acknowledged
//!   vote exactly once, no rule broken, the histogram what the tables meant
//!   and what is exported (the crash harness's checks). It prints the time
//!   from the kill to the first vote accepted again (BENCHMARKS.md).
//! - A server frozen (`SIGSTOP`) while running a workshop: another takes it
//!   over once its lease runs out; woken (`SIGCONT`), the frozen one finds
//!   its appends refused (fenced) and steps down, and the vote it was
//!   holding reaches the log only when retried on the new owner.
//! - An idle workshop lets its lease go with it (`--idle-minutes`): the
//!   next screen, reaching another server, finds it free there.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ruche_shared::protocol::{OpId, ServerMsg};
use ruche_shared::{Command, IdeaId, ItemRef};
use ruche_tests::crash::{FAST, Log, Voting, rejoin, retry_all, vote_room};
use ruche_tests::nginx::Nginx;
use ruche_tests::postgres::Postgres;
use ruche_tests::{Client, ServerProcess, get_as_facilitator, metric};

const SERVER: &str = env!("CARGO_BIN_EXE_ruche-server-under-test");
const TABLES: usize = 20;

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

/// A PostgreSQL of the test's own (stopped when dropped) and a new
/// database in it; `None` (the test skipped, loudly) without PostgreSQL.
async fn database() -> Option<(Postgres, String)> {
    let postgres = tokio::task::spawn_blocking(Postgres::start)
        .await
        .unwrap()?;
    let url = postgres.new_database();
    Some((postgres, url))
}

/// Starts `count` servers of one cluster on the database at `url`.
async fn cluster(url: &str, count: usize) -> Vec<ServerProcess> {
    let args: Vec<&str> = FAST.iter().copied().chain(["--cluster"]).collect();
    let mut servers = Vec::new();
    for _ in 0..count {
        let command = ServerProcess::command(
            SERVER,
            std::path::Path::new(url),
            &free_port().to_string(),
            &args,
        );
        servers.push(ServerProcess::launch(command, ruche_tests::WAIT).await);
    }
    servers
}

/// Where the server running `workshop` listens, as PostgreSQL says.
async fn owner_of(url: &str, workshop: &str) -> Option<String> {
    let (url, workshop) = (url.to_owned(), workshop.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        db.query_opt(
            "SELECT address FROM ruche.owners WHERE workshop = $1",
            &[&workshop],
        )
        .unwrap()
        .and_then(|row| row.get(0))
    })
    .await
    .unwrap()
}

fn vote(idea: u32, points: u32) -> Command {
    Command::SetVote(ruche_shared::methods::budget_vote::SetVote {
        item: ItemRef::Idea(IdeaId(idea)),
        points,
    })
}

/// Connects table `token` through `addr` until a server welcomes it (its
/// workshop's server was just lost: the others answer « come back » until
/// one takes it over). Bounded.
async fn back_on(addr: SocketAddr, code: &str, token: &str) -> Client {
    let started = Instant::now();
    loop {
        if let Ok(table) = Client::try_connect(addr, rejoin(code, token), None).await {
            return table;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no server took the workshop over within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_reaching_another_server_is_carried_to_the_one_running_its_workshop() {
    let Some((_postgres, url)) = database().await else {
        return;
    };
    let mut servers = cluster(&url, 2).await;
    let (a, b) = (servers[0].addr, servers[1].addr);
    // Everything on a: it runs the workshop.
    let (created, tokens) = vote_room(a, 2).await;
    assert_eq!(owner_of(&url, &created.workshop).await, Some(a.to_string()));

    // Table 0 comes in through b, which has never met the workshop: it
    // finds it in the log, sees a runs it, and carries the connection there.
    let code = &created.join_code;
    let mut table = Client::connect(b, rejoin(code, &tokens[0]), None).await;
    let seq = table.accepted(vote(0, 2)).await;
    assert!(
        metric(b, "ruche_connections_forwarded_total").await >= Some(1.0),
        "b carried the connection to a"
    );
    assert_eq!(
        metric(a, "ruche_connections_forwarded_total").await,
        Some(0.0),
        "a runs the workshop itself"
    );
    assert_eq!(
        owner_of(&url, &created.workshop).await,
        Some(a.to_string()),
        "b did not take the workshop from a"
    );

    // A ping flood on a carried connection is closed by the carrier, as on
    // a direct one; the carried table is not affected.
    let mut flood = Client::wall(b, code).await;
    for _ in 0..2_000 {
        let ping = tokio_tungstenite::tungstenite::Message::Ping(vec![1].into());
        if !flood.try_send_frame(ping).await {
            break;
        }
    }
    assert!(
        matches!(flood.close_code().await, Some(1008) | None),
        "a ping flood through b is closed as a policy violation"
    );
    table.accepted(vote(1, 1)).await;

    // A join code is not an id: a console's hello naming the workshop by
    // its code is refused, even with the right secret.
    let by_code = ruche_shared::protocol::Auth::Facilitator {
        workshop: created.join_code.clone(),
        secret: created.facilitator_secret.clone(),
    };
    match Client::try_connect(b, by_code, None).await {
        Err(ServerMsg::Error { code, .. }) => {
            assert_eq!(code, ruche_shared::protocol::ErrorCode::BadCredentials)
        }
        Err(other) => panic!("refused otherwise: {other:?}"),
        Ok(_) => panic!("a join code opened the console"),
    }

    // An export from either server is the same: b reads the log.
    let export = |addr: SocketAddr| {
        let url = format!(
            "http://{addr}/api/workshops/{}/export.json",
            created.workshop
        );
        let secret = created.facilitator_secret.clone();
        async move {
            let answer = get_as_facilitator(&url, &secret).await;
            assert_eq!(answer.status(), 200, "export from {addr}");
            answer.json::<serde_json::Value>().await.unwrap()
        }
    };
    let (from_a, from_b) = (export(a).await, export(b).await);
    assert_eq!(from_a, from_b, "the same export from both servers");
    assert!(
        from_b["votes"].to_string().contains("\"points\":2"),
        "the vote carried to a is in b's export: {}",
        from_b["votes"]
    );

    // A change sent to b is refused with a code a client can act on.
    let handover = reqwest::Client::new()
        .post(format!(
            "http://{b}/api/workshops/{}/tables/0/handover",
            created.workshop
        ))
        .bearer_auth(&created.facilitator_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(handover.status(), 503);
    let body: serde_json::Value = handover.json().await.unwrap();
    assert_eq!(body["code"], "served_elsewhere", "{body}");

    // a is lost: the forwarded connection ends, the table comes back
    // through b, which takes the workshop over once a's lease runs out.
    let server_a = servers.remove(0);
    server_a.kill().await;
    let killed = Instant::now();
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if table.try_recv().await.is_none() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the carried connection ends with its server");
    let mut table = back_on(b, code, &tokens[0]).await;
    let retried = OpId("vote-after-the-loss".into());
    assert!(matches!(
        table.command_with_op(retried.clone(), vote(1, 3)).await,
        ServerMsg::Accepted { .. }
    ));
    eprintln!(
        "cluster: b took the workshop over {:?} after a's kill -9",
        killed.elapsed()
    );
    assert_eq!(owner_of(&url, &created.workshop).await, Some(b.to_string()));
    // The vote acknowledged on a is there, once, and the one after too.
    let (_, rows) = Log::Postgres(url.clone()).read(&created.workshop).await;
    let seqs: Vec<i64> = rows.iter().map(|(seq, _, _)| *seq).collect();
    assert!(seqs.contains(&(seq as i64)), "the vote a acknowledged");
    assert_eq!(
        rows.iter()
            .filter(|(_, op, _)| op.as_deref() == Some("vote-after-the-loss"))
            .count(),
        1
    );
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "no hole, no repeat: {seqs:?}"
    );
    for server in servers {
        server.kill().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_behind_nginx_lose_one_mid_vote_and_lose_no_vote() {
    let Some((_postgres, url)) = database().await else {
        return;
    };
    let mut servers = cluster(&url, 3).await;
    let addrs: Vec<SocketAddr> = servers.iter().map(|s| s.addr).collect();
    let Some(nginx) = Nginx::cluster([addrs[0], addrs[1], addrs[2]]).await else {
        return;
    };
    let addr = nginx.addr;
    let (created, tokens) = vote_room(addr, TABLES).await;
    let owner = owner_of(&url, &created.workshop)
        .await
        .expect("a server runs the workshop");
    // nginx's hash on the join code sent every screen, the console's too,
    // to the server running the workshop: none was carried.
    for server in &addrs {
        assert_eq!(
            metric(*server, "ruche_connections_forwarded_total").await,
            Some(0.0),
            "{server} carried a connection: nginx did not hash on the workshop"
        );
    }

    let mut voting = Voting::start(addr, &created.join_code, &tokens, 0xc105_7e12).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let running = servers
        .iter()
        .position(|s| s.addr.to_string() == owner)
        .expect("the owner is one of the three");
    servers.remove(running).kill().await;
    let killed = Instant::now();
    let (acked, acked_before) = voting.acknowledged().await;
    assert!(acked_before > 0, "votes were acknowledged before the kill");

    back_on(addr, &created.join_code, &tokens[0])
        .await
        .close()
        .await;
    let back = killed.elapsed();
    let first_vote =
        back + retry_all(addr, &created.join_code, &tokens, &voting.plans, &acked).await;
    let new_owner = owner_of(&url, &created.workshop).await;
    assert!(
        new_owner.is_some() && new_owner != Some(owner.clone()),
        "another server runs the workshop: {new_owner:?}"
    );
    eprintln!(
        "cluster: {acked_before} votes acknowledged before kill -9; the workshop answered \
         again through nginx {back:?} after it, first retried vote accepted by {first_vote:?}"
    );

    voting
        .check(addr, &Log::Postgres(url.clone()), &created, acked)
        .await;
    for server in servers {
        server.kill().await;
    }
    drop(nginx);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_cluster_server_is_taken_over_and_once_woken_steps_down() {
    let Some((_postgres, url)) = database().await else {
        return;
    };
    let mut servers = cluster(&url, 2).await;
    let (a, b) = (servers[0].addr, servers[1].addr);
    let (created, tokens) = vote_room(a, 2).await;
    let code = &created.join_code;
    let mut table = Client::connect(a, rejoin(code, &tokens[0]), None).await;
    table.accepted(vote(0, 1)).await;

    // Frozen: it neither answers nor renews its leases.
    let frozen_server = servers.remove(0);
    frozen_server.signal("STOP").await;
    let frozen = Instant::now();
    let stuck = OpId("stuck-vote".into());
    assert!(
        table
            .try_send(&ruche_shared::protocol::ClientMsg::Command {
                op: stuck.clone(),
                command: vote(1, 3),
            })
            .await
    );
    // The other table comes in through b, which takes the workshop over
    // once a's lease has run out.
    let mut other = back_on(b, code, &tokens[1]).await;
    let took_over = frozen.elapsed();
    other.accepted(vote(2, 2)).await;
    assert!(
        took_over >= Duration::from_secs(1),
        "b waited for a's lease to run out: {took_over:?}"
    );
    assert_eq!(owner_of(&url, &created.workshop).await, Some(b.to_string()));
    eprintln!("cluster: a frozen server's workshop taken over after {took_over:?}");

    // Woken: its pending vote would be appended at its old epoch: refused,
    // and the server steps down (it stops by itself, with a failure).
    frozen_server.signal("CONT").await;
    let mut stepped_down = frozen_server;
    let status = stepped_down
        .wait_for_exit(Duration::from_secs(20))
        .await
        .expect("the woken server stepped down and stopped");
    assert!(!status.success(), "with a failure: {status}");
    let (_, rows) = Log::Postgres(url.clone()).read(&created.workshop).await;
    assert!(
        rows.iter()
            .all(|(_, op, _)| op.as_deref() != Some("stuck-vote")),
        "nothing of the fenced server's reached the log"
    );
    // Retried on b: there once.
    let mut table = Client::connect(b, rejoin(code, &tokens[0]), None).await;
    table.command_with_op(stuck, vote(1, 3)).await;
    let (_, rows) = Log::Postgres(url.clone()).read(&created.workshop).await;
    assert_eq!(
        rows.iter()
            .filter(|(_, op, _)| op.as_deref() == Some("stuck-vote"))
            .count(),
        1
    );
    for server in servers {
        server.kill().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_workshop_lets_its_lease_go_and_the_server_its_screens_reach_next_takes_it() {
    let Some((_postgres, url)) = database().await else {
        return;
    };
    let in_cluster = |settings: &mut ruche_server::settings::Settings| {
        settings.db = ruche_server::settings::Database::Postgres(url.clone());
        settings.cluster = true;
        settings.idle_release = Some(Duration::from_millis(300));
    };
    let a = ruche_tests::TestServer::spawn_with(in_cluster).await;
    let b = ruche_tests::TestServer::spawn_with(in_cluster).await;
    let created = a
        .create(serde_json::json!({ "template": "ideation", "title": "Salle", "question": "?" }))
        .await;
    let facilitator = Client::facilitator(a.addr, &created).await;
    assert_eq!(
        owner_of(&url, &created.workshop).await,
        Some(a.addr.to_string())
    );
    facilitator.close().await;
    // Nobody watches: a lets the workshop go from memory, and its lease.
    let started = Instant::now();
    while owner_of(&url, &created.workshop).await.is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "a let the lease go once the workshop was idle"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The wall reaches b: b runs the workshop itself, no hop to a.
    let mut wall = Client::wall(b.addr, &created.join_code).await;
    assert!(matches!(wall.recv().await, ServerMsg::Snapshot { .. }));
    assert_eq!(
        owner_of(&url, &created.workshop).await,
        Some(b.addr.to_string())
    );
    assert_eq!(
        metric(b.addr, "ruche_connections_forwarded_total").await,
        Some(0.0)
    );
    a.stop().await;
    b.stop().await;
}
