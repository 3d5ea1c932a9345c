//! The durable event log, behind one trait ([`EventLog`]) so that a second
//! backend (PostgreSQL, for several nodes) is an addition, not a rewrite.
//!
//! - [`sqlite`]: the embedded default, one file, WAL, `synchronous=FULL`.
//! - [`postgres`]: the hosted one (`--db postgres://…`), for a service that
//!   runs Ruche for many towns or on several machines.
//! - [`assembly`]: how both put workshops back together from their rows.
//! - [`writer`]: the single writer thread that commits in groups and tells
//!   each workshop actor when its events are durable.

pub mod assembly;
pub mod leases;
pub mod postgres;
pub mod sqlite;
pub mod writer;

use ruche_shared::protocol::Seq;
use ruche_shared::{Event, TableId, Workshop, WorkshopConfig};

pub use writer::{LogWriter, WriteDone};

/// A workshop as created: what never changes after creation.
#[derive(Debug, Clone)]
pub struct WorkshopRecord {
    /// Its id.
    pub id: String,
    /// Its join code.
    pub code: String,
    /// The facilitator secret's hash.
    pub secret_hash: String,
    /// Its checked settings.
    pub config: WorkshopConfig,
    /// When it was created (ms since the Unix epoch).
    pub created_at_ms: u64,
}

/// One event to write, with who caused it: `principal` and `op` let the
/// server answer a retried operation after a restart.
#[derive(Debug, Clone)]
pub struct LoggedEvent {
    /// Its sequence number in its workshop.
    pub seq: Seq,
    /// The event.
    pub event: Event,
    /// Who sent the command: "f" (facilitator), "t3" (table 3), "g" (a joining guest).
    pub principal: String,
    /// The command's operation id, if it had one.
    pub op: Option<String>,
    /// When it was accepted (ms since the Unix epoch).
    pub at_ms: u64,
}

/// Everything one command (or one snapshot) adds to one workshop's log, written
/// in the same transaction.
#[derive(Debug, Clone)]
pub struct Append {
    /// The workshop.
    pub workshop: String,
    /// Its new events, in order.
    pub events: Vec<LoggedEvent>,
    /// A table's token hash, written with the event that created the table
    /// (or handed it to a new tablet: it replaces the old one).
    pub table_token: Option<(TableId, String)>,
    /// A snapshot of the workshop at this sequence number, as JSON.
    pub snapshot: Option<(Seq, String)>,
}

/// A workshop read back from the log.
#[derive(Debug)]
pub struct LoadedWorkshop {
    /// What it was created with.
    pub record: WorkshopRecord,
    /// The latest snapshot, if any.
    pub snapshot: Option<(Seq, Workshop)>,
    /// The events after the snapshot (or all of them), in order.
    pub events: Vec<LoggedEvent>,
    /// The operations of the events the snapshot covers, in order: (principal,
    /// operation id, seq). The snapshot holds their effect, but a retry of one
    /// must still get its first answer rather than be applied again.
    pub answered_before_snapshot: Vec<(String, String, Seq)>,
    /// Every table's token hash.
    pub table_tokens: Vec<(TableId, String)>,
    /// When its last event was recorded (or it was created), ms since the Unix epoch.
    pub last_activity_ms: u64,
}

/// What start-up reads back: the workshops that rebuild, and those that do
/// not (reported and left stopped, so that one damaged workshop never keeps
/// the others from starting).
#[derive(Debug, Default)]
pub struct Loaded {
    /// The workshops read back whole.
    pub workshops: Vec<LoadedWorkshop>,
    /// Workshops whose rows do not read back: (id, why).
    pub damaged: Vec<(String, String)>,
}

/// Why the log failed. The server treats every one as "not written".
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    /// PostgreSQL refused or failed, or could not be reached.
    #[error("PostgreSQL: {}", postgres::describe(.0))]
    Postgres(#[from] ::postgres::Error),
    /// The database cannot be used as given (an address that is not one,
    /// tables of another version): said as it is.
    #[error("{0}")]
    Unusable(String),
    /// A stored row does not read back (damaged or from a newer version).
    #[error("stored data does not read back: {0}")]
    Corrupt(String),
    /// The operating system refused (e.g. starting a thread).
    #[error("system: {0}")]
    Io(#[from] std::io::Error),
    /// An earlier write of this workshop failed: nothing more of it is
    /// written until the server restarts (a hole would break its log).
    #[error("an earlier write of workshop {0} failed; it is stopped until the server restarts")]
    WorkshopStopped(String),
    /// Another server took this workshop over (this one was paused or cut
    /// off past its lease): nothing more of it is written from here.
    #[error("{} is now run by another Ruche server (it took over while this one was paused or cut off); this one stops writing it", held(.0))]
    Fenced(String),
    /// Another server runs this database (or this workshop) and keeps
    /// renewing its lease.
    #[error(
        "another Ruche server ({node}) runs {} and keeps renewing its lease: stop it first, start this one with --standby to take over when it stops, or give each server its own database",
        held(workshop)
    )]
    OwnedElsewhere {
        /// The workshop.
        workshop: String,
        /// The other server's node name.
        node: String,
    },
    /// The writer thread is gone (the server is stopping).
    #[error("the log writer has stopped")]
    WriterStopped,
}

