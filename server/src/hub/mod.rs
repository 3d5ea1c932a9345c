//! The hub: every live workshop's actor, found by id or by join code.
//!
//! - [`core`]: a workshop's actor without I/O: the only owner of its state,
//!   commands and commits in, appends, frames and timeouts out.
//! - [`actor`]: the tokio task that drives a core.
//! - [`fanout`]: coalesced delivery to connections, encoded once.
//! - [`frame`]: a frame as the server writes it, header and JSON, shared.
//! - [`outbox`]: a connection's way out, as the hub sees it.
//! - [`answers`]: the first answer to each operation, for safe retries.
//! - [`residency`]: which workshops are in memory: idle ones are let go and
//!   loaded again from the log on demand.
//!
//! The registry (two `DashMap`s) holds handles only, never workshop state.

pub mod actor;
pub mod answers;
pub mod core;
pub mod fanout;
pub mod frame;
pub mod handovers;
pub mod outbox;
pub mod residency;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use dashmap::DashMap;
use ruche_shared::{Lang, Role, TableId, Workshop, WorkshopConfig};
use tokio::sync::{mpsc, oneshot};

pub use actor::{ActorMsg, JoinError, Subscription};

use crate::metrics::Metrics;
use crate::secrets;
use crate::settings::Settings;
use crate::store::{LoadedWorkshop, LogWriter, Ownership, StoreError, WorkshopRecord};

pub use frame::Frame;

/// What the registry knows of a workshop without asking its actor.
pub struct WorkshopHandle {
    /// Its id.
    pub id: String,
    /// Its join code.
    pub code: String,
    /// The facilitator secret's hash.
    pub secret_hash: String,
    /// Its settings (never change).
    pub config: WorkshopConfig,
    /// Whether joining is locked now (kept current by the actor).
    pub joining_locked: Arc<AtomicBool>,
    /// When the last event was recorded, ms since the Unix epoch (kept current by the actor).
    pub last_activity_ms: Arc<AtomicU64>,
    /// Set, with the reason, when the workshop has stopped on a failed write.
    pub stopped: Arc<OnceLock<String>>,
    /// Connections open now, per role (see [`WorkshopHandle::open_screen`]).
    screens: Arc<std::sync::Mutex<std::collections::HashMap<Role, usize>>>,
    /// Its actor, when it is in memory.
    residency: residency::Residency,
}

/// Facilitator consoles a workshop may have open at once.
pub const MAX_FACILITATOR_SCREENS: usize = 16;
/// Connections one table may have open at once (its tablet, and the old
/// connection of a tablet that reconnected before it was dropped).
pub const MAX_TABLE_SCREENS: usize = 4;

/// A connection's place among its workshop's screens, given back on drop.
pub struct ScreenPlace {
    screens: Arc<std::sync::Mutex<std::collections::HashMap<Role, usize>>>,
    role: Role,
}

impl Drop for ScreenPlace {
    fn drop(&mut self) {
        let mut screens = self.screens.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = screens.get_mut(&self.role) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                screens.remove(&self.role);
            }
        }
    }
}

impl WorkshopHandle {
    /// Takes a place for a connection of `role`, unless the workshop has its
    /// most of them already. Each connection holds what the server sends it
    /// until the client reads it: bounding them per workshop bounds what
    /// clients that never read can make the server hold.
    /// `max_walls` is `Settings::max_walls_per_workshop`.
    pub fn open_screen(&self, role: Role, max_walls: usize) -> Option<ScreenPlace> {
        let max = match role {
            Role::Facilitator => MAX_FACILITATOR_SCREENS,
            Role::Table(_) => MAX_TABLE_SCREENS,
            Role::Wall | Role::Guest => max_walls,
        };
        let mut screens = self.screens.lock().unwrap_or_else(|p| p.into_inner());
        let count = screens.entry(role).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(ScreenPlace {
            screens: self.screens.clone(),
            role,
        })
    }

    /// The screens' language.
    pub fn lang(&self) -> Lang {
        self.config.setup().lang
    }

    /// The actor's inbox, loading the workshop from the log if it was let
    /// go; `None` if it cannot be (deleted meanwhile, or the log failed).
    pub async fn actor(&self) -> Option<mpsc::Sender<ActorMsg>> {
        self.residency.actor(self).await
    }

