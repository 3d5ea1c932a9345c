//! Which workshops are in memory. A workshop's actor (and its state) is
//! started when the workshop is created, or at start-up if it was active
//! lately; it lets itself go after `Settings::idle_release` with nobody
//! watching; and it is loaded again from the log, on a reading connection of
//! its own, the moment anyone needs it (a screen connects, an export). A
//! town hall's laptop keeps months of workshops, and holds only tonight's.
//!
//! The registry's handle is what stays: id, join code, secret hash,
//! settings, and the inbox of the actor when there is one.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ruche_shared::protocol::{OpId, Seq};
use ruche_shared::{TableId, Workshop};
use tokio::sync::{mpsc, oneshot};

use super::WorkshopHandle;
use super::actor::{self, ActorMsg, ActorStart};
use super::answers::{Answer, Answers};
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::store::{
    History, LoadedWorkshop, LogReader, LogWriter, Ownership, StoreError, WorkshopRecord,
};

/// A workshop's state rebuilt from the log (or new), ready for an actor.
pub struct Rebuilt {
    /// Its state.
    pub workshop: Workshop,
    /// The last event applied.
    pub seq: Seq,
    /// Table tokens' hashes.
    pub tokens: Vec<(TableId, String)>,
    /// The first answer to each recent operation, for retries.
    pub answers: Answers,
}

impl Rebuilt {
    /// A workshop just created: no event yet.
    pub fn fresh(config: &ruche_shared::WorkshopConfig) -> Rebuilt {
        Rebuilt {
            workshop: Workshop::new(config.clone()),
            seq: 0,
            tokens: Vec::new(),
            answers: Answers::default(),
        }
    }
}

/// Rebuilds a workshop from what the log read back, taking its snapshot and
/// tokens (a snapshot is the size of the workshop: moved, not copied). An
/// error says why it does not rebuild (a hole, an event that does not apply).
pub fn rebuild(loaded: &mut LoadedWorkshop) -> Result<Rebuilt, String> {
    let id = &loaded.record.id;
    let (mut workshop, mut seq) = match loaded.snapshot.take() {
        Some((seq, workshop)) => (workshop, seq),
        None => (Workshop::new(loaded.record.config.clone()), 0),
    };
    let mut answers = Answers::default();
    for (principal, op, op_seq) in &loaded.answered_before_snapshot {
        if let Some(sender) = super::parse_principal(principal) {
            answers.insert(sender, OpId(op.clone()), Answer::Accepted(*op_seq));
        }
    }
    for logged in &loaded.events {
        if logged.seq != seq + 1 {
            return Err(format!("workshop {id}: event {} follows {seq}", logged.seq));
        }
        workshop
            .apply(&logged.event)
            .map_err(|e| format!("workshop {id}, event {}: {e}", logged.seq))?;
        seq = logged.seq;
        if let (Some(op), Some(sender)) = (&logged.op, super::parse_principal(&logged.principal)) {
            answers.insert(sender, OpId(op.clone()), Answer::Accepted(seq));
        }
    }
    Ok(Rebuilt {
        workshop,
        seq,
        tokens: std::mem::take(&mut loaded.table_tokens),
        answers,
    })
}

/// What starting an actor takes, shared by the registry and every handle
/// (a handle starts its workshop's actor again on demand).
pub struct Actors {
    pub(super) writer: LogWriter,
    reader: Option<Arc<Mutex<Box<dyn LogReader>>>>,
    pub(super) settings: Arc<Settings>,
    pub(super) metrics: Arc<Metrics>,
}

impl Actors {
    /// Actors writing through `writer`; with a `reader`, idle ones are let
    /// go and loaded again.
    pub fn new(
        writer: LogWriter,
        reader: Option<Box<dyn LogReader>>,
        settings: Arc<Settings>,
        metrics: Arc<Metrics>,
    ) -> Actors {
        Actors {
            writer,
            reader: reader.map(|r| Arc::new(Mutex::new(r))),
            settings,
            metrics,
        }
    }

    /// How long a workshop nobody watches stays in memory; `None`: for good.
    pub fn idle_release(&self) -> Option<Duration> {
        self.reader.as_ref().and(self.settings.idle_release)
    }

    /// Starts an actor for `handle`'s workshop in state `rebuilt`.
    pub(super) fn spawn(&self, handle: &WorkshopHandle, rebuilt: Rebuilt) -> ActorSlot {
        handle
            .joining_locked
            .store(rebuilt.workshop.is_joining_locked(), Ordering::Relaxed);
        let start = ActorStart {
            id: handle.id.clone(),
            workshop: rebuilt.workshop,
            seq: rebuilt.seq,
            tokens: rebuilt.tokens,
            answers: rebuilt.answers,
            joining_locked: handle.joining_locked.clone(),
            last_activity_ms: handle.last_activity_ms.clone(),
            stopped: handle.stopped.clone(),
        };
        let (tx, ended) = actor::spawn(
            start,
            self.writer.clone(),
            self.settings.clone(),
            self.metrics.clone(),
            self.idle_release(),
        );
        ActorSlot {
            tx,
            ended: Some(ended),
        }
    }

