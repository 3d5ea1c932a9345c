//! Helpers for Ruche's end-to-end tests, in one place: a real server on
//! `127.0.0.1:0` with its own database ([`TestServer`]), real WebSocket
//! clients that speak the protocol ([`Client`]) with typed `expect_*`
//! receivers, the server binary for crash tests ([`ServerProcess`]), a
//! headless Chromium driving the real web client ([`browser`]), and scenes:
//! a workshop brought to a given point with its clients, in one line ([`scene`]).
//!
//! Every wait is bounded ([`WAIT`]): a test that does not get what it expects
//! fails with what it got instead of hanging.

pub mod browser;
pub mod crash;
pub mod nginx;
pub mod postgres;
pub mod proxy;
pub mod scene;
pub mod synthesis;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use ruche_server::settings::{Database, Settings};
use ruche_shared::api::CreatedWorkshop;
use ruche_shared::flow;
use ruche_shared::protocol::{Auth, ClientMsg, OpId, PROTOCOL_VERSION, Seq, ServerMsg};
use ruche_shared::{Command, Role, RuleViolation};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The longest any single wait in a test may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// A raw WebSocket, for tests that send what a proper client would not.
pub type RawSocket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A server running in this process on a loopback port, with a fresh database.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    running: Option<ruche_server::Running>,
    settings: Settings,
    _dir: tempfile::TempDir,
    /// The PostgreSQL its log is in, when run [`on_postgres`].
    _postgres: Option<Arc<postgres::Postgres>>,
}

tokio::task_local! {
    /// Set by [`on_postgres`]: servers started in this test keep their log
    /// in a new database of this PostgreSQL instead of a SQLite file.
    static POSTGRES: Arc<postgres::Postgres>;
}

/// Runs a test on PostgreSQL: every [`TestServer`] it starts keeps its log in
/// a new database of a PostgreSQL of the test's own. The same test, run
/// without this, runs on the SQLite file. Without PostgreSQL installed the
/// test is skipped, loudly (CI fails instead).
pub async fn on_postgres(test: impl std::future::Future<Output = ()>) {
    let Some(postgres) = tokio::task::spawn_blocking(postgres::Postgres::start)
        .await
        .expect("the PostgreSQL starter")
    else {
        return;
    };
    POSTGRES.scope(Arc::new(postgres), test).await;
}

/// Settings for tests: a short coalescing window so tests run fast, and a
/// command rate no script would hit by accident (a test of the limit sets its own).
pub fn test_settings(db_path: &Path) -> Settings {
    Settings {
        db: Database::File(db_path.to_owned()),
        coalesce_window: Duration::from_millis(10),
        commands_per_second: 1000,
        // Every test creates its workshops from 127.0.0.1.
        creations_per_hour: 100_000,
        ..Settings::default()
    }
}

impl TestServer {
    /// Starts a server with the test settings.
    pub async fn spawn() -> TestServer {
        TestServer::spawn_with(|_| {}).await
    }

    /// Starts a server with the test settings changed by `tweak`.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> TestServer {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db_path = dir.path().join("ruche.db");
        let mut settings = test_settings(&db_path);
        // RUCHE_TEST_ON_POSTGRES=1: every test server on PostgreSQL, each
        // with a PostgreSQL of its own (slow; the tests that read the
        // SQLite file itself fail then, by design).
        let postgres = POSTGRES.try_with(Arc::clone).ok().or_else(|| {
            std::env::var_os("RUCHE_TEST_ON_POSTGRES").map(|_| {
                Arc::new(
                    postgres::Postgres::start().expect("PostgreSQL, for RUCHE_TEST_ON_POSTGRES"),
                )
            })
        });
        if let Some(postgres) = &postgres {
            settings.db = Database::Postgres(postgres.new_database());
        }
        tweak(&mut settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let running = ruche_server::run(listener, settings.clone())
            .await
            .expect("the server starts");
        TestServer {
            addr: running.addr,
            running: Some(running),
            settings,
            _dir: dir,
            _postgres: postgres,
        }
    }

