//! Hostile and broken clients, on loopback, against the real server binary:
//! each attack gets its documented error or close, the server never panics
//! (it keeps answering `/healthz`), its memory stays bounded, and a healthy
//! table keeps voting throughout. The healthy table's acknowledgement times
//! before and during the attacks are printed (and recorded in
//! `docs/reliability.md`); the test fails only on a gross slowdown, since
//! these machines are shared and noisy.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use ruche_shared::methods::budget_vote;
use ruche_shared::protocol::{Auth, ClientMsg, OpId, PROTOCOL_VERSION, ServerMsg};
use ruche_shared::{Command, IdeaId, ItemRef};
use ruche_tests::scene::Scene;
use ruche_tests::{Client, ServerProcess, next_msg, raw_socket};
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{Frame, FrameHeader};

const SERVER: &str = env!("CARGO_BIN_EXE_ruche-server-under-test");

/// A raw WebSocket frame, fragments and invalid text included.
fn raw_frame(opcode: OpCode, fin: bool, payload: Vec<u8>) -> Message {
    let header = FrameHeader {
        is_final: fin,
        opcode,
        ..FrameHeader::default()
    };
    Message::Frame(Frame::from_payload(header, payload.into()))
}

/// Whether the server closes `socket` (a close frame, or the end) within 5 s.
async fn closed_by_server(socket: &mut ruche_tests::RawSocket) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let next = tokio::time::timeout(Duration::from_millis(200), socket.next()).await;
        if let Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) = next {
            return true;
        }
    }
    false
}