    /// Sends `message` to the actor (loading the workshop if needed).
    /// `Err` if it cannot be delivered.
    pub async fn send(&self, message: ActorMsg) -> Result<(), ()> {
        let tx = self.actor().await.ok_or(())?;
        match tx.send(message).await {
            Ok(()) => Ok(()),
            // The actor let go just now: load it again, once.
            Err(mpsc::error::SendError(message)) => {
                let tx = self.actor().await.ok_or(())?;
                tx.send(message).await.map_err(|_| ())
            }
        }
    }

    /// A copy of the current state, or `None` if the actor has stopped.
    pub async fn read(&self) -> Option<Workshop> {
        let (reply, answer) = oneshot::channel();
        self.send(ActorMsg::Read { reply }).await.ok()?;
        answer.await.ok()
    }
}

/// How a request names its workshop.
#[derive(Debug, Clone, Copy)]
pub enum WorkshopKey<'a> {
    /// By id (the facilitator, the API).
    Id(&'a str),
    /// By join code, as typed (tablets, the wall).
    Code(&'a str),
}

/// A workshop just created: what the facilitator is shown once.
pub struct Created {
    /// Its id.
    pub id: String,
    /// Its join code.
    pub code: String,
    /// The facilitator secret, in clear, shown once.
    pub secret: String,
}

/// The registry of live workshops, and what their actors need.
pub struct Hub {
    by_id: DashMap<String, Arc<WorkshopHandle>>,
    by_code: DashMap<String, String>,
    /// Workshops the log could not rebuild at start-up: id → why. They are
    /// not served; the others are.
    damaged: DashMap<String, String>,
    actors: Arc<residency::Actors>,
    settings: Arc<Settings>,
    metrics: Arc<Metrics>,
}

/// Why a workshop could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The log could not record it.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No free join code was found (the server holds very many workshops).
    #[error("no free join code")]
    NoFreeCode,
}

impl Hub {
    /// A hub writing through `writer`; with a `reader`, idle workshops are
    /// let go from memory and loaded again through it.
    pub fn new(
        writer: LogWriter,
        reader: Option<Box<dyn crate::store::LogReader>>,
        settings: Arc<Settings>,
        metrics: Arc<Metrics>,
    ) -> Hub {
        Hub {
            by_id: DashMap::new(),
            by_code: DashMap::new(),
            damaged: DashMap::new(),
            actors: Arc::new(residency::Actors::new(
                writer,
                reader,
                settings.clone(),
                metrics.clone(),
            )),
            settings,
            metrics,
        }
    }

    /// Workshop `id`'s whole log from the database (what an export carries);
    /// `Err` when the log cannot be read beside its writer.
    pub async fn history(&self, id: &str) -> Result<Option<crate::store::History>, String> {
        self.actors.history(id).await
    }

    /// A workshop by id.
    pub fn by_id(&self, id: &str) -> Option<Arc<WorkshopHandle>> {
        self.by_id.get(id).map(|h| h.clone())
    }

    /// A workshop by join code (as typed: spaces and dashes are ignored).
    pub fn by_code(&self, code: &str) -> Option<Arc<WorkshopHandle>> {
        let id = self.by_code.get(&secrets::normalise_code(code))?.clone();
        self.by_id(&id)
    }

    /// A workshop by id, or by join code: with several servers on one
    /// database (`--cluster`), one this server has not met yet (another
    /// created it) is looked up in the log and registered, not run.
    pub async fn find(&self, key: WorkshopKey<'_>) -> Option<Arc<WorkshopHandle>> {
        let (found, key, by_code) = match key {
            WorkshopKey::Id(id) => (self.by_id(id), id.to_owned(), false),
            WorkshopKey::Code(code) => (self.by_code(code), secrets::normalise_code(code), true),
        };
        if found.is_some() || !self.settings.cluster || key.is_empty() {
            return found;
        }
        let record = match self.actors.find(&key, by_code).await {
            Ok(record) => record?,
            Err(error) => {
                tracing::warn!(%error, "cannot look a workshop up in the log");
                return None;
            }
        };
        let id = record.id.clone();
        self.register(record);
        self.by_id(&id)
    }