    /// Stops this server and starts another on the same database with settings changed by `tweak`.
    pub async fn restart_with(mut self, tweak: impl FnOnce(&mut Settings)) -> TestServer {
        tweak(&mut self.settings);
        self.restart().await
    }

    /// Stops this server and starts another on the same database (and port 0).
    pub async fn restart(mut self) -> TestServer {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("the server stops cleanly");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let running = ruche_server::run(listener, self.settings.clone())
            .await
            .expect("the server restarts");
        TestServer {
            addr: running.addr,
            running: Some(running),
            settings: self.settings,
            _dir: self._dir,
            _postgres: self._postgres,
        }
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The facilitation link of `created` on this server (the secret in the
    /// fragment, as the console gives it).
    pub fn console_url(&self, created: &CreatedWorkshop) -> String {
        let route = ruche_shared::api::route::Route::Facilitator {
            workshop: created.workshop.clone(),
            secret: Some(created.facilitator_secret.clone()),
        };
        format!("http://{}/{}", self.addr, route.link_fragment())
    }

    /// Creates a workshop through the HTTP API.
    pub async fn create(&self, request: serde_json::Value) -> CreatedWorkshop {
        create_workshop(self.addr, request).await
    }

    /// Stops the server, waiting until everything is written, and hands back
    /// its folder (deleted when dropped) and database file.
    pub async fn stop_keeping_files(mut self) -> (tempfile::TempDir, std::path::PathBuf) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("the server stops cleanly");
        }
        let db = match self.settings.db {
            Database::File(path) => path,
            Database::Postgres(url) => std::path::PathBuf::from(url),
        };
        (self._dir, db)
    }

    /// Stops the server, waiting until everything is written.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("the server stops cleanly");
        }
    }
}

/// `POST /api/workshops` against `addr`.
pub async fn create_workshop(addr: SocketAddr, request: serde_json::Value) -> CreatedWorkshop {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/api/workshops"))
        .json(&request)
        .timeout(WAIT)
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(status.as_u16(), 201, "creating a workshop: {text}");
    serde_json::from_str(&text).expect("a created workshop")
}

