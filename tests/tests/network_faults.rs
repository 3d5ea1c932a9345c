//! Network faults between a tablet and the server, through a proxy on
//! loopback that cuts connections: mid-vote, in the middle of a frame, and
//! during the join handshake. The tablet reconnects, catches up from its last
//! sequence number, its retries count once, and it stays the same table.

use std::time::Duration;

use futures_util::SinkExt;
use ruche_shared::protocol::{Auth, ClientMsg, OpId, PROTOCOL_VERSION, ServerMsg};
use ruche_shared::{Command, TableId, Workshop};
use ruche_tests::proxy::Proxy;
use ruche_tests::scene::{Scene, vote};
use ruche_tests::{Client, TestServer, raw_socket};
use tokio_tungstenite::tungstenite::Message;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// A workshop at an open vote over 12 ideas written by the facilitator.
async fn vote_workshop(server: &TestServer) -> (ruche_shared::api::CreatedWorkshop, Client) {
    let scene = Scene::vote_on_facilitator_ideas(server.addr, 12).await;
    (scene.created, scene.facilitator)
}

/// The workshop as a fresh facilitator connection sees it now.
async fn current(server: &TestServer, created: &ruche_shared::api::CreatedWorkshop) -> Workshop {
    let mut fresh = Client::facilitator(server.addr, created).await;
    fresh
        .expect("a snapshot", |m| match m {
            ServerMsg::Snapshot { workshop, .. } => {
                Some(Workshop::from_view((**workshop).clone()).expect("a readable snapshot"))
            }
            _ => None,
        })
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_cut_mid_vote_catches_up_and_its_retries_count_once() {
    let server = TestServer::spawn().await;
    let (created, mut facilitator) = vote_workshop(&server).await;
    let code = created.join_code.clone();
    let proxy = Proxy::start(server.addr).await;
    let mut tablet = Client::join(proxy.addr, &code, "Table 1").await;
    let token = tablet.table_token.clone().expect("a token");
    let me = tablet.role;
    let mut other = Client::join(server.addr, &code, "Table 2").await;

    // Ten votes pipelined; the connection is cut after the first answers.
    let votes: Vec<(OpId, Command)> = (0..10)
        .map(|n| (OpId(format!("vote-{n}")), vote(n, 3)))
        .collect();
    for (op, command) in &votes {
        tablet
            .send(&ClientMsg::Command {
                op: op.clone(),
                command: command.clone(),
            })
            .await;
    }
    let mut acked = std::collections::BTreeMap::new();
    while acked.len() < 3 {
        if let Some(ServerMsg::Accepted { op, seq }) = tablet.try_recv().await {
            acked.insert(op, seq);
        }
    }
    proxy.cut_all();
    let last_seq = tablet.last_seq;
    // While it is away, another table votes (its points are its own), and
    // the facilitator locks joining and opens it again: the tablet must
    // catch up on what it may see. (Its own votes' events may all have
    // reached it before the cut: they cannot be what it catches up on.)
    other.accepted(vote(11, 2)).await;
    for locked in [true, false] {
        facilitator
            .accepted(ruche_shared::joining::SetJoiningLocked { locked }.into())
            .await;
    }

    let rejoin = Auth::RejoinTable {
        code: code.clone(),
        token,
    };
    let mut back = Client::connect(proxy.addr, rejoin, last_seq).await;
    assert_eq!(back.role, me, "the same table after the cut");
    let caught_up = back
        .expect("the missed events (not a snapshot)", |m| match m {
            ServerMsg::Events { events } => Some(events.len()),
            ServerMsg::Snapshot { .. } => Some(0),
            _ => None,
        })
        .await;
    assert!(
        caught_up > 0,
        "a recent last_seq is answered with the missed events"
    );
    for (op, command) in votes {
        match back.command_with_op(op.clone(), command).await {
            ServerMsg::Accepted { seq, .. } => {
                if let Some(first) = acked.get(&op) {
                    assert_eq!(
                        seq, *first,
                        "{op:?} was acknowledged: its retry gets the same answer"
                    );
                }
            }
            other => panic!("retry of {op:?}: {other:?}"),
        }
    }
    let workshop = current(&server, &created).await;
    let ledger = workshop.vote_ledger(2).expect("a vote step");
    assert_eq!(
        ledger.spent(TableId(0)),
        30,
        "ten votes of 3 points, each once"
    );
    assert_eq!(ledger.spent(TableId(1)), 2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_cut_in_the_middle_is_not_applied_and_its_retry_is() {
    let server = TestServer::spawn().await;
    let (created, _facilitator) = vote_workshop(&server).await;
    let code = created.join_code.clone();
    let proxy = Proxy::start(server.addr).await;
    let mut tablet = Client::join(proxy.addr, &code, "Table 1").await;
    let token = tablet.table_token.clone().expect("a token");

    // Only 12 bytes of the next frame reach the server, then the cut.
    proxy.cut_upstream_after(12);
    let op = OpId("half-a-frame".into());
    let _ = tablet
        .try_send(&ClientMsg::Command {
            op: op.clone(),
            command: vote(4, 2),
        })
        .await;
    assert!(tablet.is_closed_by_server().await, "the connection is cut");
    let before = current(&server, &created).await;
    assert_eq!(
        before.vote_ledger(2).unwrap().spent(TableId(0)),
        0,
        "half a frame applies nothing"
    );

    let rejoin = Auth::RejoinTable { code, token };
    let mut back = Client::connect(proxy.addr, rejoin, tablet.last_seq).await;
    assert!(matches!(
        back.command_with_op(op.clone(), vote(4, 2)).await,
        ServerMsg::Accepted { .. }
    ));
    assert!(matches!(
        back.command_with_op(op, vote(4, 2)).await,
        ServerMsg::Accepted { .. }
    ));
    let after = current(&server, &created).await;
    assert_eq!(after.vote_ledger(2).unwrap().spent(TableId(0)), 2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_whose_welcome_is_lost_finds_its_table_again() {
    let server = TestServer::spawn().await;
    let (created, _facilitator) = vote_workshop(&server).await;
    let code = created.join_code.clone();
    let proxy = Proxy::start(server.addr).await;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth: Auth::JoinTable {
            code: code.clone(),
            name: "Table 4".into(),
            token: Some(TOKEN.into()),
        },
        last_seq: None,
    };

    // The hello gets through; the welcome does not, and the connection drops.
    let mut socket = raw_socket(proxy.addr).await;
    proxy.stall_downstream(true);
    socket
        .send(Message::text(serde_json::to_string(&hello).unwrap()))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + ruche_tests::WAIT;
    while current(&server, &created).await.tables().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the join reaches the server"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    proxy.cut_all();
    proxy.stall_downstream(false);

    // The same join again: the same table, not "name taken".
    let mut again = Client::connect(
        proxy.addr,
        match hello {
            ClientMsg::Hello { auth, .. } => auth,
            _ => unreachable!(),
        },
        None,
    )
    .await;
    assert_eq!(again.role, ruche_shared::Role::Table(TableId(0)));
    again.accepted(vote(1, 1)).await;
    let workshop = current(&server, &created).await;
    assert_eq!(workshop.tables().len(), 1, "no second table");
    assert_eq!(workshop.tables()[0].name, "Table 4");
    // A malformed chosen token is refused, not stored.
    let weak = Auth::JoinTable {
        code,
        name: "Table 5".into(),
        token: Some("1234".into()),
    };
    match Client::try_connect(server.addr, weak, None).await {
        Err(ServerMsg::Error { code, .. }) => {
            assert_eq!(ruche_tests::error_code(code), "malformed_message")
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a 4-digit token must be refused"),
    }
    server.stop().await;
}
