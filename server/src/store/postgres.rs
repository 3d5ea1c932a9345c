//! The hosted event log: PostgreSQL, for a service that runs Ruche for many
//! towns or on several machines (`--db postgres://…`). Same contract as the
//! SQLite log: a group of appends is one transaction, acknowledged only once
//! PostgreSQL has committed it.
//!
//! The client is the synchronous `postgres` crate: the log is driven from one
//! writer thread (and read back from blocking tasks), exactly like SQLite's,
//! so a blocking client keeps one model for both backends and needs no pool
//! (one connection writes, one reads). A group of appends is a handful of
//! statements whatever its size: the events of every workshop in the group
//! go in one `INSERT … SELECT FROM unnest(…)`.
//!
//! The tables live in their own schema, `ruche`, so that the database may
//! hold other things.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ::postgres::fallible_iterator::FallibleIterator;
use ::postgres::{Client, Config, NoTls};
use ruche_shared::{TableId, WorkshopConfig};

use super::assembly::{Assembly, StoredEvent, StoredWorkshop, decode_event, only_one};
use super::leases::{self, Claim, Leases};
use super::{
    Append, EventLog, History, Loaded, LoadedWorkshop, LogReader, LoggedEvent, Ownership,
    StoreError, WorkshopRecord,
};

/// The layout this build writes; a database with another is refused.
const SCHEMA_VERSION: i32 = 1;

/// Taken (inside the schema's transaction) so that several nodes starting
/// at once do not race to create the same tables.
const SCHEMA_LOCK: i64 = 0x7275_6368_6500_0001;

const SCHEMA: &str = "
CREATE SCHEMA IF NOT EXISTS ruche;
CREATE TABLE IF NOT EXISTS ruche.meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ruche.workshops (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    secret_hash   TEXT NOT NULL,
    config        TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
-- One row per event; (workshop, seq) is the key, so that one sequence
-- number can never be written twice, whoever tries.
CREATE TABLE IF NOT EXISTS ruche.events (
    workshop  TEXT NOT NULL REFERENCES ruche.workshops(id) ON DELETE CASCADE,
    seq       BIGINT NOT NULL,
    principal TEXT NOT NULL,
    op        TEXT,
    at_ms     BIGINT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (workshop, seq)
);
CREATE TABLE IF NOT EXISTS ruche.table_tokens (
    workshop   TEXT NOT NULL REFERENCES ruche.workshops(id) ON DELETE CASCADE,
    table_id   INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    PRIMARY KEY (workshop, table_id)
);
CREATE TABLE IF NOT EXISTS ruche.snapshots (
    workshop TEXT PRIMARY KEY REFERENCES ruche.workshops(id) ON DELETE CASCADE,
    seq      BIGINT NOT NULL,
    body     TEXT NOT NULL
);
";

/// How long connecting may take when the address does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether `--db` names a PostgreSQL database rather than a file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The address with its password hidden, for logs and messages: in the
/// credentials (`user:password@`) and as a `password=` parameter.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = match path.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some(("password", _)) => "password=***".to_owned(),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => path.to_owned(),
    };
    match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or("");
            let hidden = if credentials.contains(':') {
                ":***"
            } else {
                ""
            };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => format!("{scheme}://{authority}{path}"),
    }
}

/// What went wrong, said whole: the client's own `Display` says only "db
/// error" and leaves PostgreSQL's message (and the network's) in its source.
pub fn describe(error: &::postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    match std::error::Error::source(error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    }
}

/// Whether an error means the connection is gone: PostgreSQL was shut
/// down or restarted, or the network cut (the client then says it is closed).
fn connection_lost(error: &::postgres::Error) -> bool {
    use ::postgres::error::SqlState;
    error.is_closed()
        || error.as_db_error().is_some_and(|db| {
            [
                SqlState::ADMIN_SHUTDOWN,
                SqlState::CRASH_SHUTDOWN,
                SqlState::CANNOT_CONNECT_NOW,
            ]
            .contains(db.code())
        })
}

fn connect(config: &Config) -> Result<Client, StoreError> {
    Ok(config.connect(NoTls)?)
}

