//! The one writer thread: it takes appends from every workshop actor, writes
//! as many as are waiting in one transaction (group commit: one fsync for
//! many commands), then tells each actor its events are durable. Actors never
//! wait on the disk themselves; a command is acknowledged only from here.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::thread::JoinHandle;
use std::time::Instant;

use tokio::sync::oneshot;

use super::{Append, EventLog, Ownership, StoreError, WorkshopRecord};
use crate::metrics::Metrics;

/// Most appends written in one transaction.
const MAX_GROUP: usize = 2048;

/// Called once an append is durable (`Ok`) or has failed.
pub type WriteDone = Box<dyn FnOnce(Result<(), Arc<StoreError>>) + Send>;

enum WriterMsg {
    Append(Append, WriteDone),
    Create(WorkshopRecord, oneshot::Sender<Result<(), StoreError>>),
    Delete(String, oneshot::Sender<Result<(), StoreError>>),
    Claim(String, oneshot::Sender<Result<Ownership, StoreError>>),
    Release(String),
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
    /// Starts the writer thread on `log`. `fenced` is called (once) if
    /// another server took one of this server's workshops over.
    pub fn start(
        log: Box<dyn EventLog>,
        metrics: Arc<Metrics>,
        fenced: Box<dyn Fn(&str) + Send>,
    ) -> (LogWriter, WriterThread) {
        let (tx, rx) = channel();
        let thread = std::thread::Builder::new()
            .name("ruche-log-writer".into())
            .spawn(move || run(log, rx, &metrics, &*fenced))
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

    /// Takes a workshop for this server before its actor is loaded (see
    /// [`EventLog::claim`]).
    pub async fn claim(&self, id: String) -> Result<Ownership, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(WriterMsg::Claim(id, reply))
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Lets this server's claim on a workshop go (its actor let it go),
    /// after everything queued before.
    pub fn release(&self, id: String) {
        let _ = self.tx.send(WriterMsg::Release(id));
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

fn run(
    mut log: Box<dyn EventLog>,
    rx: Receiver<WriterMsg>,
    metrics: &Metrics,
    fenced: &dyn Fn(&str),
) {
    let mut group = Group::default();
    let mut stopped = Stopped::default();
    let mut stopping = false;
    // Whether deleted workshops' events are still being erased: then the
    // writer does not sleep on its queue but erases a step between groups.
    let mut purging = false;
    // The log's upkeep (PostgreSQL's leases), between groups.
    let tick_every = log.tick_every();
    let mut next_tick = tick_every.map(|every| Instant::now() + every);
    loop {
        let first = if purging {
            match rx.try_recv() {
                Ok(message) => Some(message),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => break,
            }
        } else if let Some(at) = next_tick {
            match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(message) => Some(message),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(message) => Some(message),
                Err(_) => break,
            }
        };
        let mut next = first;
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
                    commit_group(&mut *log, &mut group, &mut stopped, metrics);
                    let _ = reply.send(log.create_workshop(&record));
                }
                WriterMsg::Delete(id, reply) => {
                    commit_group(&mut *log, &mut group, &mut stopped, metrics);
                    stopped.0.remove(&id);
                    let _ = reply.send(log.delete_workshop(&id));
                    purging = true;
                }
                // A claim is ordered after what was queued before it, like a creation.
                WriterMsg::Claim(id, reply) => {
                    commit_group(&mut *log, &mut group, &mut stopped, metrics);
                    let _ = reply.send(log.claim(&id));
                }
                WriterMsg::Release(id) => {
                    commit_group(&mut *log, &mut group, &mut stopped, metrics);
                    if let Err(error) = log.release(&id) {
                        // Not lost: the lease runs out by itself.
                        tracing::warn!(workshop = %id, %error, "could not let a workshop's lease go");
                    }
                }
                WriterMsg::Stop => stopping = true,
            }
        }
        commit_group(&mut *log, &mut group, &mut stopped, metrics);
        if let Some(workshop) = stopped.1.take() {
            fenced(&workshop);
        }
        if let (Some(every), Some(at)) = (tick_every, next_tick)
            && Instant::now() >= at
        {
            match log.tick() {
                Ok(lost) => {
                    if let Some(workshop) = lost.first() {
                        fenced(workshop);
                    }
                }
                Err(error) => tracing::warn!(%error, "the log's upkeep failed; will try again"),
            }
            next_tick = Some(Instant::now() + every);
        }
        if purging {
            purging = purge(&mut *log, stopping);
        }
        if stopping {
            break;
        }
    }
    if let Err(error) = log.close() {
        // Nothing is lost: SQLite's next start reads the WAL as well, and
        // PostgreSQL's leases run out by themselves.
        tracing::warn!(%error, "the log's closing step failed (nothing is lost)");
    }
}