    /// Workshop `id` as its log holds it, read without running it here
    /// (another server of the cluster runs it); `None` if it cannot be read.
    pub async fn read_logged(&self, id: &str) -> Option<Workshop> {
        let mut loaded = match self.actors.load(id).await {
            Ok(loaded) => loaded?,
            Err(error) => {
                tracing::warn!(workshop = %id, %error, "cannot read a workshop from the log");
                return None;
            }
        };
        match residency::rebuild(&mut loaded) {
            Ok(rebuilt) => Some(rebuilt.workshop),
            Err(error) => {
                tracing::error!(workshop = %id, %error, "a workshop does not rebuild from the log");
                None
            }
        }
    }

    /// Where workshop `handle` runs: here (its actor is loaded here, or this
    /// server has just claimed it), on another server of the cluster, or
    /// nowhere (deleted). With one server, always here.
    pub async fn locate(&self, handle: &WorkshopHandle) -> Result<Ownership, StoreError> {
        if !self.settings.cluster || handle.residency.running().is_some() {
            return Ok(Ownership::Mine);
        }
        self.actors.writer.claim(handle.id.clone()).await
    }

    /// How many workshops are live.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there is no workshop.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Creates a workshop, durably, and starts its actor.
    pub async fn create(&self, config: WorkshopConfig) -> Result<Created, CreateError> {
        let code = (0..100)
            .map(|_| secrets::new_join_code(self.settings.join_code_digits))
            .find(|code| !self.by_code.contains_key(code))
            .ok_or(CreateError::NoFreeCode)?;
        let secret = secrets::new_secret();
        let record = WorkshopRecord {
            id: secrets::new_workshop_id(),
            code,
            secret_hash: secrets::hash_secret(&secret),
            config,
            created_at_ms: core::Now::read().unix_ms,
        };
        self.actors.writer.create(record.clone()).await?;
        let created = Created {
            id: record.id.clone(),
            code: record.code.clone(),
            secret,
        };
        let rebuilt = residency::Rebuilt::fresh(&record.config);
        let created_at = record.created_at_ms;
        // One of several servers leaves it to the server its screens reach.
        let run = !self.settings.cluster;
        self.start(record, rebuilt, created_at, run);
        tracing::info!(workshop = %created.id, "workshop created");
        Ok(created)
    }

    /// Records a workshop the log could not rebuild: it is reported by
    /// `/healthz` and `/metrics`, and not served.
    pub fn mark_damaged(&self, id: String, why: String) {
        tracing::error!(workshop = %id, %why, "this workshop cannot be rebuilt from the log; it is not served, the others are");
        self.metrics.workshops_stopped.inc();
        self.damaged.insert(id, why);
    }

    /// Workshops that are stopped: not rebuilt at start-up, or stopped since
    /// on a failed write. (id, why), sorted by id.
    pub fn stopped(&self) -> Vec<(String, String)> {
        let mut stopped: Vec<(String, String)> = self
            .damaged
            .iter()
            .map(|e| (e.key().clone(), e.value().clone()))
            .chain(
                self.by_id
                    .iter()
                    .filter_map(|h| h.stopped.get().map(|why| (h.id.clone(), why.clone()))),
            )
            .collect();
        stopped.sort();
        stopped
    }

    /// Rebuilds a workshop from the log and starts its actor; one that has
    /// had no activity for longer than the idle release stays in the log
    /// only (checked, then let go), to be loaded when someone needs it.
    pub fn recover(&self, mut loaded: LoadedWorkshop) -> Result<(), String> {
        let rebuilt = residency::rebuild(&mut loaded)?;
        let now_ms = core::Now::read().unix_ms;
        let quiet = self.actors.idle_release().is_some_and(|idle| {
            now_ms.saturating_sub(loaded.last_activity_ms) >= idle.as_millis() as u64
        });
        // One of several servers runs only what it is asked for (and claims
        // it first): the workshop may be another's.
        let quiet = quiet || self.settings.cluster;
        self.start(loaded.record, rebuilt, loaded.last_activity_ms, !quiet);
        Ok(())
    }

    /// Registers a workshop another server created, without running it:
    /// it is loaded (and claimed) when someone needs it here.
    fn register(&self, record: WorkshopRecord) {
        let rebuilt = residency::Rebuilt::fresh(&record.config);
        let created_at = record.created_at_ms;
        self.start(record, rebuilt, created_at, false);
    }