/// How long the writer keeps trying to connect again when PostgreSQL went
/// away mid-commit (a restart takes a few seconds): commands wait meanwhile,
/// rather than fail.
const RECONNECT_FOR: Duration = Duration::from_secs(15);

/// Connects, trying again every quarter second for up to [`RECONNECT_FOR`].
fn connect_again(config: &Config) -> Result<Client, StoreError> {
    let deadline = Instant::now() + RECONNECT_FOR;
    loop {
        match connect(config) {
            Ok(client) => return Ok(client),
            Err(error) if Instant::now() < deadline => {
                tracing::warn!(%error, "PostgreSQL does not answer yet; trying again");
                std::thread::sleep(Duration::from_millis(250));
            }
            Err(error) => return Err(error),
        }
    }
}

/// The PostgreSQL event log.
pub struct PostgresLog {
    config: Config,
    client: Client,
    /// The workshops this server writes, and their epochs.
    leases: Leases,
    /// Whether start-up waits for another server to stop (`--standby`).
    standby: bool,
    /// Whether this server serves the database beside others, each
    /// workshop claimed when first needed (`--cluster`).
    cluster: bool,
}

impl PostgresLog {
    /// Connects to the database at `url` and creates Ruche's tables if they
    /// are missing. Blocking: call it off the async runtime.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let mut config: Config = url.parse().map_err(|e| {
            StoreError::Unusable(format!(
                "{} is not a PostgreSQL address: {e}",
                redacted(url)
            ))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("ruche");
        let mut client = connect(&config)?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
        tx.batch_execute(SCHEMA)?;
        tx.batch_execute(leases::SCHEMA)?;
        tx.execute(
            "INSERT INTO ruche.meta (key, value) VALUES ('schema', $1) ON CONFLICT (key) DO NOTHING",
            &[&SCHEMA_VERSION.to_string()],
        )?;
        let version: String = tx
            .query_one("SELECT value FROM ruche.meta WHERE key = 'schema'", &[])?
            .get(0);
        if version != SCHEMA_VERSION.to_string() {
            return Err(StoreError::Unusable(format!(
                "the database's Ruche tables were written by another version of Ruche (schema {version}); run that version"
            )));
        }
        tx.commit()?;
        // Unique per process: a server started again is a new node, and
        // takes its workshops back once the old one's leases run out.
        let node = format!(
            "node-{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Ok(PostgresLog {
            config,
            client,
            leases: Leases::new(node),
            standby: false,
            cluster: false,
        })
    }

    /// This server's node name (in `ruche.owners`).
    pub fn node(&self) -> &str {
        &self.leases.node
    }

    /// The writer's connection, opened again if PostgreSQL dropped it (a
    /// restart of the database, a network cut): the next group then goes
    /// through instead of failing for the rest of the server's life.
    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.is_closed() {
            tracing::warn!("the connection to PostgreSQL was lost; connecting again");
            self.client = connect(&self.config)?;
        }
        Ok(&mut self.client)
    }

    /// The group, in one transaction: its epochs checked, its events, the
    /// latest token of each table and snapshot of each workshop.
    fn write_group(&mut self, batch: &[Append]) -> Result<(), StoreError> {
        let rows = EventColumns::of(batch)?;
        // A table's token and a workshop's snapshot are each written once
        // per group, the latest (one statement may not update a row twice).
        let mut tokens: HashMap<(&str, u32), &str> = HashMap::new();
        let mut snapshots: HashMap<&str, (i64, &str)> = HashMap::new();
        for append in batch {
            if let Some((table, hash)) = &append.table_token {
                tokens.insert((&append.workshop, table.0), hash);
            }
            if let Some((seq, body)) = &append.snapshot {
                snapshots.insert(&append.workshop, (*seq as i64, body));
            }
        }
        let mut workshops: Vec<&str> = batch.iter().map(|a| a.workshop.as_str()).collect();
        workshops.sort_unstable();
        workshops.dedup();
        self.client()?;
        let mut tx = self.client.transaction()?;
        self.leases.fence(&mut tx, &workshops)?;
        tx.execute(
            "INSERT INTO ruche.events (workshop, seq, principal, op, at_ms, body)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[])",
            &[&rows.workshop, &rows.seq, &rows.principal, &rows.op, &rows.at_ms, &rows.body],
        )?;
        if !tokens.is_empty() {
            let (keys, hashes): (Vec<_>, Vec<&str>) = tokens.into_iter().unzip();
            let (workshops, tables): (Vec<&str>, Vec<i32>) =
                keys.into_iter().map(|(w, t)| (w, t as i32)).unzip();
            tx.execute(
                // A table's token is replaced when a new tablet takes it over.
                "INSERT INTO ruche.table_tokens (workshop, table_id, token_hash)
                 SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
                 ON CONFLICT (workshop, table_id) DO UPDATE SET token_hash = excluded.token_hash",
                &[&workshops, &tables, &hashes],
            )?;
        }
        if !snapshots.is_empty() {
            let (workshops, snapshots): (Vec<&str>, Vec<(i64, &str)>) =
                snapshots.into_iter().unzip();
            let (seqs, bodies): (Vec<i64>, Vec<&str>) = snapshots.into_iter().unzip();
            tx.execute(
                "INSERT INTO ruche.snapshots (workshop, seq, body)
                 SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
                 ON CONFLICT (workshop) DO UPDATE SET seq = excluded.seq, body = excluded.body",
                &[&workshops, &seqs, &bodies],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Whether a group whose commit's answer was lost is in the log: its
    /// first event is there, from the same sender with the same operation.
    fn group_landed(&mut self, batch: &[Append]) -> Result<bool, StoreError> {
        let Some((workshop, first)) = batch
            .iter()
            .find_map(|append| Some((&append.workshop, append.events.first()?)))
        else {
            // No event: tokens and snapshots only, which are safe to write again.
            return Ok(false);
        };
        let row = self.client.query_opt(
            "SELECT principal, op FROM ruche.events WHERE workshop = $1 AND seq = $2",
            &[workshop, &(first.seq as i64)],
        )?;
        Ok(row.is_some_and(|row| {
            row.get::<_, &str>(0) == first.principal
                && row.get::<_, Option<&str>>(1) == first.op.as_deref()
        }))
    }

    /// A standby: [`EventLog::load_all`] waits for as long as another
    /// server runs the workshops, instead of refusing to start.
    pub fn standing_by(mut self, standby: bool) -> Self {
        self.standby = standby;
        self
    }

    /// One of several servers on this database (`--cluster`), reached by
    /// the others at `address` (`host:port`): no server serves the database
    /// as a whole; each workshop is claimed when first needed
    /// ([`EventLog::claim`]), and start-up claims none.
    pub fn in_cluster(mut self, address: String) -> Self {
        self.cluster = true;
        self.leases.address = Some(address);
        self
    }

    /// Claims every workshop of the database, before reading any back (so
    /// that what is read is final: the previous owner can append nothing
    /// more). Leases that a server gone without a word (killed, its machine
    /// lost) still holds are waited out; a workshop whose lease keeps being
    /// renewed belongs to another live server: refused, or, for a standby,
    /// waited for until that server is gone.
    fn claim_all(&mut self) -> Result<(), StoreError> {
        let deadline =
            (!self.standby).then(|| Instant::now() + 2 * leases::LEASE + Duration::from_secs(1));
        let mut said = false;
        loop {
            self.client()?;
            // What was claimed in an earlier round is kept (or, if lost, claimed again).
            self.leases.renew(&mut self.client)?;
            let mut held = None;
            let mut longest = 0;
            // The database first: then a standby waits even for a server
            // that runs no workshop yet, and once this one serves it, no
            // other creates a workshop (creations are fenced on it too).
            match self.leases.claim_serving(&mut self.client)? {
                Claim::Held { node, for_ms, .. } => {
                    longest = for_ms;
                    held = Some((leases::THE_DATABASE.to_owned(), node));
                }
                Claim::Owned(_) => {
                    let ids: Vec<String> = self
                        .client
                        .query("SELECT id FROM ruche.workshops", &[])?
                        .into_iter()
                        .map(|row| row.get(0))
                        .collect();
                    for id in &ids {
                        if self.leases.holds(id) {
                            continue;
                        }
                        if let Claim::Held { node, for_ms, .. } =
                            self.leases.claim(&mut self.client, id)?
                        {
                            longest = longest.max(for_ms);
                            held.get_or_insert((id.clone(), node));
                        }
                    }
                }
            }
            let Some((workshop, node)) = held else {
                return Ok(());
            };
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Err(StoreError::OwnedElsewhere { workshop, node });
            }
            if !said {
                tracing::warn!(
                    %node,
                    "another Ruche server runs workshops of this database: {}",
                    if self.standby { "standing by until it stops" } else { "waiting for its leases to run out" }
                );
                said = true;
            }
            let wait = Duration::from_millis(longest as u64 + 50).min(leases::LEASE);
            std::thread::sleep(wait);
        }
    }
}

/// Reads workshops back: all of them, or the one with id `only`.
fn load(client: &mut Client, only: Option<&str>) -> Result<Loaded, StoreError> {
    let mut snapshots: HashMap<String, (u64, String)> = client
        .query(
            "SELECT workshop, seq, body FROM ruche.snapshots WHERE $1::text IS NULL OR workshop = $1",
            &[&only],
        )?
        .into_iter()
        .map(|r| (r.get(0), (r.get::<_, i64>(1) as u64, r.get(2))))
        .collect();
    let mut tokens: HashMap<String, Vec<(TableId, String)>> = HashMap::new();
    for row in client.query(
        "SELECT workshop, table_id, token_hash FROM ruche.table_tokens WHERE $1::text IS NULL OR workshop = $1",
        &[&only],
    )? {
        tokens
            .entry(row.get(0))
            .or_default()
            .push((TableId(row.get::<_, i32>(1) as u32), row.get(2)));
    }
    let mut assembly = Assembly::default();
    for row in client.query(
        "SELECT id, code, secret_hash, config, created_at_ms FROM ruche.workshops
         WHERE $1::text IS NULL OR id = $1 ORDER BY created_at_ms, id",
        &[&only],
    )? {
        let id: String = row.get(0);
        assembly.workshop(StoredWorkshop {
            snapshot: snapshots.remove(&id),
            table_tokens: tokens.remove(&id).unwrap_or_default(),
            code: row.get(1),
            secret_hash: row.get(2),
            config: row.get(3),
            created_at_ms: row.get::<_, i64>(4) as u64,
            id,
        });
    }
    let mut rows = client.query_raw(
        "SELECT workshop, seq, principal, op, at_ms, body FROM ruche.events
         WHERE $1::text IS NULL OR workshop = $1 ORDER BY workshop, seq",
        [only],
    )?;
    while let Some(row) = rows.next()? {
        // Foreign keys delete a workshop's events with it: no orphans here.
        assembly.event(StoredEvent {
            workshop: row.get(0),
            seq: row.get::<_, i64>(1) as u64,
            principal: row.get(2),
            op: row.get(3),
            at_ms: row.get::<_, i64>(4) as u64,
            body: row.get(5),
        });
    }
    Ok(assembly.finish())
}

impl EventLog for PostgresLog {
    /// Records the workshop and claims it, in one transaction. One of
    /// several servers records it only: the server its screens are sent to
    /// (by the balancer's hash) claims it when the first one arrives.
    fn create_workshop(&mut self, record: &WorkshopRecord) -> Result<(), StoreError> {
        let config = serde_json::to_string(&record.config)
            .map_err(|e| StoreError::Corrupt(format!("config: {e}")))?;
        self.client()?;
        let mut tx = self.client.transaction()?;
        // One server of several creates beside the others: the new
        // workshop's own claim, below, is what fences it.
        if !self.cluster {
            self.leases.fence_serving(&mut tx)?;
        }
        tx.execute(
            "INSERT INTO ruche.workshops (id, code, secret_hash, config, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
            &[&record.id, &record.code, &record.secret_hash, &config, &(record.created_at_ms as i64)],
        )?;
        if self.cluster {
            tx.commit()?;
            return Ok(());
        }
        let claim = self.leases.claim(&mut tx, &record.id)?;
        tx.commit()?;
        if claim != Claim::Owned(1) {
            return Err(StoreError::Corrupt(format!(
                "a new workshop was already claimed: {claim:?}"
            )));
        }
        Ok(())
    }

    /// Writes the group in one transaction. If the connection is lost on
    /// the way (PostgreSQL restarted, the network cut), whether the commit
    /// landed is unknown: the writer connects again and looks. The group's
    /// first event is there (it landed: a group is all or nothing) or it is
    /// not (it is written again). `(workshop, seq)` is the key, so it never
    /// lands twice.
    fn append(&mut self, batch: &[Append]) -> Result<(), StoreError> {
        match self.write_group(batch) {
            Err(StoreError::Postgres(error))
                if self.client.is_closed() || connection_lost(&error) =>
            {
                tracing::warn!(error = %describe(&error), "the connection to PostgreSQL was lost during a commit; connecting again to finish it");
                self.client = connect_again(&self.config)?;
                if self.group_landed(batch)? {
                    return Ok(());
                }
                self.write_group(batch)
            }
            other => other,
        }
    }

    /// Reads every workshop back and claims them all (this server runs
    /// every workshop of its database).
    fn load_all(&mut self) -> Result<Loaded, StoreError> {
        if !self.cluster {
            self.claim_all()?;
        }
        load(self.client()?, None)
    }

    /// Claims the workshop for this server (it may already be its own): in
    /// a cluster, before its actor is loaded; a workshop another live
    /// server holds is said, with where that server listens.
    fn claim(&mut self, id: &str) -> Result<Ownership, StoreError> {
        self.client()?;
        let exists = self
            .client
            .query_opt("SELECT 1 FROM ruche.workshops WHERE id = $1", &[&id])?
            .is_some();
        if !exists {
            return Ok(Ownership::Gone);
        }
        Ok(match self.leases.claim(&mut self.client, id)? {
            Claim::Owned(_) => Ownership::Mine,
            Claim::Held { node, address, .. } => Ownership::Elsewhere { node, address },
        })
    }

    fn release(&mut self, id: &str) -> Result<(), StoreError> {
        if !self.cluster {
            // One server serves the database: it keeps every workshop.
            return Ok(());
        }
        self.client()?;
        self.leases.release(&mut self.client, id)
    }

    fn tick_every(&self) -> Option<Duration> {
        Some(leases::RENEW_EVERY)
    }

    /// Renews this server's leases; a workshop taken over meanwhile is
    /// said, and its appends are refused from now on (fenced).
    fn tick(&mut self) -> Result<Vec<String>, StoreError> {
        self.client()?;
        self.leases.renew(&mut self.client)
    }

    /// Lets this server's leases go, so that whoever runs the workshops
    /// next starts at once.
    fn close(&mut self) -> Result<(), StoreError> {
        self.client()?;
        self.leases.release_all(&mut self.client)
    }

    fn reader(&self) -> Option<Box<dyn LogReader>> {
        match connect(&self.config) {
            Ok(client) => Some(Box::new(PostgresReader {
                client: Some(client),
            })),
            Err(error) => {
                tracing::warn!(%error, "cannot open a reading connection: idle workshops stay in memory");
                None
            }
        }
    }

    /// Removes the workshop with everything it holds, in one transaction
    /// (its events go with it: `ON DELETE CASCADE`, by the primary key's index).
    fn delete_workshop(&mut self, id: &str) -> Result<(), StoreError> {
        self.client()?
            .execute("DELETE FROM ruche.workshops WHERE id = $1", &[&id])?;
        self.leases.forget(id);
        Ok(())
    }
}

/// The events of a group, column by column, as `unnest` takes them.
struct EventColumns<'a> {
    workshop: Vec<&'a str>,
    seq: Vec<i64>,
    principal: Vec<&'a str>,
    op: Vec<Option<&'a str>>,
    at_ms: Vec<i64>,
    body: Vec<String>,
}

