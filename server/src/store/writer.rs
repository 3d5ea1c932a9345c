//! The one writer thread: it takes appends from every workshop actor, writes
//! as many as are waiting in one transaction (group commit: one fsync for
//! many commands), then tells each actor its events are durable. Actors never
//! wait on the disk themselves; a command is acknowledged only from here.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Instant;

use tokio::sync::oneshot;

use super::{Append, EventLog, StoreError, WorkshopRecord};
use crate::metrics::Metrics;

/// Most appends written in one transaction.
const MAX_GROUP: usize = 2048;

/// Called once an append is durable (`Ok`) or has failed.
pub type WriteDone = Box<dyn FnOnce(Result<(), Arc<StoreError>>) + Send>;

enum WriterMsg {
    Append(Append, WriteDone),
    Create(WorkshopRecord, oneshot::Sender<Result<(), StoreError>>),
    Delete(String, oneshot::Sender<Result<(), StoreError>>),
    /// Write everything queued before this, then end the thread.
    Stop,
}

/// A handle on the writer thread; cheap to clone.
#[derive(Clone)]
pub struct LogWriter {
    tx: Sender<WriterMsg>,
}

/// Owns the writer thread.
pub struct WriterThread {
    thread: JoinHandle<()>,
    tx: Sender<WriterMsg>,
}

impl WriterThread {
    /// Writes everything queued so far, then stops the thread (blocking).
    pub fn stop(self) {
        let _ = self.tx.send(WriterMsg::Stop);
        if self.thread.join().is_err() {
            tracing::error!("the log writer thread panicked");
        }
    }
}

impl LogWriter {
    /// Starts the writer thread on `log`.
    pub fn start(log: Box<dyn EventLog>, metrics: Arc<Metrics>) -> (LogWriter, WriterThread) {
        let (tx, rx) = channel();
        let thread = std::thread::Builder::new()
            .name("ruche-log-writer".into())
            .spawn(move || run(log, rx, &metrics))
            .expect("the log writer thread starts");
        (LogWriter { tx: tx.clone() }, WriterThread { thread, tx })
    }

    /// Queues an append; `done` is called from the writer thread once it is durable or failed.
    pub fn append(&self, append: Append, done: WriteDone) {
        if let Err(error) = self.tx.send(WriterMsg::Append(append, done)) {
            let WriterMsg::Append(_, done) = error.0 else {
                unreachable!()
            };
            done(Err(Arc::new(StoreError::WriterStopped)));
        }
    }

    /// Records a new workshop, durably.
    pub async fn create(&self, record: WorkshopRecord) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(WriterMsg::Create(record, reply))
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Deletes a workshop and its events, durably.
    pub async fn delete(&self, id: String) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(WriterMsg::Delete(id, reply))
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

fn run(mut log: Box<dyn EventLog>, rx: Receiver<WriterMsg>, metrics: &Metrics) {
    let mut group = Group::default();
    let mut stopping = false;
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        // Take everything already waiting: that is the group commit.
        while let Some(message) = next.take().or_else(|| {
            (group.appends.len() < MAX_GROUP)
                .then(|| rx.try_recv().ok())
                .flatten()
        }) {
            match message {
                WriterMsg::Append(append, done) => {
                    group.appends.push(append);
                    group.dones.push(done);
                }
                // Creations and deletions are rare: write the group so far first, keeping order.
                WriterMsg::Create(record, reply) => {
                    commit_group(&mut *log, &mut group, metrics);
                    let _ = reply.send(log.create_workshop(&record));
                }
                WriterMsg::Delete(id, reply) => {
                    commit_group(&mut *log, &mut group, metrics);
                    let _ = reply.send(log.delete_workshop(&id));
                }
                WriterMsg::Stop => stopping = true,
            }
        }
        commit_group(&mut *log, &mut group, metrics);
        if stopping {
            break;
        }
    }
}

/// Appends waiting to be written together, and whom to tell.
#[derive(Default)]
struct Group {
    appends: Vec<Append>,
    dones: Vec<WriteDone>,
}

fn commit_group(log: &mut dyn EventLog, group: &mut Group, metrics: &Metrics) {
    if group.appends.is_empty() {
        return;
    }
    let started = Instant::now();
    let result = log.append(&group.appends);
    metrics.observe_commit(group.appends.len(), started.elapsed());
    let appends = std::mem::take(&mut group.appends);
    let dones = std::mem::take(&mut group.dones);
    match result {
        Ok(()) => {
            let events: usize = appends.iter().map(|a| a.events.len()).sum();
            metrics.events_written.inc_by(events as u64);
            for done in dones {
                done(Ok(()));
            }
        }
        Err(error) if appends.len() > 1 => {
            // One bad append must not sink the others: write each on its own.
            tracing::warn!(%error, size = appends.len(), "group commit failed; writing one by one");
            for (append, done) in appends.into_iter().zip(dones) {
                let result = log.append(std::slice::from_ref(&append)).map_err(Arc::new);
                if let Err(error) = &result {
                    tracing::error!(%error, workshop = %append.workshop, "append failed");
                }
                done(result);
            }
        }
        Err(error) => {
            tracing::error!(%error, "append failed");
            let error = Arc::new(error);
            for done in dones {
                done(Err(error.clone()));
            }
        }
    }
}