/// One healthy vote's round trip: set a point, wait for its acknowledgement.
async fn healthy_vote(table: &mut Client, n: u32) -> Duration {
    let started = Instant::now();
    table
        .accepted(Command::SetVote(budget_vote::SetVote {
            item: ItemRef::Idea(IdeaId(n % 10)),
            points: 1 + n % 3,
        }))
        .await;
    started.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attacks_get_documented_answers_and_a_healthy_table_keeps_voting() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(SERVER, &dir.path().join("ruche.db"), &[]).await;
    let addr = server.addr;
    let Scene {
        created,
        facilitator: _,
        ..
    } = Scene::vote_on_facilitator_ideas(addr, 10).await;
    let code = created.join_code.clone();
    let mut healthy = Client::join(addr, &code, "Table saine").await;
    let mut victim = Client::join(addr, &code, "Table victime").await;

    // Baseline: the healthy table's votes alone.
    let mut before = Vec::new();
    for n in 0..20 {
        before.push(healthy_vote(&mut healthy, n).await);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let rss_before = server.rss_kib();

    // The attackers run in the background while the healthy table votes.
    let attackers = tokio::spawn(async move {
        // Hundreds of connections from one address that never say hello.
        let mut idle = Vec::new();
        for _ in 0..300 {
            idle.push(raw_socket(addr).await);
        }
        // 10,000 malformed JSON messages on one connection: each gets its error
        // until the rate limit answers instead; the connection stays usable.
        let mut junk = raw_socket(addr).await;
        let wall = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            auth: Auth::Wall { code: code.clone() },
            last_seq: None,
        };
        junk.send(Message::text(serde_json::to_string(&wall).unwrap()))
            .await
            .unwrap();
        for n in 0..10_000 {
            if junk
                .send(Message::text(format!("{{ not json {n}")))
                .await
                .is_err()
            {
                break;
            }
        }
        // An endless fragmented message: closed once past the size limit.
        let mut fragments = raw_socket(addr).await;
        let mut closed_fragments = false;
        let mut first = true;
        for _ in 0..100 {
            let opcode = if first {
                OpCode::Data(Data::Text)
            } else {
                OpCode::Data(Data::Continue)
            };
            first = false;
            if fragments
                .send(raw_frame(opcode, false, vec![b'a'; 1024]))
                .await
                .is_err()
            {
                closed_fragments = true;
                break;
            }
        }
        let closed_fragments = closed_fragments || closed_by_server(&mut fragments).await;
        // Invalid UTF-8 in a text frame: a protocol error, closed.
        let mut invalid = raw_socket(addr).await;
        let _ = invalid
            .send(raw_frame(
                OpCode::Data(Data::Text),
                true,
                vec![0xff, 0xfe, 0xfd],
            ))
            .await;
        let closed_invalid = closed_by_server(&mut invalid).await;
        // Guessing join codes: refused, then rate-limited for this address.
        let mut guesses = Vec::new();
        for guess in 0..40 {
            let mut socket = raw_socket(addr).await;
            let hello = ClientMsg::Hello {
                protocol: PROTOCOL_VERSION,
                auth: Auth::JoinTable {
                    code: format!("{:06}", 900_000 + guess),
                    name: "Intrus".into(),
                    token: None,
                },
                last_seq: None,
            };
            socket
                .send(Message::text(serde_json::to_string(&hello).unwrap()))
                .await
                .unwrap();
            guesses.push(match next_msg(&mut socket).await {
                Some(ServerMsg::Error { code, .. }) => ruche_tests::error_code(code),
                other => format!("{other:?}"),
            });
        }
        // A slow HTTP request that never finishes its headers (slowloris).
        let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .await
            .unwrap();
        (junk, idle, closed_fragments, closed_invalid, guesses, slow)
    });

    let mut during = Vec::new();
    let mut n = 100;
    while !attackers.is_finished() {
        during.push(healthy_vote(&mut healthy, n).await);
        n += 1;
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let (mut junk, idle, closed_fragments, closed_invalid, guesses, mut slow) =
        attackers.await.expect("the attackers finish");
    let rss_during = server.rss_kib();

    assert!(closed_fragments, "an endless fragmented message is closed");
    assert!(closed_invalid, "invalid UTF-8 in a text frame is closed");
    assert!(
        guesses.iter().take(5).all(|code| code == "bad_credentials"),
        "wrong codes are refused: {guesses:?}"
    );
    assert_eq!(
        guesses.last().map(String::as_str),
        Some("too_many_join_attempts"),
        "guessing is rate-limited per address: {guesses:?}"
    );
    // The junk connection got documented errors, and still works.
    let mut errors = std::collections::BTreeSet::new();
    while let Ok(Some(message)) =
        tokio::time::timeout(Duration::from_millis(300), next_msg(&mut junk)).await
    {
        if let ServerMsg::Error { code, .. } = message {
            errors.insert(ruche_tests::error_code(code));
        }
    }
    assert!(errors.contains("malformed_message"), "{errors:?}");
    assert!(errors.contains("rate_limited"), "{errors:?}");

    // A table replaying another table's operation id acts as itself only.
    let op = OpId("shared-op".into());
    let theirs = victim
        .command_with_op(
            op.clone(),
            Command::SetVote(budget_vote::SetVote {
                item: ItemRef::Idea(IdeaId(9)),
                points: 3,
            }),
        )
        .await;
    assert!(matches!(theirs, ServerMsg::Accepted { .. }), "{theirs:?}");
    let mine = healthy
        .command_with_op(
            op,
            Command::SetVote(budget_vote::SetVote {
                item: ItemRef::Idea(IdeaId(8)),
                points: 2,
            }),
        )
        .await;
    match (&theirs, &mine) {
        (ServerMsg::Accepted { seq: a, .. }, ServerMsg::Accepted { seq: b, .. }) => {
            assert_ne!(
                a, b,
                "the replay is the healthy table's own vote, not the victim's answer"
            )
        }
        other => panic!("{other:?}"),
    }

    // Still up, memory bounded, the healthy table served throughout.
    let health = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert!(health.status().is_success());
    let (before, during_median) = (median(before), median(during.clone()));
    let worst = during.iter().max().copied().unwrap_or_default();
    eprintln!(
        "hostile: healthy vote ack median {before:?} alone, {during_median:?} during the attacks \
         ({} votes, worst {worst:?}); server RSS {rss_before} KiB before, {rss_during} KiB with {} idle connections",
        during.len(),
        idle.len(),
    );
    assert!(
        rss_during < rss_before + 64 * 1024,
        "memory grew from {rss_before} to {rss_during} KiB"
    );
    assert!(
        during_median <= before * 2 + Duration::from_millis(50),
        "healthy latency went from {before:?} to {during_median:?}"
    );
    drop(idle);

    // The unfinished request is closed once its headers are overdue.
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        ruche_server::serve::HEADER_READ_TIMEOUT + Duration::from_secs(5),
        tokio::io::AsyncReadExt::read_to_end(&mut slow, &mut answer),
    )
    .await;
    assert!(
        read.is_ok(),
        "a request whose headers never end is closed after the header deadline"
    );
    server.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_says_hello_is_closed() {
    let server = ruche_tests::TestServer::spawn_with(|s| {
        s.handshake_timeout = Duration::from_millis(300);
    })
    .await;
    let mut silent = raw_socket(server.addr).await;
    let started = Instant::now();
    assert!(
        closed_by_server(&mut silent).await,
        "closed after the handshake timeout"
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
    server.stop().await;
}

/// `POST /api/workshops` with `body`; (status, error code).
async fn try_create(addr: std::net::SocketAddr, body: String) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/api/workshops"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

fn small_setup() -> String {
    serde_json::json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" })
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workshop_creation_is_limited_per_address_in_number_and_in_size() {
    // One address may create a few workshops, then is refused; the server
    // holds a bounded number; a huge setup is refused before it is parsed.
    let server = ruche_tests::TestServer::spawn_with(|s| {
        s.creations_per_hour = 3;
        s.max_workshops = 4;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(try_create(server.addr, small_setup()).await.0, 201);
    }
    assert_eq!(
        try_create(server.addr, small_setup()).await,
        (429, "too_many_creations".to_owned())
    );
    let huge = serde_json::json!({
        "template": "evaluation",
        "title": "Salle",
        "question": "Comment ?",
        "items": vec!["x".repeat(1000); 100],
    })
    .to_string();
    assert_eq!(
        try_create(server.addr, huge).await,
        (413, "too_large".to_owned())
    );
    server.stop().await;

    let server = ruche_tests::TestServer::spawn_with(|s| s.max_workshops = 2).await;
    for _ in 0..2 {
        assert_eq!(try_create(server.addr, small_setup()).await.0, 201);
    }
    assert_eq!(
        try_create(server.addr, small_setup()).await,
        (503, "too_many_workshops".to_owned())
    );
    let health: serde_json::Value = reqwest::get(server.url("/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["workshops"], 2, "the server is up and holds two");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_export_runs_no_formula_a_participant_typed() {
    let server = ruche_tests::TestServer::spawn().await;
    let mut scene = Scene::ideation(server.addr, &["=cmd|'/C calc'!A0", "@SUM(A1)"]).await;
    scene.tables[0]
        .submit("=HYPERLINK(\"http://evil.example\",\"Cliquez\")")
        .await;
    scene.tables[1].submit("+33 6 12 34 56 78").await;
    let csv = ruche_tests::get_as_facilitator(
        &server.url(&format!(
            "/api/workshops/{}/export.csv",
            scene.created.workshop
        )),
        &scene.created.facilitator_secret,
    )
    .await
    .text()
    .await
    .unwrap();
    let mut cells = 0;
    for line in csv.lines() {
        for cell in line.split(';') {
            let cell = cell.trim_start_matches('"');
            cells += 1;
            assert!(
                !cell.starts_with(['=', '+', '@', '-']) || cell.parse::<f64>().is_ok(),
                "a cell a spreadsheet would run: {cell:?} in\n{csv}"
            );
        }
    }
    assert!(
        csv.contains("'=HYPERLINK"),
        "the text is kept, neutralised:\n{csv}"
    );
    assert!(csv.contains("'=cmd|"), "{csv}");
    assert!(cells > 20);
    server.stop().await;
}

/// Reads what the server sends on `stream` until it closes it (or `within`
/// passes: then `None`).
async fn read_until_closed(stream: &mut tokio::net::TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    tokio::time::timeout(
        within,
        tokio::io::AsyncReadExt::read_to_end(stream, &mut answer),
    )
    .await
    .ok()
    .map(|_| String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_slow_and_http2_connections_are_closed() {
    let server = ruche_tests::TestServer::spawn_with(|s| {
        s.header_read_timeout = Duration::from_millis(400);
        s.request_deadline = Duration::from_millis(800);
    })
    .await;

    // A kept-alive connection that goes quiet after its first request.
    let mut idle = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    let answer = answer.expect("an idle kept-alive connection is closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // A body sent one byte at a time, slower than the deadline.
    let mut slow = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(
        b"POST /api/workshops HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let drip = async {
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if slow.write_all(b" ").await.is_err() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), drip).await;
    let answer = read_until_closed(&mut slow, Duration::from_secs(5))
        .await
        .expect("a request whose body never ends is answered and closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(4));

    // HTTP/2 with prior knowledge is not spoken: closed, not kept.
    let mut h2 = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut h2, Duration::from_secs(5)).await;
    assert!(answer.is_some(), "an HTTP/2 preface is refused and closed");
    assert!(
        !answer.unwrap().contains("\0\0"),
        "no HTTP/2 frames come back"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_connections_is_refused_cleanly_and_running_workshops_go_on() {
    let server = ruche_tests::TestServer::spawn_with(|s| s.max_connections = Some(24)).await;
    let mut scene = Scene::at_vote(server.addr, &["Mairie", "École"]).await;
    // 3 open so far (the facilitator, two tables): fill up to the cap.
    let mut flood = Vec::new();
    for _ in 0..21 {
        flood.push(tokio::net::TcpStream::connect(server.addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut over = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let answer = read_until_closed(&mut over, Duration::from_secs(5))
        .await
        .expect("a connection over the cap is closed at once");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("server_busy"), "{answer}");
    // The tables already in keep voting.
    scene.tables[0].vote(1, 2).await;
    scene.tables[1].vote(0, 3).await;
    // Once the flood goes, new connections are served again.
    drop(flood);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let health = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_tablets_behind_one_address_join_and_rejoin_while_guesses_are_held_back() {
    // One address (a venue's NAT): right codes and tokens never count.
    let server = ruche_tests::TestServer::spawn_with(|s| s.join_attempts_per_minute = 5).await;
    let scene = Scene::ideation(server.addr, &[]).await;
    let code = scene.code().to_owned();
    let mut tokens = Vec::new();
    for n in 0..40 {
        let table = Client::join(server.addr, &code, &format!("Table {n}")).await;
        tokens.push(table.table_token.clone().expect("a token"));
    }
    for token in &tokens {
        let auth = Auth::RejoinTable {
            code: code.clone(),
            token: token.clone(),
        };
        Client::connect(server.addr, auth, None).await;
    }
    let _wall = Client::wall(server.addr, &code).await;

    // Wrong codes from the same address: five, then held back, and then
    // even the right code waits out the minute (else guessing would go on).
    let mut answers = Vec::new();
    for guess in 0..7 {
        let auth = Auth::Wall {
            code: format!("{:06}", (guess * 7919 + 13) % 1_000_000),
        };
        if let Err(ServerMsg::Error { code, .. }) =
            Client::try_connect(server.addr, auth, None).await
        {
            answers.push(ruche_tests::error_code(code));
        }
    }
    assert_eq!(answers[..5], ["bad_credentials"; 5], "{answers:?}");
    assert_eq!(answers[5..], ["too_many_join_attempts"; 2], "{answers:?}");
    let info = reqwest::get(server.url(&format!("/api/join/{code}")))
        .await
        .unwrap();
    assert_eq!(info.status(), 429);
    // A table with its token is never held back.
    let auth = Auth::RejoinTable {
        code: code.clone(),
        token: tokens[0].clone(),
    };
    Client::connect(server.addr, auth, None).await;

    // Wrong facilitator secrets are counted apart, and held back too.
    let url = server.url(&format!(
        "/api/workshops/{}/export.json",
        scene.created.workshop
    ));
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            ruche_tests::get_as_facilitator(&url, &"0".repeat(32))
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    server.stop().await;
}

/// One raw HTTP/1.1 request with the headers given; the whole answer.
async fn raw_request(addr: std::net::SocketAddr, head: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("{head}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("the server answers and closes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebound_host_name_is_refused_and_pages_carry_security_headers() {
    let server = ruche_tests::TestServer::spawn().await;
    let scene = Scene::ideation(server.addr, &[]).await;

    // DNS rebinding: evil.example re-pointed at the laptop. Same-origin for
    // the browser, so the Origin check alone let it in.
    let upgrade = "GET /ws HTTP/1.1\r\nHost: evil.example:8080\r\nOrigin: http://evil.example:8080\r\n\
                   Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
                   Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    let answer = raw_request(server.addr, upgrade).await;
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    assert!(answer.contains("unknown_host"), "{answer}");
    let info = format!(
        "GET /api/join/{} HTTP/1.1\r\nHost: evil.example",
        scene.code()
    );
    assert!(
        raw_request(server.addr, &info)
            .await
            .starts_with("HTTP/1.1 421")
    );
    // By its address, the same requests are served.
    let info = format!(
        "GET /api/join/{} HTTP/1.1\r\nHost: {}",
        scene.code(),
        server.addr
    );
    assert!(
        raw_request(server.addr, &info)
            .await
            .starts_with("HTTP/1.1 200")
    );

    // Every answer carries the security headers; the page's policy lets
    // only its own script and WebAssembly run.
    for path in ["/", "/api/join/000000", "/healthz"] {
        let response = reqwest::get(server.url(path)).await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_pings_is_closed_before_and_after_hello() {
    let server = ruche_tests::TestServer::spawn().await;
    let mut scene = Scene::at_vote(server.addr, &["Mairie", "École"]).await;

    let mut before_hello = raw_socket(server.addr).await;
    for _ in 0..50 {
        if before_hello
            .send(Message::Ping(vec![1].into()))
            .await
            .is_err()
        {
            break;
        }
    }
    assert!(
        closed_by_server(&mut before_hello).await,
        "pings instead of hello are closed"
    );

    let mut wall = Client::wall(server.addr, scene.code()).await;
    for _ in 0..2_000 {
        if !wall.try_send_frame(Message::Ping(vec![1].into())).await {
            break;
        }
    }
    // Closed with 1008; the close frame itself may be lost to the TCP reset
    // of a socket closed with the flood still unread in its buffer.
    assert!(
        matches!(wall.close_code().await, Some(1008) | None),
        "a ping flood is closed as a policy violation"
    );
    // The tables are not affected.
    scene.tables[0].vote(1, 1).await;
    server.stop().await;
}

/// This process's resident memory, in KiB.
fn own_rss_kib() -> u64 {
    ruche_tests::rss_kib("self")
}

/// A figure of `/metrics` as a count (0 when absent).
async fn metric(addr: std::net::SocketAddr, name: &str) -> u64 {
    ruche_tests::metric(addr, name)
        .await
        .map_or(0, |v| v as u64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screens_that_never_read_are_bounded_per_workshop_and_let_go() {
    let server = ruche_tests::TestServer::spawn_with(|s| {
        s.write_deadline = Duration::from_secs(1);
        s.heartbeat_interval = Duration::from_millis(800);
    })
    .await;
    let mut scene = Scene::ideation(server.addr, &[]).await;
    // A large workshop: 1,000 ideas of 280 characters (a snapshot of ~600 KB).
    let long = "é".repeat(279);
    for n in 0..1000 {
        scene.facilitator.submit(&format!("{}{long}", n % 10)).await;
    }
    let rss_before = own_rss_kib();

    // 200 walls that say hello and never read a byte.
    let hello = serde_json::to_string(&ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth: Auth::Wall {
            code: scene.code().to_owned(),
        },
        last_seq: None,
    })
    .unwrap();
    let mut silent = Vec::new();
    for _ in 0..200 {
        let mut socket = raw_socket(server.addr).await;
        socket.send(Message::text(hello.clone())).await.unwrap();
        silent.push(socket);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let walls = metric(server.addr, "ruche_connections{role=\"wall\"}").await;
    let refused = metric(
        server.addr,
        "ruche_protocol_errors_total{code=\"too_many_screens\"}",
    )
    .await;
    let grown_mib = own_rss_kib().saturating_sub(rss_before) / 1024;
    println!("200 silent walls: {walls} held, {refused} refused, memory +{grown_mib} MiB");
    assert_eq!(walls, 32, "a workshop holds at most 32 walls");
    assert_eq!(refused, 168);
    assert!(grown_mib < 64, "memory grew by {grown_mib} MiB");

    // They answer no ping (they read nothing): let go after three
    // heartbeats (or sooner, at the write deadline, when what is written to
    // them outgrows the kernel's buffers); a new wall is served.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let walls = metric(server.addr, "ruche_connections{role=\"wall\"}").await;
    assert_eq!(walls, 0, "walls that never read are let go");
    let mut wall = Client::wall(server.addr, scene.code()).await;
    wall.expect("a snapshot", |m| {
        matches!(m, ServerMsg::Snapshot { .. }).then_some(())
    })
    .await;
    drop(silent);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_limits_apply_to_each_client() {
    let server = ruche_tests::TestServer::spawn_with(|s| {
        s.join_attempts_per_minute = 2;
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let client = reqwest::Client::new();
    let lookup = |from: &'static str| {
        client
            .get(server.url("/api/join/999999"))
            .header("x-forwarded-for", format!("6.6.6.6, {from}"))
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(lookup("10.0.0.1").await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [404, 404, 429], "one client held back");
    assert_eq!(
        lookup("10.0.0.2").await.unwrap().status(),
        404,
        "another client behind the same proxy is not"
    );
    server.stop().await;

    // Without the setting, the header is anybody's word and is ignored.
    let server = ruche_tests::TestServer::spawn_with(|s| s.join_attempts_per_minute = 2).await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for from in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
        let response = client
            .get(server.url("/api/join/999999"))
            .header("x-forwarded-for", from)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [404, 404, 429]);
    server.stop().await;
}

/// The heaviest setup the API takes: 31 scoring steps of 100 items and 12
/// criteria each, 12 seats (what a script filling memory would send).
fn heaviest_setup() -> String {
    let criteria: Vec<_> = (0..12)
        .map(|n| serde_json::json!({ "name": format!("critère {n}") }))
        .collect();
    let mut steps: Vec<_> = (0..31)
        .map(|s| {
            serde_json::json!({
                "kind": "scoring",
                "criteria": criteria,
                "scale_min": 0,
                "scale_max": 10,
                "items": { "from": "given", "texts": (0..100).map(|i| format!("{s}.{i}")).collect::<Vec<_>>() },
            })
        })
        .collect();
    steps.push(serde_json::json!({ "kind": "results" }));
    serde_json::json!({
        "setup": { "title": "Lourd", "question": "Combien ?", "seats": 12, "steps": steps }
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_a_workshop_costs_is_bounded_and_measured() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ruche.db");
    let server = ServerProcess::start(SERVER, &db, &[]).await;
    let setup = heaviest_setup();
    assert!(
        setup.len() < ruche_server::settings::MAX_SETUP_BYTES,
        "{}",
        setup.len()
    );
    let rss_before = server.rss_kib();
    const WORKSHOPS: u64 = 50;
    for _ in 0..WORKSHOPS {
        assert_eq!(try_create(server.addr, setup.clone()).await.0, 201);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let per_workshop = server.rss_kib().saturating_sub(rss_before) / WORKSHOPS;
    let db_kib = std::fs::metadata(&db).map_or(0, |m| m.len()) / 1024;
    server.kill().await;

    // After a restart, rebuilt from the log, against an empty server's memory.
    let empty_dir = tempfile::tempdir().unwrap();
    let empty = ServerProcess::start(SERVER, &empty_dir.path().join("e.db"), &[]).await;
    let server = ServerProcess::start(SERVER, &db, &[]).await;
    let per_workshop_rebuilt = server.rss_kib().saturating_sub(empty.rss_kib()) / WORKSHOPS;
    println!(
        "heaviest workshop: {per_workshop} KiB of memory each when created, \
         {per_workshop_rebuilt} KiB after a restart; database {db_kib} KiB for {WORKSHOPS}"
    );
    assert!(per_workshop < 1024, "{per_workshop} KiB per workshop");
    assert!(
        per_workshop_rebuilt < 1024,
        "{per_workshop_rebuilt} KiB per workshop after a restart"
    );
    server.kill().await;
    empty.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_written_to_a_file_or_a_pipe_carry_no_colour_codes() {
    // A colour code in a log file or a journal is noise, and a way to garble
    // what a person reading it sees.
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(SERVER)
        .args(["--bind", "127.0.0.1:0", "--log", "info", "--db"])
        .arg(dir.path().join("ruche.db"))
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            let running = line.starts_with("Ruche is running");
            seen.push(line);
            if running {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server starts: {seen:?}");
    assert!(
        seen.iter().any(|l| l.contains("recovered from the log")),
        "log lines were read: {seen:?}"
    );
    assert!(
        seen.iter().all(|l| !l.contains('\u{1b}')),
        "no escape codes: {seen:?}"
    );
    child.kill().await.unwrap();
}