impl<'a> EventColumns<'a> {
    fn of(batch: &'a [Append]) -> Result<Self, StoreError> {
        let count = batch.iter().map(|a| a.events.len()).sum();
        let mut columns = EventColumns {
            workshop: Vec::with_capacity(count),
            seq: Vec::with_capacity(count),
            principal: Vec::with_capacity(count),
            op: Vec::with_capacity(count),
            at_ms: Vec::with_capacity(count),
            body: Vec::with_capacity(count),
        };
        for append in batch {
            for logged in &append.events {
                columns.workshop.push(&append.workshop);
                columns.seq.push(logged.seq as i64);
                columns.principal.push(&logged.principal);
                columns.op.push(logged.op.as_deref());
                columns.at_ms.push(logged.at_ms as i64);
                columns.body.push(
                    serde_json::to_string(&logged.event)
                        .map_err(|e| StoreError::Corrupt(format!("event: {e}")))?,
                );
            }
        }
        Ok(columns)
    }
}

/// Reads workshops back on a connection of its own, beside the writer.
pub struct PostgresReader {
    /// Always there; taken only when the reader is dropped.
    client: Option<Client>,
}

impl PostgresReader {
    fn client(&mut self) -> &mut Client {
        self.client
            .as_mut()
            .expect("the client is taken only on drop")
    }
}

