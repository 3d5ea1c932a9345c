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
use super::core::{Committed, Now, WorkshopCore};
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::store::LogWriter;

/// Starts an actor; returns its inbox.
pub fn spawn(
    start: ActorStart,
    writer: LogWriter,
    settings: Arc<Settings>,
    metrics: Arc<Metrics>,
) -> mpsc::Sender<ActorMsg> {
    let (tx, inbox) = mpsc::channel(1024);
    let core = WorkshopCore::new(start, settings, metrics.clone(), Now::read());
    tokio::spawn(run(core, inbox, writer, metrics));
    tx
}

async fn run(
    mut core: WorkshopCore,
    mut inbox: mpsc::Receiver<ActorMsg>,
    writer: LogWriter,
    metrics: Arc<Metrics>,
) {
    metrics.workshops_live.inc();
    let (commits_tx, mut commits) = mpsc::unbounded_channel::<Committed>();
    let mut stopping: Option<oneshot::Sender<()>> = None;
    loop {
        // Hand every append the core made to the log writer; its answer comes back as a commit.
        while let Some((append, upto)) = core.poll_append() {
            let commits = commits_tx.clone();
            writer.append(
                append,
                Box::new(move |result| {
                    let _ = commits.send(Committed { upto, result });
                }),
            );
        }
        if stopping.is_some() && core.is_settled() {
            break;
        }
        let timeout = core.poll_timeout();
        tokio::select! {
            message = inbox.recv(), if stopping.is_none() => match message {
                Some(ActorMsg::Shutdown { reply }) => stopping = Some(reply),
                Some(message) => core.handle_message(message, Now::read()),
                None => break,
            },
            Some(committed) = commits.recv() => core.handle_committed(committed),
            () = tokio::time::sleep_until(timeout.unwrap_or_else(Instant::now)), if timeout.is_some() => {
                core.handle_timeout(Now::read());
            }
        }
    }
    core.finish(Now::read());
    metrics.workshops_live.dec();
    tracing::debug!(workshop = %core.id(), seq = core.seq(), "workshop actor stopped");
    if let Some(reply) = stopping {
        let _ = reply.send(());
    }
}