/// One step of erasing deleted workshops' events (every step, when the
/// server is stopping); whether there is more to do.
fn purge(log: &mut dyn EventLog, to_the_end: bool) -> bool {
    loop {
        match log.purge_step() {
            Ok(more) if more && to_the_end => continue,
            Ok(more) => return more,
            Err(error) => {
                // Not lost: the next start-up erases what is left.
                tracing::warn!(%error, "erasing a deleted workshop's events failed; will finish at the next start");
                return false;
            }
        }
    }
}

/// Appends waiting to be written together, and whom to tell.
#[derive(Default)]
struct Group {
    appends: Vec<Append>,
    dones: Vec<WriteDone>,
}

/// Workshops one of whose writes failed. Nothing more of theirs is written
/// until the server restarts: a later event committed after an earlier one
/// failed would leave a hole in the workshop's log, and the log would no
/// longer rebuild it. (Their actors stop at the failure too; this also
/// covers the appends they had already queued.)
/// (Also the first workshop another server took over, if one was met since
/// the writer last looked: the server then steps down.)
#[derive(Default)]
struct Stopped(HashSet<String>, Option<String>);

fn commit_group(
    log: &mut dyn EventLog,
    group: &mut Group,
    stopped: &mut Stopped,
    metrics: &Metrics,
) {
    if group.appends.is_empty() {
        return;
    }
    let appends = std::mem::take(&mut group.appends);
    let dones = std::mem::take(&mut group.dones);
    let (appends, dones): (Vec<Append>, Vec<WriteDone>) = if stopped.0.is_empty() {
        (appends, dones)
    } else {
        appends
            .into_iter()
            .zip(dones)
            .filter_map(|(append, done)| {
                if stopped.0.contains(&append.workshop) {
                    done(Err(Arc::new(StoreError::WorkshopStopped(append.workshop))));
                    None
                } else {
                    Some((append, done))
                }
            })
            .unzip()
    };
    if appends.is_empty() {
        return;
    }
    let started = Instant::now();
    let result = log.append(&appends);
    metrics.observe_commit(appends.len(), started.elapsed());
    match result {
        Ok(()) => {
            let events: usize = appends.iter().map(|a| a.events.len()).sum();
            metrics.events_written.inc_by(events as u64);
            for done in dones {
                done(Ok(()));
            }
        }
        Err(error) if appends.len() > 1 => {
            // One bad append must not sink the others: write each on its
            // own, in order, and stop a workshop at its first failure.
            tracing::warn!(%error, size = appends.len(), "group commit failed; writing one by one");
            for (append, done) in appends.into_iter().zip(dones) {
                if stopped.0.contains(&append.workshop) {
                    done(Err(Arc::new(StoreError::WorkshopStopped(append.workshop))));
                    continue;
                }
                let result = log.append(std::slice::from_ref(&append)).map_err(Arc::new);
                match &result {
                    Ok(()) => {
                        metrics.events_written.inc_by(append.events.len() as u64);
                    }
                    Err(error) => {
                        tracing::error!(%error, workshop = %append.workshop, "append failed; the workshop stops");
                        if matches!(**error, StoreError::Fenced(_)) {
                            stopped.1.get_or_insert_with(|| append.workshop.clone());
                        }
                        stopped.0.insert(append.workshop.clone());
                    }
                }
                done(result);
            }
        }
        Err(error) => {
            tracing::error!(%error, "append failed; the workshop stops");
            if let StoreError::Fenced(workshop) = &error {
                stopped.1.get_or_insert_with(|| workshop.clone());
            }
            let error = Arc::new(error);
            for (append, done) in appends.into_iter().zip(dones) {
                stopped.0.insert(append.workshop);
                done(Err(error.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The writer against a log that fails on demand.

    use std::sync::Mutex;

    use super::*;
    use crate::store::{Loaded, LoggedEvent};
    use ruche_shared::{Event, joining};

    /// Remembers what was committed; fails every batch holding `fail_on`.
    struct Flaky {
        committed: Arc<Mutex<Vec<(String, u64)>>>,
        fail_on: (String, u64),
    }

    impl EventLog for Flaky {
        fn create_workshop(&mut self, _: &WorkshopRecord) -> Result<(), StoreError> {
            Ok(())
        }
        fn append(&mut self, batch: &[Append]) -> Result<(), StoreError> {
            let rows: Vec<(String, u64)> = batch
                .iter()
                .flat_map(|a| a.events.iter().map(|e| (a.workshop.clone(), e.seq)))
                .collect();
            if rows.contains(&self.fail_on) {
                return Err(StoreError::Io(std::io::Error::other("disk full")));
            }
            self.committed.lock().unwrap().extend(rows);
            Ok(())
        }
        fn load_all(&mut self) -> Result<Loaded, StoreError> {
            Ok(Loaded::default())
        }
        fn delete_workshop(&mut self, _: &str) -> Result<(), StoreError> {
            Ok(())
        }
    }

    fn append(workshop: &str, seq: u64) -> Append {
        Append {
            workshop: workshop.into(),
            events: vec![LoggedEvent {
                seq,
                event: Event::JoiningLockedChanged(joining::JoiningLockedChanged { locked: true }),
                principal: "f".into(),
                op: None,
                at_ms: 0,
            }],
            table_token: None,
            snapshot: None,
        }
    }

    /// What each append was answered: (workshop, seq, written).
    type Answered = Arc<Mutex<Vec<(&'static str, u64, bool)>>>;

    /// Queues an append in `group` whose answer is noted in `results`.
    fn queue(group: &mut Group, results: &Answered, workshop: &'static str, seq: u64) {
        let results = results.clone();
        group.appends.push(append(workshop, seq));
        group
            .dones
            .push(Box::new(move |result: Result<(), Arc<StoreError>>| {
                results
                    .lock()
                    .unwrap()
                    .push((workshop, seq, result.is_ok()));
            }));
    }

    #[test]
    fn a_workshop_stops_at_its_first_failed_write_and_the_others_go_on() {
        let committed = Arc::new(Mutex::new(Vec::new()));
        let log = Flaky {
            committed: committed.clone(),
            fail_on: ("a".into(), 2000),
        };
        let metrics = Metrics::default();
        let mut stopped = Stopped::default();
        let results: Answered = Arc::default();
        let mut group = Group::default();
        // One group, as the writer takes it: a's 2000 fails the whole
        // batch, so each append is written again on its own.
        for (workshop, seq) in [("a", 1999), ("b", 10), ("a", 2000), ("a", 2001), ("b", 11)] {
            queue(&mut group, &results, workshop, seq);
        }
        let mut log: Box<dyn EventLog> = Box::new(log);
        commit_group(&mut *log, &mut group, &mut stopped, &metrics);
        // A later group still holding an append of the stopped workshop.
        for (workshop, seq) in [("a", 2002), ("b", 12)] {
            queue(&mut group, &results, workshop, seq);
        }
        commit_group(&mut *log, &mut group, &mut stopped, &metrics);

        let committed = committed.lock().unwrap().clone();
        let of = |w: &str| {
            committed
                .iter()
                .filter(|(ws, _)| ws == w)
                .map(|(_, seq)| *seq)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of("a"),
            vec![1999],
            "nothing of a after its failed write: no hole"
        );
        assert_eq!(of("b"), vec![10, 11, 12], "b is not held back by a");
        let results = results.lock().unwrap().clone();
        assert_eq!(
            results,
            vec![
                ("a", 1999, true),
                ("b", 10, true),
                ("a", 2000, false),
                ("a", 2001, false),
                ("b", 11, true),
                ("a", 2002, false),
                ("b", 12, true),
            ],
            "each append is answered once, and only what was written is Ok"
        );
    }
}
