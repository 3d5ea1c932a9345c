//! One workshop's actor: the only owner of its [`Workshop`] state. Commands
//! arrive through its inbox; the engine checks and applies them at once (so
//! the next command sees them), their events go to the log writer, and the
//! sender is answered only when the writer says they are durable. News is
//! delivered to subscribers by `fanout`, coalesced per window.
//!
//! Nothing here waits on the disk or holds a lock across an `.await`.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use ruche_shared::protocol::{ErrorCode, OpId, Seq, SequencedEvent, ServerMsg};
use ruche_shared::{Command, Event, Role, RuleViolation, TableId, Workshop};
use tokio::sync::mpsc::{self, OwnedPermit};
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::Frame;
use super::answers::{Answer, Answers};
use super::fanout::{self, Batch, Subscribers};
use crate::metrics::{Metrics, OutcomeLabel};
use crate::settings::Settings;
use crate::store::{Append, LogWriter, LoggedEvent, StoreError};
use ruche_shared::joining;
use ruche_shared::methods::grouping;

/// Why a join failed.
#[derive(Debug)]
pub enum JoinError {
    /// The engine refused (locked, name taken, …).
    Rule(RuleViolation),
    /// The log could not record it.
    Internal,
}

/// What a new subscriber receives first.
pub struct Subscription {
    /// Its id, to unsubscribe.
    pub id: u64,
    /// Frames to send before anything else: a snapshot or the missed events, and the results.
    pub initial: Vec<Frame>,
}

/// A message to a workshop's actor.
pub enum ActorMsg {
    /// A tablet joins as a new table; answered once the table is durable.
    Join {
        /// The table's name.
        name: String,
        /// The hash of the token the tablet will keep.
        token_hash: String,
        /// The new table, or why not.
        reply: oneshot::Sender<Result<TableId, JoinError>>,
    },
    /// Which table a token belongs to.
    FindTable {
        /// The token's hash.
        token_hash: String,
        /// The table, if the token is known.
        reply: oneshot::Sender<Option<TableId>>,
    },
    /// A connection starts watching.
    Subscribe {
        /// Who it is.
        role: Role,
        /// The last sequence number it saw, after a reconnect.
        last_seq: Option<Seq>,
        /// Its bounded outgoing queue.
        outbox: mpsc::Sender<Frame>,
        /// Its id and first frames.
        reply: oneshot::Sender<Subscription>,
    },
    /// A connection stops watching.
    Unsubscribe {
        /// Its id.
        id: u64,
    },
    /// A connection wants a fresh snapshot.
    Resync {
        /// Its id.
        id: u64,
    },
    /// A command; its answer goes into `reply` (a slot reserved in the
    /// connection's reply queue, so answering never waits).
    Command {
        /// Who sends it.
        role: Role,
        /// Its operation id.
        op: OpId,
        /// The command.
        command: Command,
        /// Where the answer goes.
        reply: OwnedPermit<Frame>,
    },
    /// A copy of the state (for exports).
    Read {
        /// The copy.
        reply: oneshot::Sender<Workshop>,
    },
    /// Finish writing what is pending, then stop.
    Shutdown {
        /// Answered when done.
        reply: oneshot::Sender<()>,
    },
}

/// Someone waiting for events to be durable.
enum Waiter {
    Ack {
        op: OpId,
        sender: Role,
        reply: OwnedPermit<Frame>,
    },
    Join {
        table: TableId,
        reply: oneshot::Sender<Result<TableId, JoinError>>,
    },
}

struct Pending {
    seq: Seq,
    waiter: Waiter,
}

/// The writer's word on an append.
struct Committed {
    upto: Seq,
    result: Result<(), Arc<StoreError>>,
}

/// The starting state of an actor: new, or recovered from the log.
pub struct ActorStart {
    /// The workshop's id.
    pub id: String,
    /// Its state.
    pub workshop: Workshop,
    /// The last event applied.
    pub seq: Seq,
    /// Table tokens' hashes.
    pub tokens: Vec<(TableId, String)>,
    /// Answers to operations recovered from the log.
    pub answers: Answers,
    /// Shared with the registry: whether joining is locked now.
    pub joining_locked: Arc<AtomicBool>,
    /// Shared with the registry: when the last event was recorded (ms since
    /// the Unix epoch), for the retention period.
    pub last_activity_ms: Arc<AtomicU64>,
}

