//! Beyond one machine: two Ruche servers on one PostgreSQL, behind nginx
//! with the configuration shipped in `deploy/nginx.conf`, one running the
//! workshops and one standing by (`--standby`).
//!
//! - The running server is `kill -9`ed while 20 tables vote through nginx;
//!   the standby takes the workshops over, the tables reconnect through the
//!   same address with their tokens and retry every vote with the same
//!   operation ids. Then, reading PostgreSQL directly: every acknowledged
//!   vote exactly once, no rule broken, the histogram what the tables meant
//!   and what the new server exports (the crash harness's checks).
//! - The running server is frozen (`SIGSTOP`) instead: the standby takes
//!   over once its leases run out; woken (`SIGCONT`), the old server finds
//!   its appends refused (fenced) and steps down, and no vote it was still
//!   holding reaches the log.
//!
//! Both print how long the takeover took (BENCHMARKS.md quotes it).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ruche_shared::Command;
use ruche_shared::protocol::OpId;
use ruche_tests::crash::{FAST, Log, Voting, rejoin, retry_all, vote_room};
use ruche_tests::nginx::Nginx;
use ruche_tests::postgres::Postgres;
use ruche_tests::{Client, ServerProcess};

const SERVER: &str = env!("CARGO_BIN_EXE_ruche-server-under-test");
const TABLES: usize = 20;

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

/// PostgreSQL, an active server, a standby (still waiting) and nginx.
struct Site {
    postgres: Postgres,
    url: String,
    active: ServerProcess,
    standby: tokio::task::JoinHandle<ServerProcess>,
    nginx: Nginx,
}

async fn site() -> Option<Site> {
    let postgres = tokio::task::spawn_blocking(Postgres::start)
        .await
        .unwrap()?;
    let url = postgres.new_database();
    let db = std::path::Path::new(&url);
    let (a, b) = (free_port(), free_port());
    let active = ServerProcess::launch(
        ServerProcess::command(SERVER, db, &a.to_string(), FAST),
        ruche_tests::WAIT,
    )
    .await;
    let standby_args: Vec<&str> = FAST.iter().copied().chain(["--standby"]).collect();
    let standby = tokio::spawn(ServerProcess::launch(
        ServerProcess::command(SERVER, db, &b.to_string(), &standby_args),
        Duration::from_secs(120),
    ));
    let nginx = Nginx::start([a, b]).await?;
    Some(Site {
        postgres,
        url,
        active,
        standby,
        nginx,
    })
}

/// Waits (bounded) until a server answers through the balancer again.
async fn serving_again(addr: SocketAddr) {
    let started = Instant::now();
    let url = format!("http://{addr}/healthz");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    loop {
        if client
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no server answers through nginx 30 s after the loss"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_vote_behind_nginx_loses_no_vote_and_counts_none_twice() {
    let Some(site) = site().await else {
        return;
    };
    let addr = site.nginx.addr;
    let (created, tokens) = vote_room(addr, TABLES).await;
    let mut voting = Voting::start(addr, &created.join_code, &tokens, 0x5eed_f00d).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    site.active.kill().await;
    let killed = Instant::now();
    let (acked, acked_before) = voting.acknowledged().await;
    assert!(acked_before > 0, "votes were acknowledged before the kill");

    serving_again(addr).await;
    let serving = killed.elapsed();
    let new_owner = site.standby.await.expect("the standby took over");
    let first_vote =
        serving + retry_all(addr, &created.join_code, &tokens, &voting.plans, &acked).await;
    eprintln!(
        "failover: {acked_before} votes acknowledged before kill -9; serving through nginx \
         {serving:?} after it, first retried vote answered by {first_vote:?}"
    );

    voting
        .check(addr, &Log::Postgres(site.url.clone()), &created, acked)
        .await;
    new_owner.kill().await;
    drop(site.postgres);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_server_is_taken_over_and_once_woken_is_fenced_and_steps_down() {
    let Some(site) = site().await else {
        return;
    };
    let addr = site.nginx.addr;
    let (created, tokens) = vote_room(addr, 2).await;
    let code = &created.join_code;
    let mut table = Client::connect(addr, rejoin(code, &tokens[0]), None).await;
    let vote = |idea, points| {
        Command::SetVote(ruche_shared::methods::budget_vote::SetVote {
            item: ruche_shared::ItemRef::Idea(ruche_shared::IdeaId(idea)),
            points,
        })
    };
    table.accepted(vote(0, 1)).await;

    // Frozen: it neither answers nor renews its leases.
    site.active.signal("STOP").await;
    let frozen = Instant::now();
    // A vote sent to the frozen server is never answered by it.
    let stuck = OpId("stuck-vote".into());
    assert!(
        table
            .try_send(&ruche_shared::protocol::ClientMsg::Command {
                op: stuck.clone(),
                command: vote(1, 3),
            })
            .await
    );
    let new_owner = site.standby.await.expect("the standby took over");
    let took_over = frozen.elapsed();
    assert!(
        took_over >= Duration::from_secs(1),
        "the standby waited for the leases to run out: {took_over:?}"
    );
    // Another table votes on the new owner. (Not through nginx: the frozen
    // server's port still accepts connections, which then wait until it
    // wakes, or until nginx's read timeout; the kill -9 test goes through
    // nginx.)
    let mut other = Client::connect(new_owner.addr, rejoin(code, &tokens[1]), None).await;
    other.accepted(vote(2, 2)).await;
    eprintln!("failover: a frozen server's workshops taken over after {took_over:?}");

    // Woken: its pending vote would be appended at its old epoch: refused,
    // and the server steps down (it stops by itself).
    site.active.signal("CONT").await;
    let mut stepped_down = site.active;
    let status = stepped_down.wait_for_exit(Duration::from_secs(20)).await;
    let status = status.expect("the woken server stepped down and stopped");
    assert!(
        !status.success(),
        "with a failure, for its supervisor: {status}"
    );

    // The stuck vote is not in the log (the table retries it on the new owner).
    let (_, rows) = Log::Postgres(site.url.clone())
        .read(&created.workshop)
        .await;
    assert!(
        rows.iter()
            .all(|(_, op, _)| op.as_deref() != Some("stuck-vote")),
        "nothing of the fenced server's reached the log"
    );
    let mut table = Client::connect(addr, rejoin(code, &tokens[0]), None).await;
    table.command_with_op(stuck.clone(), vote(1, 3)).await;
    let (_, rows) = Log::Postgres(site.url.clone())
        .read(&created.workshop)
        .await;
    assert_eq!(
        rows.iter()
            .filter(|(_, op, _)| op.as_deref() == Some("stuck-vote"))
            .count(),
        1,
        "retried on the new owner: there once"
    );
    new_owner.kill().await;
}
