//! One workshop's actor, its driver: a tokio task that feeds the core
//! (`core.rs`, no I/O) with its inbox, the log writer's answers and its
//! timeouts, and hands the core's appends to the log writer. All the
//! decisions are the core's; this loop only waits.
//!
//! Nothing here waits on the disk or holds a lock across an `.await`.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

pub use super::core::{ActorMsg, ActorStart, JoinError, Subscription};
use super::core::{Committed, Now, Outgoing, WorkshopCore};
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::store::LogWriter;

/// Starts an actor; returns its inbox, and a signal given once it has
/// ended with everything it wrote durable (so that the workshop may be
/// loaded again from the log).
///
/// `idle_release`: let the workshop go from memory after this long with
/// nobody watching (`None`: never, e.g. when the log cannot load it again).
pub fn spawn(
    start: ActorStart,
    writer: LogWriter,
    settings: Arc<Settings>,
    metrics: Arc<Metrics>,
    idle_release: Option<std::time::Duration>,
) -> (mpsc::Sender<ActorMsg>, oneshot::Receiver<()>) {
    let (tx, inbox) = mpsc::channel(1024);
    let (ended_tx, ended) = oneshot::channel();
    let cluster = settings.cluster;
    let core = WorkshopCore::new(start, settings, metrics.clone(), Now::read());
    tokio::spawn(async move {
        let id = core.id().to_owned();
        let let_go = run(core, inbox, writer.clone(), metrics, idle_release).await;
        // One of several servers lets its lease go with the workshop, so
        // that the server its screens are sent to next takes it (after a
        // lost server came back, its workshops go home this way). Queued
        // behind the actor's last appends, and before `ended`: a load that
        // follows claims after this release, never before it.
        if let_go && cluster {
            writer.release(id);
        }
        let _ = ended_tx.send(());
    });
    (tx, ended)
}

/// Drives the core until it stops; whether it let the workshop go from
/// memory (idle), rather than being shut down.
async fn run(
    mut core: WorkshopCore,
    mut inbox: mpsc::Receiver<ActorMsg>,
    writer: LogWriter,
    metrics: Arc<Metrics>,
    idle_release: Option<std::time::Duration>,
) -> bool {
    metrics.workshops_live.inc();
    let (commits_tx, mut commits) = mpsc::unbounded_channel::<Committed>();
    let mut stopping: Option<oneshot::Sender<()>> = None;
    // Let go from memory after this long with nobody watching: the inbox is
    // closed (a new message then loads the workshop again from the log),
    // what was already in it is handled, then the actor ends.
    let mut idle_since: Option<Instant> = None;
    let mut releasing = false;
    loop {
        // Hand every append the core made to the log writer. Once it is
        // durable, the writer's thread answers those waiting for it at once
        // (this task may be busy delivering news), then tells the core.
        while let Some(Outgoing { append, waiting }) = core.poll_append() {
            let commits = commits_tx.clone();
            writer.append(
                append,
                Box::new(move |result| {
                    let _ = commits.send(waiting.settle(result));
                }),
            );
        }
        if (stopping.is_some() || releasing) && core.is_settled() {
            break;
        }
        idle_since = match (idle_release, core.is_idle()) {
            (Some(_), true) => idle_since.or_else(|| Some(Instant::now())),
            _ => None,
        };
        let release_at = idle_since
            .zip(idle_release)
            .map(|(since, after)| since + after);
        let timeout = core.poll_timeout();
        tokio::select! {
            message = inbox.recv(), if stopping.is_none() && !releasing => match message {
                Some(ActorMsg::Shutdown { reply }) => stopping = Some(reply),
                Some(message) => core.handle_message(message, Now::read()),
                None => releasing = true,
            },
            () = tokio::time::sleep_until(release_at.unwrap_or_else(Instant::now)), if release_at.is_some() && !releasing => {
                tracing::debug!(workshop = %core.id(), "idle: let go from memory");
                inbox.close();
                // Whatever came in before the close is handled as usual.
                while let Ok(message) = inbox.try_recv() {
                    match message {
                        ActorMsg::Shutdown { reply } => stopping = Some(reply),
                        message => core.handle_message(message, Now::read()),
                    }
                }
                releasing = true;
            }
            Some(committed) = commits.recv() => core.handle_committed(committed),
            () = tokio::time::sleep_until(timeout.unwrap_or_else(Instant::now)), if timeout.is_some() => {
                core.handle_timeout(Now::read());
            }
        }
    }
    core.finish(Now::read());
    metrics.workshops_live.dec();
    tracing::debug!(workshop = %core.id(), seq = core.seq(), "workshop actor stopped");
    let let_go = stopping.is_none();
    if let Some(reply) = stopping {
        let _ = reply.send(());
    }
    let_go
}