    /// Registers a workshop in state `rebuilt`, and starts its actor if
    /// `run` (else it stays in the log until someone needs it).
    fn start(
        &self,
        record: WorkshopRecord,
        rebuilt: residency::Rebuilt,
        last_activity_ms: u64,
        run: bool,
    ) {
        let locked = rebuilt.workshop.is_joining_locked();
        let handle = Arc::new(WorkshopHandle {
            id: record.id.clone(),
            code: record.code.clone(),
            secret_hash: record.secret_hash,
            config: record.config,
            joining_locked: Arc::new(AtomicBool::new(locked)),
            last_activity_ms: Arc::new(AtomicU64::new(last_activity_ms)),
            stopped: Arc::new(OnceLock::new()),
            screens: Arc::default(),
            residency: residency::Residency::new(
                residency::ActorSlot::released(),
                self.actors.clone(),
            ),
        });
        // Registered once: two screens of a workshop another server created
        // may look it up together; the second keeps the first's handle, so
        // this server never holds two actors for one workshop.
        let dashmap::mapref::entry::Entry::Vacant(place) = self.by_id.entry(record.id.clone())
        else {
            return;
        };
        if run {
            handle.residency.set(self.actors.spawn(&handle, rebuilt));
        }
        self.by_code.insert(record.code, record.id);
        place.insert(handle);
    }

    /// Deletes a workshop: it stops taking commands, finishes writing, its
    /// screens are closed, and it is removed from the log with all its events.
    pub async fn delete(&self, id: &str) -> Result<(), StoreError> {
        let Some((_, handle)) = self.by_id.remove(id) else {
            return Ok(());
        };
        self.by_code.remove(&handle.code);
        if handle.stopped.get().is_some() {
            self.metrics.workshops_stopped.dec();
        }
        let (reply, done) = oneshot::channel();
        // Only a running actor has anything to finish (a workshop let go has
        // nothing pending).
        if let Some(tx) = handle.residency.running()
            && tx.send(ActorMsg::Shutdown { reply }).await.is_ok()
        {
            let _ = done.await;
        }
        self.actors.writer.delete(id.to_owned()).await?;
        tracing::info!(workshop = %id, "workshop deleted");
        Ok(())
    }

    /// Deletes every workshop with no event for longer than `retention`.
    /// Returns how many were deleted.
    pub async fn purge_older_than(&self, retention: std::time::Duration) -> usize {
        let now = core::Now::read().unix_ms;
        let limit = retention.as_millis() as u64;
        let stale: Vec<String> = self
            .by_id
            .iter()
            .filter(|h| now.saturating_sub(h.last_activity_ms.load(Ordering::Relaxed)) >= limit)
            .map(|h| h.id.clone())
            .collect();
        let mut purged = 0;
        for id in stale {
            match self.delete(&id).await {
                Ok(()) => purged += 1,
                Err(error) => {
                    tracing::error!(workshop = %id, %error, "could not purge an old workshop")
                }
            }
        }
        purged
    }

    /// Stops every actor once what it has pending is written.
    pub async fn shutdown(&self) {
        let handles: Vec<Arc<WorkshopHandle>> = self.by_id.iter().map(|h| h.clone()).collect();
        for handle in handles {
            let (reply, done) = oneshot::channel();
            if let Some(tx) = handle.residency.running()
                && tx.send(ActorMsg::Shutdown { reply }).await.is_ok()
            {
                let _ = done.await;
            }
        }
        self.by_id.clear();
        self.by_code.clear();
    }

    /// Whether joining a workshop is open now.
    pub fn joining_open(handle: &WorkshopHandle) -> bool {
        !handle.joining_locked.load(Ordering::Relaxed)
    }
}

/// Who sent a command, as the log writes it: "f", "t3" (table 3), "g" (a guest joining).
pub(crate) fn principal_of(role: Role) -> String {
    match role {
        Role::Facilitator => "f".into(),
        Role::Table(table) => format!("t{}", table.0),
        Role::Wall => "w".into(),
        Role::Guest => "g".into(),
    }
}

/// Reads back a principal written by [`principal_of`].
fn parse_principal(text: &str) -> Option<Role> {
    match text {
        "f" => Some(Role::Facilitator),
        _ => text
            .strip_prefix('t')?
            .parse()
            .ok()
            .map(|n| Role::Table(TableId(n))),
    }
}