/// The resident memory of process `pid` (`"self"` for this one), in KiB,
/// from `/proc`; 0 where there is none.
pub fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A figure of the server's `/metrics`, e.g. `ruche_connections{role="wall"}`;
/// `None` if it has no such line.
pub async fn metric(addr: SocketAddr, name: &str) -> Option<f64> {
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .expect("/metrics answers")
        .text()
        .await
        .expect("/metrics is text");
    text.lines().find_map(|line| {
        line.strip_prefix(name)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

/// A facilitator's GET with the secret.
pub async fn get_as_facilitator(url: &str, secret: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(url)
        .bearer_auth(secret)
        .timeout(WAIT)
        .send()
        .await
        .expect("the server answers")
}

/// Opens a raw WebSocket to `addr`.
pub async fn raw_socket(addr: SocketAddr) -> RawSocket {
    raw_socket_at(addr, "/ws").await
}

/// Opens a raw WebSocket to `addr` at `path` (`/ws`, maybe with `?w=`).
pub async fn raw_socket_at(addr: SocketAddr, path: &str) -> RawSocket {
    let (socket, _) = tokio::time::timeout(
        WAIT,
        tokio_tungstenite::connect_async(format!("ws://{addr}{path}")),
    )
    .await
    .expect("connecting in time")
    .expect("the WebSocket opens");
    socket
}

/// A client that speaks the protocol, keeping what it receives in order.
pub struct Client {
    socket: RawSocket,
    /// Who the server says this is.
    pub role: Role,
    /// The table token from the welcome, for a table that just joined.
    pub table_token: Option<String>,
    /// The highest sequence number seen (events, snapshots, results).
    pub last_seq: Option<Seq>,
    /// Messages received but not yet looked at.
    inbox: VecDeque<ServerMsg>,
    name: String,
}

impl Client {
    /// Connects, says hello, and expects a welcome.
    pub async fn connect(addr: SocketAddr, auth: Auth, last_seq: Option<Seq>) -> Client {
        let name = format!("{auth:?}");
        let mut client = Client::try_connect(addr, auth, last_seq)
            .await
            .unwrap_or_else(|refusal| panic!("{name}: refused: {refusal:?}"));
        client.name = name;
        client
    }

    /// Connects and says hello; the refusal (an error message) if there is one.
    pub async fn try_connect(
        addr: SocketAddr,
        auth: Auth,
        last_seq: Option<Seq>,
    ) -> Result<Client, ServerMsg> {
        let code = match &auth {
            Auth::JoinTable { code, .. }
            | Auth::RejoinTable { code, .. }
            | Auth::TakeOverTable { code, .. }
            | Auth::Wall { code } => Some(code.clone()),
            Auth::Facilitator { .. } => None,
        };
        Client::try_connect_routed(addr, auth, last_seq, code.as_deref()).await
    }

    /// [`Client::try_connect`], naming the workshop by its join `code` in
    /// the address as the web client does (for a balancer in front of
    /// several servers); a facilitator's hello does not carry it.
    pub async fn try_connect_routed(
        addr: SocketAddr,
        auth: Auth,
        last_seq: Option<Seq>,
        code: Option<&str>,
    ) -> Result<Client, ServerMsg> {
        let path = ruche_shared::api::websocket_path(code);
        let mut socket = raw_socket_at(addr, &path).await;
        let hello = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            auth,
            last_seq,
        };
        send_msg(&mut socket, &hello).await;
        match next_msg(&mut socket).await {
            Some(ServerMsg::Welcome {
                role, table_token, ..
            }) => Ok(Client {
                socket,
                role,
                table_token,
                last_seq,
                inbox: VecDeque::new(),
                name: String::new(),
            }),
            Some(other) => Err(other),
            None => panic!("the server closed without answering hello"),
        }
    }

    /// The facilitator of a workshop.
    pub async fn facilitator(addr: SocketAddr, created: &CreatedWorkshop) -> Client {
        let auth = Auth::Facilitator {
            workshop: created.workshop.clone(),
            secret: created.facilitator_secret.clone(),
        };
        let name = format!("{auth:?}");
        let mut client = Client::try_connect_routed(addr, auth, None, Some(&created.join_code))
            .await
            .unwrap_or_else(|refusal| panic!("{name}: refused: {refusal:?}"));
        client.name = name;
        client
    }

    /// A tablet joining as a new table.
    pub async fn join(addr: SocketAddr, code: &str, name: &str) -> Client {
        Client::connect(
            addr,
            Auth::JoinTable {
                code: code.into(),
                name: name.into(),
                token: None,
            },
            None,
        )
        .await
    }

    /// The wall screen.
    pub async fn wall(addr: SocketAddr, code: &str) -> Client {
        Client::connect(addr, Auth::Wall { code: code.into() }, None).await
    }

    /// Sends one message.
    pub async fn send(&mut self, message: &ClientMsg) {
        send_msg(&mut self.socket, message).await;
    }

    /// Sends one message; false if the connection is gone (e.g. the server was killed).
    pub async fn try_send(&mut self, message: &ClientMsg) -> bool {
        let text = serde_json::to_string(message).expect("client messages serialise");
        self.socket.send(Message::text(text)).await.is_ok()
    }

    /// Sends raw text (for malformed messages).
    pub async fn send_text(&mut self, text: &str) {
        self.socket
            .send(Message::text(text))
            .await
            .expect("sending");
    }

    /// Sends a raw frame.
    pub async fn send_frame(&mut self, message: Message) {
        self.socket.send(message).await.expect("sending");
    }

    /// Sends a raw frame; whether the socket took it (false once closed).
    pub async fn try_send_frame(&mut self, message: Message) -> bool {
        self.socket.send(message).await.is_ok()
    }

    /// The next message, from the inbox first.
    pub async fn recv(&mut self) -> ServerMsg {
        if let Some(message) = self.inbox.pop_front() {
            return message;
        }
        self.recv_fresh().await
    }

    async fn recv_fresh(&mut self) -> ServerMsg {
        let name = self.name.clone();
        self.try_recv()
            .await
            .unwrap_or_else(|| panic!("{name}: the server closed the connection"))
    }

    /// The next message off the socket (not the inbox), or `None` once the
    /// connection is closed (e.g. the server was killed).
    pub async fn try_recv(&mut self) -> Option<ServerMsg> {
        let message = next_msg(&mut self.socket).await?;
        match &message {
            ServerMsg::Events { events } => self.saw(events.last().map(|e| e.seq)),
            ServerMsg::Snapshot { seq, .. } | ServerMsg::Results { seq, .. } => {
                self.saw(Some(*seq))
            }
            _ => {}
        }
        Some(message)
    }

    fn saw(&mut self, seq: Option<Seq>) {
        self.last_seq = self.last_seq.max(seq);
    }

    /// Waits for the first message that `pick` accepts; keeps the others for later.
    pub async fn expect<T>(
        &mut self,
        what: &str,
        mut pick: impl FnMut(&ServerMsg) -> Option<T>,
    ) -> T {
        if let Some(index) = self.inbox.iter().position(|m| pick(m).is_some()) {
            let message = self.inbox.remove(index).expect("the index is in range");
            return pick(&message).expect("it matched");
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.recv_fresh())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "{}: no {what} within {WAIT:?}; kept: {:?}",
                        self.name, self.inbox
                    )
                });
            if let Some(found) = pick(&message) {
                return found;
            }
            self.inbox.push_back(message);
        }
    }

    /// Every message, kept ones first, up to and including the first that
    /// `last` accepts: what a client saw, in the order it saw it.
    pub async fn messages_until(
        &mut self,
        what: &str,
        mut last: impl FnMut(&ServerMsg) -> bool,
    ) -> Vec<ServerMsg> {
        let mut seen = Vec::new();
        while let Some(message) = self.inbox.pop_front() {
            let done = last(&message);
            seen.push(message);
            if done {
                return seen;
            }
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.recv_fresh())
                .await
                .unwrap_or_else(|_| panic!("{}: no {what} within {WAIT:?}", self.name));
            let done = last(&message);
            seen.push(message);
            if done {
                return seen;
            }
        }
    }

    /// Waits for a protocol error with `code`.
    pub async fn expect_error(&mut self, code: &str) -> String {
        self.expect(&format!("error {code}"), |m| match m {
            ServerMsg::Error {
                code: c, message, ..
            } if error_code(*c) == code => Some(message.clone()),
            _ => None,
        })
        .await
    }

    /// Sends a command with a fresh operation id and waits for its answer.
    pub async fn command(&mut self, command: Command) -> ServerMsg {
        let op = unique_op_id();
        self.command_with_op(op, command).await
    }

    /// Sends a command with the given operation id and waits for its answer.
    pub async fn command_with_op(&mut self, op: OpId, command: Command) -> ServerMsg {
        self.send(&ClientMsg::Command {
            op: op.clone(),
            command,
        })
        .await;
        self.answer_to(&op).await
    }

    /// Waits for the answer to `op`.
    pub async fn answer_to(&mut self, op: &OpId) -> ServerMsg {
        self.expect(&format!("answer to {op:?}"), |m| match m {
            ServerMsg::Accepted { op: o, .. } | ServerMsg::Rejected { op: o, .. } if o == op => {
                Some(m.clone())
            }
            ServerMsg::Error { op: Some(o), .. } if o == op => Some(m.clone()),
            _ => None,
        })
        .await
    }

    /// Sends a command that must be accepted; returns its sequence number.
    pub async fn accepted(&mut self, command: Command) -> Seq {
        let name = command.name();
        match self.command(command).await {
            ServerMsg::Accepted { seq, .. } => seq,
            other => panic!("{}: {name} not accepted: {other:?}", self.name),
        }
    }

    /// The facilitator moves to `step` and opens it.
    pub async fn go_and_open(&mut self, step: usize) {
        self.accepted(Command::GoToStep(flow::GoToStep { step }))
            .await;
        self.accepted(Command::OpenStep(flow::OpenStep {
            duration_secs: None,
        }))
        .await;
    }

    /// Sends a command that must be refused with `code`; returns the violation.
    pub async fn rejected(&mut self, command: Command, code: &str) -> RuleViolation {
        let name = command.name();
        match self.command(command).await {
            ServerMsg::Rejected {
                violation, message, ..
            } => {
                assert_eq!(violation.code(), code, "{name}: {message}");
                assert!(!message.is_empty());
                violation
            }
            other => panic!(
                "{}: {name} should be refused with {code}: {other:?}",
                self.name
            ),
        }
    }

    /// Waits for live results that `pick` accepts.
    pub async fn results<T>(
        &mut self,
        what: &str,
        mut pick: impl FnMut(&ServerMsg) -> Option<T>,
    ) -> T {
        self.expect(what, |m| match m {
            ServerMsg::Results { .. } => pick(m),
            _ => None,
        })
        .await
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }

    /// The code of the close frame the server sends next (waits up to
    /// [`WAIT`]); `None` if the connection ends without one.
    pub async fn close_code(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => panic!("{}: no close within {WAIT:?}", self.name),
                Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| f.code.into()),
                Ok(None | Some(Err(_))) => return None,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Whether the server has closed the connection (waits up to [`WAIT`]).
    pub async fn is_closed_by_server(&mut self) -> bool {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }
}