/// What a lease is on, said: a workshop, or the database as a whole.
fn held(what: &str) -> String {
    if what == leases::THE_DATABASE {
        "this database".to_owned()
    } else {
        format!("workshop {what}")
    }
}

/// Reads one workshop back while the log is in use (a workshop let go from
/// memory, loaded again when someone needs it). Called from a blocking
/// task, never from the writer thread.
pub trait LogReader: Send + 'static {
    /// The workshop with this id, as [`EventLog::load_all`] would read it;
    /// `None` if there is none.
    fn load_one(&mut self, id: &str) -> Result<Option<LoadedWorkshop>, StoreError>;

    /// The workshop's whole log, from its first event (snapshots ignored):
    /// what an export carries for anyone to re-count. `None` if there is none.
    fn history(&mut self, id: &str) -> Result<Option<History>, StoreError>;

    /// The workshop with this id (or, `by_code`, this normalised join
    /// code), as it was created; for a server that did not create it
    /// (several servers on one database). `None` if there is none.
    fn find(&mut self, _key: &str, _by_code: bool) -> Result<Option<WorkshopRecord>, StoreError> {
        Ok(None)
    }
}

/// Who runs a workshop, as a claim found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// This server (it claimed it, or already held it).
    Mine,
    /// Another live server, which listens at `address` if it said.
    Elsewhere {
        /// Its node name.
        node: String,
        /// Where it listens (`host:port`).
        address: Option<String>,
    },
    /// No such workshop (deleted meanwhile).
    Gone,
}

/// A workshop's settings and every event it recorded, in order.
#[derive(Debug)]
pub struct History {
    /// Its settings.
    pub config: WorkshopConfig,
    /// When it was created (ms since the Unix epoch).
    pub created_at_ms: u64,
    /// Every event, in order.
    pub events: Vec<LoggedEvent>,
}

/// A durable, append-only log of workshops and their events.
///
/// Every method is blocking and is called from the one writer thread only.
pub trait EventLog: Send + 'static {
    /// Records a new workshop.
    fn create_workshop(&mut self, record: &WorkshopRecord) -> Result<(), StoreError>;
    /// Writes a group of appends in one durable transaction: all or nothing.
    fn append(&mut self, batch: &[Append]) -> Result<(), StoreError>;
    /// Reads every workshop back. A workshop whose rows do not decode is
    /// listed in [`Loaded::damaged`]; an error is for the log as a whole.
    fn load_all(&mut self) -> Result<Loaded, StoreError>;
    /// Deletes a workshop: once this returns it is gone from every read and
    /// from the next start-up. Its events may be erased later, by
    /// [`EventLog::purge_step`].
    fn delete_workshop(&mut self, id: &str) -> Result<(), StoreError>;

    /// A reader of this log for use beside the writer, if the backend can
    /// give one. Without it, workshops stay in memory for the server's life.
    fn reader(&self) -> Option<Box<dyn LogReader>> {
        None
    }

    /// Erases a little more of what deleted workshops left (a few
    /// milliseconds' work, so that commits are not held up); returns whether
    /// there is more. The writer calls it between commits until it says no.
    fn purge_step(&mut self) -> Result<bool, StoreError> {
        Ok(false)
    }

    /// Takes workshop `id` for this server before its actor is loaded
    /// (PostgreSQL with several servers: the lease that says who runs it).
    /// A log with one server says it is this one's.
    fn claim(&mut self, _id: &str) -> Result<Ownership, StoreError> {
        Ok(Ownership::Mine)
    }

    /// Lets this server's claim on workshop `id` go (its actor let it go
    /// from memory): another server may take it at once.
    fn release(&mut self, _id: &str) -> Result<(), StoreError> {
        Ok(())
    }

    /// How often the writer should call [`EventLog::tick`], if at all.
    fn tick_every(&self) -> Option<std::time::Duration> {
        None
    }

    /// Regular upkeep between commits (PostgreSQL: renewing this server's
    /// leases on its workshops). Returns the workshops another server took
    /// over meanwhile (their appends are refused from now on).
    fn tick(&mut self) -> Result<Vec<String>, StoreError> {
        Ok(Vec::new())
    }

    /// At a clean stop, after the last commit: leaves the log whole in its
    /// main file (a backup copies that one file while the server is stopped).
    fn close(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}
