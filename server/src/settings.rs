//! The server's settings, with the defaults a facilitator's laptop needs. The
//! command line (`cli.rs`) fills them; tests build them directly.

use std::path::PathBuf;
use std::time::Duration;

/// Operations remembered per sender (a table, the facilitator) for retries:
/// a retry of one of a sender's last this-many operations gets its first
/// answer again, even after a restart (the actor keeps them in memory, and
/// start-up reads them back from the log).
pub const OPS_REMEMBERED_PER_SENDER: usize = 256;

/// Largest workshop setup accepted by `POST /api/workshops`, in bytes of
/// JSON. The source's workshops take 2 to 4 KiB; a setup with 32 steps of
/// 100 items each still fits.
pub const MAX_SETUP_BYTES: usize = 64 * 1024;

/// Where the event log is kept: `--db` names a file or a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file (the default), created if missing.
    File(PathBuf),
    /// A PostgreSQL database, by its address (`postgres://user@host/db`);
    /// Ruche creates its tables there if they are missing.
    Postgres(String),
}

impl Database {
    /// What `--db` says: an address starting with `postgres://` or
    /// `postgresql://` is a PostgreSQL database, anything else a file.
    pub fn from_arg(arg: PathBuf) -> Database {
        match arg.to_str() {
            Some(url) if crate::store::postgres::is_postgres_url(url) => {
                Database::Postgres(url.to_owned())
            }
            _ => Database::File(arg),
        }
    }

    /// The file, for SQLite.
    pub fn file(&self) -> Option<&std::path::Path> {
        match self {
            Database::File(path) => Some(path),
            Database::Postgres(_) => None,
        }
    }
}

impl std::fmt::Display for Database {
    /// The file's path, or the address with its password hidden.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::File(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => f.write_str(&crate::store::postgres::redacted(url)),
        }
    }
}

/// Everything the server can be told. `Settings::default()` is what
/// `ruche-server` runs with when given no option.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the event log is kept.
    pub db: Database,
    /// On PostgreSQL: wait, without listening, for as long as another
    /// server runs the workshops, then take them over (`--standby`).
    pub standby: bool,
    /// On PostgreSQL: one of several servers sharing the database, each
    /// running the workshops it is asked for first (`--cluster`).
    pub cluster: bool,
    /// Where the other servers of a cluster reach this one (`host:port`);
    /// by default the address it listens on, when that is a single one.
    pub advertise: Option<String>,
    /// The address tablets should open (`http://192.168.1.10:8080`), shown
    /// by the wall's QR code and the console's links; `None` when the server
    /// listens on this computer only.
    pub tablet_base: Option<String>,
    /// `Origin`s allowed to open a WebSocket, besides the server's own address
    /// (a browser page served by Ruche itself is always allowed).
    pub allowed_origins: Vec<String>,
    /// The longest wait between two deliveries of news to a workshop's
    /// screens (`--coalesce-ms`); the wait grows with the room up to it.
    pub coalesce_window: Duration,
    /// The shortest such wait, however small the room.
    pub coalesce_floor: Duration,
    /// Largest WebSocket message (and frame) accepted from a client.
    pub max_message_bytes: usize,
    /// Commands per second a connection may send (burst: twice this).
    pub commands_per_second: u32,
    /// Wrong join codes, table tokens or facilitator secrets per minute from
    /// one IP address: they must not be guessable by trying. Right ones are
    /// never counted (many tablets may share an address).
    pub join_attempts_per_minute: u32,
    /// Wrong join codes per minute from all addresses together: many
    /// addresses must not share out the code space between them.
    pub join_failures_per_minute: u32,
    /// Digits in a new join code (6 by default; up to 12 for a server on
    /// the internet, where more people may try).
    pub join_code_digits: u8,
    /// Workshops one address may create per hour (a facilitator creates a
    /// few; a script filling the server's memory and disk creates thousands).
    pub creations_per_hour: u32,
    /// Workshops the server holds at most; creating one more is refused
    /// (`too_many_workshops`) until some are deleted or expire (`retention`).
    pub max_workshops: usize,
    /// Reverse proxies (nginx, HAProxy) whose `X-Forwarded-For` header names
    /// the client; the limits per address then apply to the client, not to
    /// the proxy. Empty: the header is ignored (anyone could write it).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Open connections at most (HTTP and WebSocket); `None`: as many as
    /// the limit on open files allows, less a reserve. Over it, new
    /// connections get a `503` and are closed.
    pub max_connections: Option<usize>,
    /// How long a client has to send a request's headers, and how long a
    /// kept-alive connection may stay idle.
    pub header_read_timeout: Duration,
    /// How long a whole request may take, its body included.
    pub request_deadline: Duration,
    /// Walls (read-only screens) one workshop may have open at once: a
    /// projector or two, and phones or laptops following along. A server
    /// streaming a workshop to a large audience raises it.
    pub max_walls_per_workshop: usize,
    /// How long a new connection has to say `hello`.
    pub handshake_timeout: Duration,
    /// How often the server pings a client; a client silent for three times
    /// this is dropped.
    pub heartbeat_interval: Duration,
    /// The longest one write to a client may wait for it to read. A tablet
    /// on poor Wi-Fi takes a second or two for a snapshot; a client that
    /// stops reading altogether would otherwise keep what was being written
    /// to it (up to a whole snapshot) for as long as it stays connected.
    pub write_deadline: Duration,
    /// Frames waiting for one client before it counts as lagging (it then gets
    /// a fresh snapshot instead of a growing backlog).
    pub client_queue_frames: usize,
    /// Events kept in memory per workshop for reconnecting clients; an older
    /// gap gets a snapshot.
    pub recent_events: usize,
    /// A snapshot of each workshop is written to the log every this many
    /// events, so that start-up stays fast.
    pub snapshot_every: u64,
    /// A workshop nobody watches is let go from memory after this long, and
    /// loaded again from the log when someone needs it; `None` keeps every
    /// workshop in memory.
    pub idle_release: Option<Duration>,
    /// Workshops with no activity for this long are deleted with all their
    /// events (checked at start-up and every hour); `None` keeps them.
    pub retention: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            db: Database::File(PathBuf::from("ruche.db")),
            standby: false,
            cluster: false,
            advertise: None,
            tablet_base: None,
            allowed_origins: Vec::new(),
            coalesce_window: Duration::from_millis(50),
            coalesce_floor: Duration::from_millis(10),
            max_message_bytes: 16 * 1024,
            commands_per_second: 20,
            join_attempts_per_minute: 30,
            join_failures_per_minute: 600,
            join_code_digits: 6,
            creations_per_hour: 60,
            max_workshops: 1000,
            max_walls_per_workshop: 32,
            max_connections: None,
            trusted_proxies: Vec::new(),
            header_read_timeout: crate::serve::HEADER_READ_TIMEOUT,
            request_deadline: crate::serve::REQUEST_DEADLINE,
            handshake_timeout: Duration::from_secs(10),
            heartbeat_interval: Duration::from_secs(15),
            write_deadline: Duration::from_secs(20),
            client_queue_frames: 64,
            recent_events: 4096,
            snapshot_every: 1000,
            idle_release: Some(Duration::from_secs(10 * 60)),
            retention: None,
        }
    }
}