/// An operation id no other client of this test run uses: the server
/// remembers a sender's ids across connections (that is how a retry after a
/// reconnect is recognised), so ids must never repeat, as real clients' UUIDs don't.
pub fn unique_op_id() -> OpId {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    static RUN: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    let run = RUN.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    });
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    OpId(format!("{run:x}-{}-{n}", std::process::id()))
}

/// A protocol error code as it is written on the wire.
pub fn error_code(code: ruche_shared::protocol::ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

async fn send_msg(socket: &mut RawSocket, message: &ClientMsg) {
    let text = serde_json::to_string(message).expect("client messages serialise");
    socket.send(Message::text(text)).await.expect("sending");
}

/// The next protocol message, skipping pings; `None` once closed.
pub async fn next_msg(socket: &mut RawSocket) -> Option<ServerMsg> {
    loop {
        let frame = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a message in time");
        match frame {
            Some(Ok(Message::Text(text))) => {
                return Some(serde_json::from_str(text.as_str()).unwrap_or_else(|e| {
                    panic!("the server sent something not in the protocol: {e}: {text}")
                }));
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// The JSON export of `created`, as its facilitator downloads it.
pub async fn export_json(addr: SocketAddr, created: &CreatedWorkshop) -> serde_json::Value {
    let url = format!(
        "http://{addr}/api/workshops/{}/export.json",
        created.workshop
    );
    let response = get_as_facilitator(&url, &created.facilitator_secret).await;
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("a JSON export")
}

/// An `.xlsx` file's sheets, in order: each its name and its rows of cells
/// as text (numbers as a spreadsheet shows them: `12`, `6.5`).
pub fn xlsx_sheets(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an .xlsx file");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("the sheet reads");
            let rows = range
                .rows()
                .map(|row| row.iter().map(|cell| cell.to_string()).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

/// Checks that a JSON export re-counts from its own log
/// (`ruche-server verify`), and returns its final hash.
pub fn assert_verifies(export: &serde_json::Value) -> String {
    let report = ruche_server::audit::verify::verify(&export.to_string(), None)
        .expect("an export with its log");
    assert!(report.verified(), "{}", report.render());
    report.final_hash
}

/// The real server binary, started as its own process.
pub struct ServerProcess {
    child: tokio::process::Child,
    /// Where it listens.
    pub addr: SocketAddr,
    output: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts `binary` (the test's `env!("CARGO_BIN_EXE_ruche-server-under-test")`:
    /// cargo gives that path to integration tests only) on a loopback port with
    /// the database `db`.
    pub async fn start(binary: &str, db: &Path, extra_args: &[&str]) -> ServerProcess {
        let command = ServerProcess::command(binary, db, "127.0.0.1:0", extra_args);
        ServerProcess::launch(command, WAIT).await
    }

    /// The command [`ServerProcess::start`] runs, listening on `bind`.
    pub fn command(
        binary: &str,
        db: &Path,
        bind: &str,
        extra_args: &[&str],
    ) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(binary);
        command
            .args([
                "--bind",
                bind,
                "--log",
                "warn",
                "--coalesce-ms",
                "10",
                "--creations-per-hour",
                "100000",
            ])
            .args(extra_args)
            .arg("--db")
            .arg(db)
            // Whatever the machine running the tests looks like.
            .env("RUCHE_OPEN", "never");
        command
    }

    /// Starts the server `command` prepares (any program printing Ruche's
    /// « Ruche is running » line: the binary itself, or Wine running the
    /// Windows one), waiting at most `wait` for that line.
    pub async fn launch(mut command: tokio::process::Command, wait: Duration) -> ServerProcess {
        let mut child = command
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let running = tokio::time::timeout(wait, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.starts_with("Ruche is running: ") {
                    return Some(line);
                }
            }
            None
        })
        .await
        .expect("the server says where it listens in time")
        .expect("the server says where it listens");
        let port = running
            .strip_prefix("Ruche is running: http://localhost:")
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("no port in {running:?}"));
        // Keep draining its output so it never blocks on a full pipe, and
        // keep it for the tests that read what it prints.
        let output = std::sync::Arc::new(std::sync::Mutex::new(vec![running]));
        let kept = output.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                kept.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            }
        });
        ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            output,
        }
    }

    /// Waits (bounded) for a line of its standard output that starts with
    /// `prefix` (after leading spaces), the address line included.
    pub async fn printed_line(&self, prefix: &str) -> String {
        tokio::time::timeout(WAIT, async {
            loop {
                if let Some(line) = self.printed_line_now(prefix) {
                    return line;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("the server did not print a line starting with {prefix:?}"))
    }

    /// Its resident memory now, in KiB (from `/proc`; 0 where there is none).
    pub fn rss_kib(&self) -> u64 {
        self.child.id().map_or(0, |pid| rss_kib(&pid.to_string()))
    }

    /// A line it has printed so far that starts with `prefix` (after leading spaces).
    pub fn printed_line_now(&self, prefix: &str) -> Option<String> {
        self.output
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|line| line.trim_start().starts_with(prefix))
            .cloned()
    }

    /// The database it says it uses (« (database: … ) » on its address line).
    pub async fn database(&self) -> String {
        let line = self.printed_line("Ruche is running: ").await;
        line.split_once("(database: ")
            .and_then(|(_, rest)| rest.strip_suffix(')'))
            .unwrap_or_else(|| panic!("no database in {line:?}"))
            .to_owned()
    }

    /// Sends it `signal` (`STOP`, `CONT`, `TERM`…).
    #[cfg(unix)]
    pub async fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("the server is running").to_string();
        let sent = tokio::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .await
            .expect("kill runs");
        assert!(sent.success(), "kill -{signal} {pid} failed");
    }

    /// Waits at most `wait` for it to end by itself: its exit status, or
    /// `None` if it is still running.
    pub async fn wait_for_exit(&mut self, wait: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(wait, self.child.wait())
            .await
            .ok()
            .map(|status| status.expect("the server's exit status"))
    }

    /// Sends it `signal` (`TERM`, `INT`) and waits (bounded) for it to end.
    #[cfg(unix)]
    pub async fn stop_with(mut self, signal: &str) -> std::process::ExitStatus {
        self.signal(signal).await;
        tokio::time::timeout(WAIT, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the server did not stop within {WAIT:?} of SIG{signal}"))
            .expect("the server's exit status")
    }

    /// `kill -9`: no chance to write anything more.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("the server is killed");
    }
}