impl Drop for PostgresReader {
    /// The hub that holds the reader may be dropped on one of tokio's worker
    /// threads, where the client may not block to say goodbye: it is closed
    /// on a thread of its own.
    fn drop(&mut self) {
        if let Some(client) = self.client.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            std::thread::spawn(move || drop(client));
        }
    }
}

impl LogReader for PostgresReader {
    fn load_one(&mut self, id: &str) -> Result<Option<LoadedWorkshop>, StoreError> {
        only_one(id, load(self.client(), Some(id))?)
    }

    fn find(&mut self, key: &str, by_code: bool) -> Result<Option<WorkshopRecord>, StoreError> {
        let Some(row) = self.client().query_opt(
            "SELECT id, code, secret_hash, config, created_at_ms FROM ruche.workshops
             WHERE CASE WHEN $2 THEN code = $1 ELSE id = $1 END",
            &[&key, &by_code],
        )?
        else {
            return Ok(None);
        };
        let id: String = row.get(0);
        let config: WorkshopConfig = serde_json::from_str(row.get(3))
            .map_err(|e| StoreError::Corrupt(format!("workshop {id}'s settings: {e}")))?;
        Ok(Some(WorkshopRecord {
            code: row.get(1),
            secret_hash: row.get(2),
            config,
            created_at_ms: row.get::<_, i64>(4) as u64,
            id,
        }))
    }