/// The actor's state.
pub struct Actor {
    id: String,
    workshop: Workshop,
    seq: Seq,
    committed: Seq,
    pending: Vec<Pending>,
    answers: Answers,
    tokens: std::collections::HashMap<String, TableId>,
    recent: VecDeque<SequencedEvent>,
    outbox: Vec<SequencedEvent>,
    results_dirty: bool,
    subscribers: Subscribers,
    /// The online tables the facilitator was last told of.
    presence_sent: Vec<TableId>,
    /// A table connected or someone left since: recount at the next flush
    /// (not at every flush: that is a pass over every subscriber).
    presence_dirty: bool,
    last_flush: Instant,
    flush_at: Option<Instant>,
    events_since_snapshot: u64,
    broken: bool,
    joining_locked: Arc<AtomicBool>,
    last_activity_ms: Arc<AtomicU64>,
    writer: LogWriter,
    commits_tx: mpsc::UnboundedSender<Committed>,
    settings: Arc<Settings>,
    metrics: Arc<Metrics>,
}

/// Starts an actor; returns its inbox.
pub fn spawn(
    start: ActorStart,
    writer: LogWriter,
    settings: Arc<Settings>,
    metrics: Arc<Metrics>,
) -> mpsc::Sender<ActorMsg> {
    let (tx, inbox) = mpsc::channel(1024);
    let (commits_tx, commits) = mpsc::unbounded_channel();
    start
        .joining_locked
        .store(start.workshop.is_joining_locked(), Ordering::Relaxed);
    let actor = Actor {
        id: start.id,
        seq: start.seq,
        committed: start.seq,
        workshop: start.workshop,
        pending: Vec::new(),
        answers: start.answers,
        tokens: start
            .tokens
            .into_iter()
            .map(|(table, hash)| (hash, table))
            .collect(),
        recent: VecDeque::new(),
        outbox: Vec::new(),
        results_dirty: true,
        subscribers: Subscribers::default(),
        presence_sent: Vec::new(),
        presence_dirty: false,
        last_flush: Instant::now(),
        flush_at: None,
        events_since_snapshot: 0,
        broken: false,
        joining_locked: start.joining_locked,
        last_activity_ms: start.last_activity_ms,
        writer,
        commits_tx,
        settings,
        metrics,
    };
    tokio::spawn(actor.run(inbox, commits));
    tx
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Actor {
    async fn run(
        mut self,
        mut inbox: mpsc::Receiver<ActorMsg>,
        mut commits: mpsc::UnboundedReceiver<Committed>,
    ) {
        self.metrics.workshops_live.inc();
        let mut stopping: Option<oneshot::Sender<()>> = None;
        loop {
            if stopping.is_some() && self.pending.is_empty() {
                break;
            }
            let flush_at = self.flush_at;
            tokio::select! {
                message = inbox.recv(), if stopping.is_none() => match message {
                    Some(ActorMsg::Shutdown { reply }) => stopping = Some(reply),
                    Some(message) => self.on_message(message),
                    None => break,
                },
                Some(committed) = commits.recv() => self.on_committed(committed),
                () = tokio::time::sleep_until(flush_at.unwrap_or_else(Instant::now)), if flush_at.is_some() => {
                    self.flush();
                }
            }
        }
        self.flush();
        self.subscribers.clear();
        self.metrics.workshops_live.dec();
        tracing::debug!(workshop = %self.id, seq = self.seq, "workshop actor stopped");
        if let Some(reply) = stopping {
            let _ = reply.send(());
        }
    }

    fn on_message(&mut self, message: ActorMsg) {
        match message {
            ActorMsg::Join {
                name,
                token_hash,
                reply,
            } => self.on_join(name, token_hash, reply),
            ActorMsg::FindTable { token_hash, reply } => {
                let _ = reply.send(self.tokens.get(&token_hash).copied());
            }
            ActorMsg::Subscribe {
                role,
                last_seq,
                outbox,
                reply,
            } => {
                if !self.outbox.is_empty() {
                    // Deliver what is waiting first: the newcomer's first
                    // frames include it, and its stream must then only go
                    // forward (a client treats an older `seq` as a reorder).
                    self.flush();
                }
                let initial = self.initial_frames(role, last_seq);
                let id = self.subscribers.add(role, outbox);
                let _ = reply.send(Subscription { id, initial });
                if matches!(role, Role::Table(_)) {
                    // The facilitator's list shows it online at the next flush.
                    self.presence_dirty = true;
                    self.schedule_flush();
                }
            }
            ActorMsg::Unsubscribe { id } => {
                self.subscribers.remove(id);
                self.presence_dirty = true;
                self.schedule_flush();
            }
            ActorMsg::Resync { id } => {
                self.subscribers.mark_lagging(Some(id));
                self.schedule_flush();
            }
            ActorMsg::Command {
                role,
                op,
                command,
                reply,
            } => self.on_command(role, op, command, reply),
            ActorMsg::Read { reply } => {
                let _ = reply.send(self.workshop.clone());
            }
            ActorMsg::Shutdown { .. } => unreachable!("handled in run"),
        }
    }

    // ---- commands ----

    fn on_command(&mut self, role: Role, op: OpId, command: Command, reply: OwnedPermit<Frame>) {
        if self.broken {
            reply.send(internal_error(op));
            return;
        }
        if let Some(answer) = self.answers.get(role, &op) {
            match answer.clone() {
                Answer::Rejected(frame) => {
                    reply.send(frame);
                }
                Answer::Accepted(seq) if seq <= self.committed => {
                    reply.send(accepted(op, seq));
                }
                Answer::Accepted(seq) => self.ack_when_durable(seq, op, role, reply),
            }
            return;
        }
        let now = now_ms();
        match self.workshop.handle(role, &command, now) {
            Err(violation) => {
                self.metrics
                    .commands
                    .get_or_create(&OutcomeLabel {
                        outcome: "rejected",
                        code: violation.code(),
                    })
                    .inc();
                let message = violation.message(self.workshop.config().setup().lang);
                let frame = fanout::encode(&ServerMsg::Rejected {
                    op: op.clone(),
                    violation,
                    message,
                });
                self.answers
                    .insert(role, op, Answer::Rejected(frame.clone()));
                reply.send(frame);
            }
            Ok(events) => {
                self.metrics
                    .commands
                    .get_or_create(&OutcomeLabel {
                        outcome: "accepted",
                        code: "ok",
                    })
                    .inc();
                let seq = self.record(role, Some(&op), events, now, None);
                self.answers.insert(role, op.clone(), Answer::Accepted(seq));
                self.ack_when_durable(seq, op, role, reply);
            }
        }
    }

    /// Answers `accepted` once the log has everything up to `seq`.
    fn ack_when_durable(&mut self, seq: Seq, op: OpId, sender: Role, reply: OwnedPermit<Frame>) {
        self.pending.push(Pending {
            seq,
            waiter: Waiter::Ack { op, sender, reply },
        });
    }

    fn on_join(
        &mut self,
        name: String,
        token_hash: String,
        reply: oneshot::Sender<Result<TableId, JoinError>>,
    ) {
        if self.broken {
            let _ = reply.send(Err(JoinError::Internal));
            return;
        }
        let now = now_ms();
        match self.workshop.handle(
            Role::Guest,
            &Command::JoinTable(joining::JoinTable { name }),
            now,
        ) {
            Err(violation) => {
                let _ = reply.send(Err(JoinError::Rule(violation)));
            }
            Ok(events) => {
                let Some(Event::TableJoined(joining::TableJoined { table, .. })) =
                    events.first().cloned()
                else {
                    unreachable!("a join gives a table_joined event")
                };
                self.tokens.insert(token_hash.clone(), table);
                let seq = self.record(Role::Guest, None, events, now, Some((table, token_hash)));
                self.pending.push(Pending {
                    seq,
                    waiter: Waiter::Join { table, reply },
                });
            }
        }
    }

    /// Numbers the events, sends them to the log, queues them for subscribers.
    /// Returns the last one's sequence number.
    fn record(
        &mut self,
        role: Role,
        op: Option<&OpId>,
        events: Vec<Event>,
        at_ms: u64,
        table_token: Option<(TableId, String)>,
    ) -> Seq {
        let mut logged = Vec::with_capacity(events.len());
        for event in events {
            self.seq += 1;
            if let Event::JoiningLockedChanged(joining::JoiningLockedChanged { locked }) = event {
                self.joining_locked.store(locked, Ordering::Relaxed);
            }
            if let Event::IdeaHiddenChanged(grouping::IdeaHiddenChanged { hidden: false, .. }) =
                event
            {
                // Tables and wall never got this idea's text while it was hidden.
                self.subscribers.mark_lagging(None);
            }
            let sequenced = SequencedEvent {
                seq: self.seq,
                event,
            };
            self.recent.push_back(sequenced.clone());
            if self.recent.len() > self.settings.recent_events {
                self.recent.pop_front();
            }
            self.outbox.push(sequenced.clone());
            logged.push(LoggedEvent {
                seq: self.seq,
                event: sequenced.event,
                principal: super::principal_of(role),
                op: op.map(|op| op.0.clone()),
                at_ms,
            });
        }
        self.last_activity_ms.store(at_ms, Ordering::Relaxed);
        self.events_since_snapshot += logged.len() as u64;
        let snapshot = (self.events_since_snapshot >= self.settings.snapshot_every).then(|| {
            self.events_since_snapshot = 0;
            (
                self.seq,
                serde_json::to_string(&self.workshop).expect("the state serialises"),
            )
        });
        let append = Append {
            workshop: self.id.clone(),
            events: logged,
            table_token,
            snapshot,
        };
        let upto = self.seq;
        let commits = self.commits_tx.clone();
        self.writer.append(
            append,
            Box::new(move |result| {
                let _ = commits.send(Committed { upto, result });
            }),
        );
        self.results_dirty = true;
        self.schedule_flush();
        upto
    }

    // ---- durability ----

    fn on_committed(&mut self, committed: Committed) {
        match committed.result {
            Ok(()) => {
                self.committed = self.committed.max(committed.upto);
                let durable = self.committed;
                let (done, waiting): (Vec<Pending>, Vec<Pending>) =
                    std::mem::take(&mut self.pending)
                        .into_iter()
                        .partition(|p| p.seq <= durable);
                self.pending = waiting;
                for pending in done {
                    match pending.waiter {
                        Waiter::Ack { op, reply, .. } => {
                            reply.send(accepted(op, pending.seq));
                        }
                        Waiter::Join { table, reply } => {
                            let _ = reply.send(Ok(table));
                        }
                    }
                }
            }
            Err(error) => self.break_down(&error),
        }
    }

    /// The log failed: the state now holds events that may not be durable.
    /// Stop (fail-stop) rather than acknowledge anything more: every waiting
    /// sender is told the command was not applied, every connection is closed,
    /// and the workshop answers `internal` until the server restarts and
    /// recovers it from the log.
    fn break_down(&mut self, error: &StoreError) {
        tracing::error!(workshop = %self.id, %error, "the event log failed; this workshop stops until restart");
        self.broken = true;
        for pending in std::mem::take(&mut self.pending) {
            match pending.waiter {
                Waiter::Ack { op, sender, reply } => {
                    self.answers.remove(sender, &op);
                    reply.send(internal_error(op));
                }
                Waiter::Join { reply, .. } => {
                    let _ = reply.send(Err(JoinError::Internal));
                }
            }
        }
        self.subscribers.clear();
    }

    // ---- delivery ----

    fn schedule_flush(&mut self) {
        if self.flush_at.is_none() {
            let earliest = self.last_flush + self.settings.coalesce_window;
            self.flush_at = Some(earliest.max(Instant::now()));
        }
    }

    fn flush(&mut self) {
        self.flush_at = None;
        self.last_flush = Instant::now();
        let events = std::mem::take(&mut self.outbox);
        let (facilitator_results, public_results) = if self.results_dirty {
            self.results_dirty = false;
            let (facilitator, public) = fanout::results_frames(&self.workshop, self.seq);
            (Some(facilitator), public)
        } else {
            (None, None)
        };
        let presence = if std::mem::take(&mut self.presence_dirty) {
            let online = self.subscribers.online_tables();
            (online != self.presence_sent).then(|| {
                self.presence_sent.clone_from(&online);
                fanout::presence_frame(online)
            })
        } else {
            None
        };
        let batch = Batch {
            events: &events,
            facilitator_results,
            public_results,
            presence,
        };
        self.subscribers
            .deliver(batch, &self.workshop, self.seq, &self.metrics);
        if self.subscribers.any_lagging() {
            // Try again next window: a lagging client may have room by then.
            self.schedule_flush();
        }
    }

    /// What a new subscriber gets first: the missed events if they are all
    /// still in memory, else a snapshot; then the current results.
    fn initial_frames(&self, role: Role, last_seq: Option<Seq>) -> Vec<Frame> {
        let oldest_kept = self.recent.front().map_or(self.seq + 1, |e| e.seq);
        let mut frames = Vec::new();
        match last_seq {
            Some(last) if last <= self.seq && last + 1 >= oldest_kept => {
                let missed = self.recent.iter().filter(|e| e.seq > last);
                let events = fanout::view_for(missed, role, &self.workshop);
                if !events.is_empty() {
                    frames.push(fanout::encode(&ServerMsg::Events { events }));
                }
            }
            _ => frames.push(fanout::snapshot_frame(&self.workshop, self.seq, role)),
        }
        let (facilitator, public) = fanout::results_frames(&self.workshop, self.seq);
        match role {
            Role::Facilitator => {
                frames.push(facilitator);
                frames.push(fanout::presence_frame(self.subscribers.online_tables()));
            }
            _ => frames.extend(public),
        }
        frames
    }
}

fn accepted(op: OpId, seq: Seq) -> Frame {
    fanout::encode(&ServerMsg::Accepted { op, seq })
}

fn internal_error(op: OpId) -> Frame {
    fanout::encode(&ServerMsg::Error {
        code: ErrorCode::Internal,
        message: "the server could not record this; it was not applied".into(),
        op: Some(op),
        violation: None,
    })
}