    /// Reads workshop `id` from the log, off the async threads.
    pub(super) async fn load(&self, id: &str) -> Result<Option<LoadedWorkshop>, String> {
        self.read_log(id, |reader, id| reader.load_one(id)).await
    }

    /// The workshop with this id (or, `by_code`, normalised join code), as created,
    /// read from the log off the async threads.
    pub async fn find(&self, key: &str, by_code: bool) -> Result<Option<WorkshopRecord>, String> {
        self.read_log(key, move |reader, key| reader.find(key, by_code))
            .await
    }

    /// Workshop `id`'s whole log, read off the async threads; `Err` when
    /// this log cannot be read beside the writer.
    pub async fn history(&self, id: &str) -> Result<Option<History>, String> {
        self.read_log(id, |reader, id| reader.history(id)).await
    }

    async fn read_log<T: Send + 'static>(
        &self,
        id: &str,
        read: impl FnOnce(&mut dyn LogReader, &str) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, String> {
        let reader = self
            .reader
            .clone()
            .ok_or("this log cannot be read beside its writer")?;
        let id = id.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut reader = reader.lock().unwrap_or_else(|p| p.into_inner());
            read(&mut **reader, &id).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| format!("reading task: {e}"))?
    }
}

/// A workshop's actor as its handle knows it: the inbox (closed once the
/// actor let the workshop go), and the signal that it has ended.
pub struct ActorSlot {
    tx: mpsc::Sender<ActorMsg>,
    ended: Option<oneshot::Receiver<()>>,
}

impl ActorSlot {
    /// No actor: the workshop is in the log only, loaded when needed.
    pub fn released() -> ActorSlot {
        let (tx, _) = mpsc::channel(1);
        ActorSlot { tx, ended: None }
    }
}

/// The parts of a handle that follow its actor's comings and goings.
pub struct Residency {
    slot: Mutex<ActorSlot>,
    /// Taken while the workshop is loaded again, so that two screens
    /// arriving together load it once.
    loading: tokio::sync::Mutex<()>,
    actors: Arc<Actors>,
}

impl Residency {
    /// A residency starting from `slot`.
    pub fn new(slot: ActorSlot, actors: Arc<Actors>) -> Residency {
        Residency {
            slot: Mutex::new(slot),
            loading: tokio::sync::Mutex::new(()),
            actors,
        }
    }

    /// The running actor's inbox, if there is one now (no loading).
    pub fn running(&self) -> Option<mpsc::Sender<ActorMsg>> {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        (!slot.tx.is_closed()).then(|| slot.tx.clone())
    }

    /// Replaces the actor (at start-up and creation).
    pub(super) fn set(&self, slot: ActorSlot) {
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = slot;
    }

    /// The actor's inbox, loading the workshop from the log first if it was
    /// let go. `None` if it cannot be loaded (it was deleted meanwhile, or
    /// the log failed: logged).
    pub async fn actor(&self, handle: &WorkshopHandle) -> Option<mpsc::Sender<ActorMsg>> {
        if let Some(tx) = self.running() {
            return Some(tx);
        }
        let _loading = self.loading.lock().await;
        if let Some(tx) = self.running() {
            return Some(tx);
        }
        // The actor that let go must have ended, its writes durable, before
        // the log is read: never two actors for one workshop.
        let ended = self
            .slot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .ended
            .take();
        if let Some(ended) = ended {
            let _ = ended.await;
        }
        // One of several servers claims the workshop before reading it:
        // what it then reads is final (the last owner can add nothing).
        if self.actors.settings.cluster {
            match self.actors.writer.claim(handle.id.clone()).await {
                Ok(Ownership::Mine) => {}
                Ok(elsewhere) => {
                    tracing::info!(workshop = %handle.id, ?elsewhere, "not loaded: another server runs it");
                    return None;
                }
                Err(error) => {
                    tracing::error!(workshop = %handle.id, %error, "cannot claim a workshop");
                    return None;
                }
            }
        }
        let mut loaded = match self.actors.load(&handle.id).await {
            Ok(Some(loaded)) => loaded,
            Ok(None) => return None,
            Err(error) => {
                tracing::error!(workshop = %handle.id, %error, "cannot load a workshop again from the log");
                return None;
            }
        };
        let rebuilt = match rebuild(&mut loaded) {
            Ok(rebuilt) => rebuilt,
            Err(error) => {
                tracing::error!(workshop = %handle.id, %error, "a workshop no longer rebuilds from the log");
                return None;
            }
        };
        tracing::debug!(workshop = %handle.id, seq = rebuilt.seq, "loaded again from the log");
        let slot = self.actors.spawn(handle, rebuilt);
        let tx = slot.tx.clone();
        self.set(slot);
        Some(tx)
    }
}