    fn history(&mut self, id: &str) -> Result<Option<History>, StoreError> {
        let client = self.client();
        let Some(row) = client.query_opt(
            "SELECT config, created_at_ms FROM ruche.workshops WHERE id = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        let config: WorkshopConfig = serde_json::from_str(row.get(0))
            .map_err(|e| StoreError::Corrupt(format!("its settings: {e}")))?;
        let created_at_ms = row.get::<_, i64>(1) as u64;
        let mut events = Vec::new();
        let mut rows = client.query_raw(
            "SELECT seq, principal, op, at_ms, body FROM ruche.events WHERE workshop = $1 ORDER BY seq",
            [id],
        )?;
        while let Some(row) = rows.next()? {
            let seq = row.get::<_, i64>(0) as u64;
            events.push(LoggedEvent {
                seq,
                event: decode_event(seq, row.get(4))?,
                principal: row.get(1),
                op: row.get(2),
                at_ms: row.get::<_, i64>(3) as u64,
            });
        }
        Ok(Some(History {
            config,
            created_at_ms,
            events,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            redacted("postgres://ruche:s3cret@db:5432/ruche"),
            "postgres://ruche:***@db:5432/ruche"
        );
        assert_eq!(
            redacted("postgresql://db/ruche?user=ruche&password=s3cret&sslmode=disable"),
            "postgresql://db/ruche?user=ruche&password=***&sslmode=disable"
        );
        assert_eq!(
            redacted("postgres://ruche@db/ruche"),
            "postgres://ruche@db/ruche"
        );
        assert!(is_postgres_url("postgresql://db/x") && !is_postgres_url("ruche.db"));
    }
}
