//! One workshop's actor, its core: the only owner of its [`Workshop`] state,
//! with no I/O and no clock of its own, in the manner of quinn-proto. Inputs
//! go in through `handle_*` (a message from a connection, the log's word that
//! events are durable, a timeout); outputs come out through `poll_*` (appends
//! for the log writer, the next timeout), and frames go into the connections'
//! bounded queues without waiting. The time is passed in ([`Now`]), so the
//! core is tested without tokio's runtime; the tokio loop that drives it is
//! `actor.rs`.
//!
//! The engine checks and applies a command at once (so the next command sees
//! it); its events are handed to the log, and the sender is answered only when
//! the log says they are durable. News is delivered to subscribers by
//! `fanout`, coalesced per window.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ruche_shared::protocol::{ErrorCode, OpId, Seq, SequencedEvent, ServerMsg};
use ruche_shared::{Command, Event, Role, RuleViolation, TableId, Workshop};
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::Frame;
use super::answers::{Answer, Answers};
use super::fanout::{self, Batch, Subscribers};
use super::outbox::{Outbox, Reply};
use crate::metrics::{Metrics, OutcomeLabel};
use crate::settings::Settings;
use crate::store::{Append, LoggedEvent, StoreError};
use ruche_shared::joining;
use ruche_shared::methods::grouping;

/// Why a join failed.
#[derive(Debug)]
pub enum JoinError {
    /// The engine refused (locked, name taken, …).
    Rule(RuleViolation),
    /// No live handover code of this workshop is this one (wrong, spent or
    /// expired): said like a wrong join code.
    UnknownHandover,
    /// The log could not record it.
    Internal,
}

/// A new subscriber's place. Its first frames (a snapshot or the missed
/// events, and the results) are already in its outbox, ahead of any news.
pub struct Subscription {
    /// Its id, to unsubscribe.
    pub id: u64,
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
    /// The facilitator's handover code for a table (see `handovers`).
    IssueHandover {
        /// The table.
        table: TableId,
        /// The code's hash.
        code_hash: String,
        /// Answered once the code works.
        reply: oneshot::Sender<()>,
    },
    /// A new tablet takes a table over with a handover code; answered once
    /// the handover is durable, like a join.
    TakeOver {
        /// The handover code's hash.
        code_hash: String,
        /// The hash of the new tablet's token.
        token_hash: String,
        /// The table, or why not.
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
        /// Its way out.
        outbox: Arc<dyn Outbox>,
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
    /// A command; its answer goes into `reply` (a slot the connection
    /// reserved for it, so answering never waits).
    Command {
        /// Who sends it.
        role: Role,
        /// Its operation id.
        op: OpId,
        /// The command.
        command: Command,
        /// Where the answer goes.
        reply: Reply,
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
        reply: Reply,
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

/// The log writer's word on an append.
pub struct Committed {
    /// The last event of the append.
    pub upto: Seq,
    /// Durable, or why not.
    pub result: Result<(), Arc<StoreError>>,
    /// Those who waited for it and were not answered (it failed): the core
    /// tells them.
    unanswered: Vec<Pending>,
}

/// An append for the log writer, and who waits for it.
pub struct Outgoing {
    /// The events and what goes with them.
    pub append: Append,
    /// Who waits for it to be durable.
    pub waiting: Waiting,
}

/// The senders waiting for one append. They are answered by whoever hears
/// the log's word first, the writer's callback: a vote is acknowledged as
/// soon as its group commit ends, not after whatever its workshop's actor is
/// busy with then (a delivery of news to two hundred screens takes a few
/// milliseconds).
pub struct Waiting {
    upto: Seq,
    waiters: Vec<Pending>,
}

impl Waiting {
    /// The log's word on the append: if it is durable, everyone waiting is
    /// answered here and now; if it failed, they go back to the core, which
    /// tells them. What the core is told, either way.
    pub fn settle(self, result: Result<(), Arc<StoreError>>) -> Committed {
        let unanswered = match &result {
            Ok(()) => {
                for pending in self.waiters {
                    pending.answer_durable();
                }
                Vec::new()
            }
            Err(_) => self.waiters,
        };
        Committed {
            upto: self.upto,
            result,
            unanswered,
        }
    }
}

impl Pending {
    /// Its events are durable: say so.
    fn answer_durable(self) {
        match self.waiter {
            Waiter::Ack { op, reply, .. } => reply.send(accepted(op, self.seq)),
            Waiter::Join { table, reply } => {
                let _ = reply.send(Ok(table));
            }
        }
    }
}

/// The time, as the driver read it: for scheduling flushes, and for events.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    /// Monotonic time, for the coalescing window.
    pub instant: Instant,
    /// Wall-clock time, ms since the Unix epoch, recorded with events.
    pub unix_ms: u64,
}

impl Now {
    /// The time now.
    pub fn read() -> Now {
        Now {
            instant: Instant::now(),
            unix_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
        }
    }
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
    /// Shared with the registry: set, with the reason, when the workshop
    /// stops on a failed write (for `/healthz`).
    pub stopped: Arc<OnceLock<String>>,
}

/// The actor's state.
pub struct WorkshopCore {
    id: String,
    workshop: Workshop,
    seq: Seq,
    committed: Seq,
    pending: Vec<Pending>,
    answers: Answers,
    tokens: std::collections::HashMap<String, TableId>,
    handovers: super::handovers::Handovers,
    recent: VecDeque<SequencedEvent>,
    outbox: Vec<SequencedEvent>,
    results_dirty: bool,
    /// When the commands whose changes the next delivery carries were read
    /// (for `ruche_shown_seconds`).
    unshown: Vec<std::time::Instant>,
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
    /// Snapshots encoded at this sequence number, per role (see `snapshot_for`).
    snapshots: (Seq, Vec<(Role, Frame)>),
    stopped: Arc<OnceLock<String>>,
    joining_locked: Arc<AtomicBool>,
    last_activity_ms: Arc<AtomicU64>,
    /// Appends waiting to be handed to the log writer.
    appends: VecDeque<Outgoing>,
    /// The last event handed to the log writer.
    handed: Seq,
    settings: Arc<Settings>,
    metrics: Arc<Metrics>,
}

impl WorkshopCore {
    /// A core starting from `start` (a new workshop, or one recovered from the log).
    pub fn new(
        start: ActorStart,
        settings: Arc<Settings>,
        metrics: Arc<Metrics>,
        now: Now,
    ) -> Self {
        start
            .joining_locked
            .store(start.workshop.is_joining_locked(), Ordering::Relaxed);
        WorkshopCore {
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
            handovers: Default::default(),
            recent: VecDeque::new(),
            outbox: Vec::new(),
            unshown: Vec::new(),
            results_dirty: true,
            subscribers: Subscribers::default(),
            presence_sent: Vec::new(),
            presence_dirty: false,
            last_flush: now.instant,
            flush_at: None,
            events_since_snapshot: 0,
            broken: false,
            snapshots: (start.seq, Vec::new()),
            stopped: start.stopped,
            joining_locked: start.joining_locked,
            last_activity_ms: start.last_activity_ms,
            appends: VecDeque::new(),
            handed: start.seq,
            settings,
            metrics,
        }
    }

    /// The workshop's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The last event recorded.
    pub fn seq(&self) -> Seq {
        self.seq
    }

    /// The next append for the log writer, with who waits for it.
    pub fn poll_append(&mut self) -> Option<Outgoing> {
        let outgoing = self.appends.pop_front()?;
        self.handed = outgoing.waiting.upto;
        Some(outgoing)
    }

    /// When the core wants [`WorkshopCore::handle_timeout`] next, if at all.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.flush_at
    }

    /// Nobody waits for the log: the core may stop without losing an answer.
    pub fn is_settled(&self) -> bool {
        self.pending.is_empty()
            && self.appends.is_empty()
            && (self.committed >= self.handed || self.broken)
    }

    /// Whether the workshop could be let go from memory now: nobody watches
    /// it, everything it wrote is durable, and its log did not fail (a
    /// stopped workshop stays as it is, answering `internal`, until restart).
    pub fn is_idle(&self) -> bool {
        self.subscribers.is_empty() && self.is_settled() && !self.broken
    }

    /// The timeout came: deliver what is waiting.
    pub fn handle_timeout(&mut self, now: Now) {
        self.flush(now);
    }

    /// Stopping: the last delivery, then every connection's queue is dropped.
    pub fn finish(&mut self, now: Now) {
        self.flush(now);
        self.subscribers.clear();
    }

    /// The log writer's word on an append.
    pub fn handle_committed(&mut self, committed: Committed) {
        self.on_committed(committed);
    }

    /// A message from a connection (or the registry); not `Shutdown`, which
    /// is the driver's.
    pub fn handle_message(&mut self, message: ActorMsg, now: Now) {
        match message {
            ActorMsg::Join {
                name,
                token_hash,
                reply,
            } => self.on_join(name, token_hash, reply, now),
            ActorMsg::IssueHandover {
                table,
                code_hash,
                reply,
            } => {
                self.handovers.issue(table, code_hash, now.unix_ms);
                let _ = reply.send(());
            }
            ActorMsg::TakeOver {
                code_hash,
                token_hash,
                reply,
            } => self.on_take_over(&code_hash, token_hash, reply, now),
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
                    self.flush(now);
                }
                for frame in self.initial_frames(role, last_seq) {
                    outbox.answer(frame);
                }
                let id = self.subscribers.add(role, outbox);
                let _ = reply.send(Subscription { id });
                if matches!(role, Role::Table(_)) {
                    // The facilitator's list shows it online at the next flush.
                    self.presence_dirty = true;
                    self.schedule_flush(now);
                }
            }
            ActorMsg::Unsubscribe { id } => {
                self.subscribers.remove(id);
                self.presence_dirty = true;
                self.schedule_flush(now);
            }
            ActorMsg::Resync { id } => {
                self.subscribers.mark_lagging(Some(id));
                self.schedule_flush(now);
            }
            ActorMsg::Command {
                role,
                op,
                command,
                reply,
            } => self.on_command(role, op, command, reply, now),
            ActorMsg::Read { reply } => {
                let _ = reply.send(self.workshop.clone());
            }
            ActorMsg::Shutdown { reply } => {
                // The driver stops the loop; answering here keeps nobody waiting.
                let _ = reply.send(());
            }
        }
    }

    // ---- commands ----

    fn on_command(&mut self, role: Role, op: OpId, command: Command, reply: Reply, now: Now) {
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
        match self.workshop.handle(role, &command, now.unix_ms) {
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
                self.unshown.extend(reply.read_at());
                self.answers.insert(role, op.clone(), Answer::Accepted(seq));
                self.ack_when_durable(seq, op, role, reply);
            }
        }
    }

    /// Answers `accepted` once the log has everything up to `seq`.
    fn ack_when_durable(&mut self, seq: Seq, op: OpId, sender: Role, reply: Reply) {
        self.when_durable(Pending {
            seq,
            waiter: Waiter::Ack { op, sender, reply },
        });
    }

    /// Answers `pending` once the log has everything up to its seq: with the
    /// append that holds it if that is not handed to the log yet (the usual
    /// case: the command just made it), else when the core hears of it.
    fn when_durable(&mut self, pending: Pending) {
        if pending.seq > self.handed
            && let Some(outgoing) = self
                .appends
                .iter_mut()
                .find(|outgoing| outgoing.waiting.upto >= pending.seq)
        {
            outgoing.waiting.waiters.push(pending);
        } else {
            self.pending.push(pending);
        }
    }

    fn on_join(
        &mut self,
        name: String,
        token_hash: String,
        reply: oneshot::Sender<Result<TableId, JoinError>>,
        now: Now,
    ) {
        if self.broken {
            let _ = reply.send(Err(JoinError::Internal));
            return;
        }
        match self.workshop.handle(
            Role::Guest,
            &Command::JoinTable(joining::JoinTable { name }),
            now.unix_ms,
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
                self.when_durable(Pending {
                    seq,
                    waiter: Waiter::Join { table, reply },
                });
            }
        }
    }

    /// A new tablet takes a table over: the table's token becomes the new
    /// one (durably, with the `table_handed_over` event), and the old
    /// tablet, if connected, is told and let go.
    fn on_take_over(
        &mut self,
        code_hash: &str,
        token_hash: String,
        reply: oneshot::Sender<Result<TableId, JoinError>>,
        now: Now,
    ) {
        if self.broken {
            let _ = reply.send(Err(JoinError::Internal));
            return;
        }
        // The same takeover again (its welcome was lost): it is done already.
        if let Some(&table) = self.tokens.get(&token_hash) {
            let _ = reply.send(Ok(table));
            return;
        }
        let Some(table) = self.handovers.redeem(code_hash, now.unix_ms) else {
            let _ = reply.send(Err(JoinError::UnknownHandover));
            return;
        };
        let command = Command::TakeOverTable(joining::TakeOverTable { table });
        match self.workshop.handle(Role::Guest, &command, now.unix_ms) {
            Err(violation) => {
                let _ = reply.send(Err(JoinError::Rule(violation)));
            }
            Ok(events) => {
                self.tokens.retain(|_, owner| *owner != table);
                self.tokens.insert(token_hash.clone(), table);
                let lang = self.workshop.config().setup().lang;
                let goodbye = fanout::encode(&ServerMsg::Error {
                    code: ErrorCode::TableTakenOver,
                    message: ErrorCode::TableTakenOver.sentence(lang).to_owned(),
                    op: None,
                    violation: None,
                });
                self.subscribers.let_go(table, &goodbye);
                self.presence_dirty = true;
                let seq = self.record(Role::Guest, None, events, now, Some((table, token_hash)));
                self.when_durable(Pending {
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
        now: Now,
        table_token: Option<(TableId, String)>,
    ) -> Seq {
        let at_ms = now.unix_ms;
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
                // Stored as the facilitator's view, with its format number,
                // not the engine's in-memory layout.
                serde_json::to_string(&self.workshop.view_for(Role::Facilitator))
                    .expect("the state serialises"),
            )
        });
        let append = Append {
            workshop: self.id.clone(),
            events: logged,
            table_token,
            snapshot,
        };
        let upto = self.seq;
        self.appends.push_back(Outgoing {
            append,
            waiting: Waiting {
                upto,
                waiters: Vec::new(),
            },
        });
        self.results_dirty = true;
        self.schedule_flush(now);
        upto
    }

    // ---- durability ----

    fn on_committed(&mut self, committed: Committed) {
        self.pending.extend(committed.unanswered);
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
                    pending.answer_durable();
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
        if self
            .stopped
            .set(format!("a write to the event log failed: {error}"))
            .is_ok()
        {
            self.metrics.workshops_stopped.inc();
        }
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

    fn schedule_flush(&mut self, now: Now) {
        if self.flush_at.is_none() {
            let window = coalesce_window(
                self.settings.coalesce_floor,
                self.settings.coalesce_window,
                self.subscribers.len(),
            );
            let earliest = self.last_flush + window;
            self.flush_at = Some(earliest.max(now.instant));
        }
    }

    fn flush(&mut self, now: Now) {
        let started = std::time::Instant::now();
        self.deliver_news(now);
        self.metrics
            .flush_seconds
            .observe(started.elapsed().as_secs_f64());
        for read_at in self.unshown.drain(..) {
            self.metrics
                .shown_seconds
                .observe(read_at.elapsed().as_secs_f64());
        }
    }

    fn deliver_news(&mut self, now: Now) {
        self.flush_at = None;
        self.last_flush = now.instant;
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
            self.schedule_flush(now);
        }
    }

    /// The snapshot `role` sees now, encoded once per sequence number and
    /// shared by every connection of that role (a wall reloaded by twenty
    /// phones costs one encoding and one copy in memory, not twenty).
    fn snapshot_for(&mut self, role: Role) -> Frame {
        if self.snapshots.0 != self.seq {
            self.snapshots = (self.seq, Vec::new());
        }
        if let Some((_, frame)) = self.snapshots.1.iter().find(|(r, _)| *r == role) {
            return frame.clone();
        }
        let frame = fanout::snapshot_frame(&self.workshop, self.seq, role);
        // A table's view is its own: only the shared views are kept.
        if matches!(role, Role::Facilitator | Role::Wall) {
            self.snapshots.1.push((role, frame.clone()));
        }
        frame
    }

    /// What a new subscriber gets first: the missed events if they are all
    /// still in memory, else a snapshot; then the current results.
    fn initial_frames(&mut self, role: Role, last_seq: Option<Seq>) -> Vec<Frame> {
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
            _ => frames.push(self.snapshot_for(role)),
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

/// What each screen adds to the wait: a delivery costs about 10 µs of CPU
/// per screen (BENCHMARKS.md), so waiting 75 µs per screen between two
/// keeps live results under about an eighth of a core, in any room.
const COALESCE_PER_SCREEN: Duration = Duration::from_micros(75);

/// How long news waits after the last delivery, in a room of `screens`,
/// between `shortest` (`Settings::coalesce_floor`, 10 ms) and `longest`
/// (`--coalesce-ms`): the first change after a quiet moment goes out at
/// once, and what follows is gathered for this long. A room of 200 screens
/// then sees a stream of votes within 15 ms, and 5,000 screens watching one
/// workshop are not sent more than 20 frames a second each.
pub fn coalesce_window(shortest: Duration, longest: Duration, screens: usize) -> Duration {
    let wanted = COALESCE_PER_SCREEN.saturating_mul(u32::try_from(screens).unwrap_or(u32::MAX));
    wanted.clamp(shortest.min(longest), longest)
}

#[cfg(test)]
mod tests {
    //! The core driven by hand, without tokio's runtime: the time is made up,
    //! the log's answers are given when the test says so.

    use ruche_shared::{Template, WorkshopConfig, flow};
    use tokio::sync::mpsc;
    use tokio::sync::mpsc::error::TryRecvError;

    use super::*;

    #[test]
    fn news_waits_longer_in_a_larger_room_within_the_set_bounds() {
        let (shortest, longest) = (Duration::from_millis(10), Duration::from_millis(50));
        let window = |screens| coalesce_window(shortest, longest, screens);
        assert_eq!(window(0), Duration::from_millis(10), "never under 10 ms");
        assert_eq!(window(20), Duration::from_millis(10));
        assert_eq!(
            window(202),
            Duration::from_micros(15_150),
            "a plenary: 15 ms"
        );
        assert_eq!(window(5_000), longest, "never over --coalesce-ms");
        // A shorter --coalesce-ms (the tests' 10 ms, or less) is kept as it is.
        assert_eq!(
            coalesce_window(shortest, Duration::from_millis(5), 0),
            Duration::from_millis(5)
        );
        assert_eq!(
            coalesce_window(shortest, Duration::ZERO, 500),
            Duration::ZERO
        );
        // A fixed window, whatever the room (a test that needs one batch).
        let fixed = Duration::from_millis(150);
        assert_eq!(coalesce_window(fixed, fixed, 2), fixed);
    }

    fn start() -> ActorStart {
        let setup = Template::Ideation.setup("S", "Q ?", vec![], vec![]);
        ActorStart {
            id: "w1".into(),
            workshop: Workshop::new(WorkshopConfig::new(setup).unwrap()),
            seq: 0,
            tokens: Vec::new(),
            answers: Answers::default(),
            joining_locked: Arc::default(),
            last_activity_ms: Arc::default(),
            stopped: Arc::default(),
        }
    }

    /// A clock that starts at an arbitrary moment and moves when told.
    struct Clock(std::time::Instant, u64);

    impl Clock {
        fn new() -> Clock {
            Clock(std::time::Instant::now(), 1_764_288_000_000)
        }
        fn at(&self, ms: u64) -> Now {
            Now {
                instant: Instant::from_std(self.0 + Duration::from_millis(ms)),
                unix_ms: self.1 + ms,
            }
        }
    }

    fn settings() -> Arc<Settings> {
        Arc::new(Settings {
            coalesce_window: Duration::from_millis(50),
            ..Settings::default()
        })
    }

    fn core(clock: &Clock) -> WorkshopCore {
        WorkshopCore::new(start(), settings(), Arc::default(), clock.at(0))
    }

    /// Sends `command` as `role` with operation `op`; returns where its answer lands.
    fn command(
        core: &mut WorkshopCore,
        role: Role,
        op: &str,
        command: Command,
        now: Now,
    ) -> mpsc::Receiver<Frame> {
        let (tx, rx) = mpsc::channel(1);
        let reply = Reply::unbounded(Arc::new(tx));
        let message = ActorMsg::Command {
            role,
            op: OpId(op.into()),
            command,
            reply,
        };
        core.handle_message(message, now);
        rx
    }

    /// The log says every append so far is durable (or failed).
    fn commit_all(core: &mut WorkshopCore, result: Result<(), Arc<StoreError>>) -> usize {
        let mut appends = 0;
        while let Some(outgoing) = core.poll_append() {
            appends += 1;
            core.handle_committed(outgoing.waiting.settle(result.clone()));
        }
        appends
    }

    fn open_step() -> Command {
        flow::OpenStep {
            duration_secs: None,
        }
        .into()
    }

    fn answer(rx: &mut mpsc::Receiver<Frame>) -> serde_json::Value {
        serde_json::from_str(rx.try_recv().expect("an answer").as_str()).unwrap()
    }

    #[test]
    fn a_command_is_answered_only_once_its_events_are_durable() {
        let clock = Clock::new();
        let mut core = core(&clock);
        let (reply, mut joined) = oneshot::channel();
        let join = ActorMsg::Join {
            name: "Table 1".into(),
            token_hash: "h".into(),
            reply,
        };
        core.handle_message(join, clock.at(1));
        assert!(joined.try_recv().is_err(), "not before the log has it");
        assert_eq!(commit_all(&mut core, Ok(())), 1);
        assert_eq!(joined.try_recv().unwrap().ok(), Some(TableId(0)));

        let mut rx = command(
            &mut core,
            Role::Facilitator,
            "op-1",
            open_step(),
            clock.at(2),
        );
        assert!(matches!(rx.try_recv(), Err(TryRecvError::Empty)));
        assert!(!core.is_settled(), "an append waits for the log");
        assert_eq!(commit_all(&mut core, Ok(())), 1);
        let answer = answer(&mut rx);
        assert_eq!(
            (answer["type"].as_str(), answer["seq"].as_u64()),
            (Some("accepted"), Some(2))
        );
        assert!(core.is_settled());
    }

    #[test]
    fn a_retry_gets_its_first_answer_and_is_applied_once() {
        let clock = Clock::new();
        let mut core = core(&clock);
        let _first = command(
            &mut core,
            Role::Facilitator,
            "op-1",
            open_step(),
            clock.at(1),
        );
        commit_all(&mut core, Ok(()));
        let mut again = command(
            &mut core,
            Role::Facilitator,
            "op-1",
            open_step(),
            clock.at(2),
        );
        assert_eq!(answer(&mut again)["seq"], 1, "the first answer, at once");
        assert!(core.poll_append().is_none(), "nothing new for the log");
        assert_eq!(core.seq(), 1);
    }

    #[test]
    fn the_logs_word_answers_at_once_and_a_retry_in_between_waits_for_the_core() {
        let clock = Clock::new();
        let mut core = core(&clock);
        let mut first = command(
            &mut core,
            Role::Facilitator,
            "op-1",
            open_step(),
            clock.at(1),
        );
        let outgoing = core.poll_append().expect("an append");
        // Retried while the append is with the log: it waits for the core.
        let mut retry = command(
            &mut core,
            Role::Facilitator,
            "op-1",
            open_step(),
            clock.at(2),
        );
        let committed = outgoing.waiting.settle(Ok(()));
        assert_eq!(
            answer(&mut first)["seq"],
            1,
            "answered by the log's callback, before the core hears of it"
        );
        assert!(matches!(retry.try_recv(), Err(TryRecvError::Empty)));
        assert!(!core.is_settled(), "the core has not heard yet");
        core.handle_committed(committed);
        assert_eq!(answer(&mut retry)["seq"], 1, "the same answer");
        assert!(core.is_settled());
    }

    #[test]
    fn a_failed_log_stops_the_workshop_and_nothing_is_acknowledged() {
        let clock = Clock::new();
        let mut core = core(&clock);
        let mut rx = command(
            &mut core,
            Role::Facilitator,
            "op-1",
            open_step(),
            clock.at(1),
        );
        let failure = Arc::new(StoreError::WriterStopped);
        commit_all(&mut core, Err(failure));
        assert_eq!(answer(&mut rx)["code"], "internal");
        let mut later = command(
            &mut core,
            Role::Facilitator,
            "op-2",
            open_step(),
            clock.at(2),
        );
        assert_eq!(answer(&mut later)["code"], "internal");
        assert!(
            core.poll_append().is_none(),
            "a broken workshop writes nothing more"
        );
        assert!(
            core.stopped.get().is_some(),
            "the registry (and /healthz) learns that it stopped"
        );
    }

    #[test]
    fn news_is_coalesced_into_one_delivery_per_window() {
        let clock = Clock::new();
        let mut core = core(&clock);
        let (outbox, mut wall) = mpsc::channel(16);
        let (reply, subscribed) = oneshot::channel();
        let subscribe = ActorMsg::Subscribe {
            role: Role::Wall,
            last_seq: None,
            outbox: Arc::new(outbox),
            reply,
        };
        core.handle_message(subscribe, clock.at(0));
        let mut subscribed = subscribed;
        assert!(subscribed.try_recv().is_ok(), "subscribed");
        let first: serde_json::Value =
            serde_json::from_str(wall.try_recv().expect("a first frame").as_str()).unwrap();
        assert_eq!(first["type"], "snapshot", "a snapshot to start from");
        while wall.try_recv().is_ok() {}
        let lock = |locked| Command::from(ruche_shared::joining::SetJoiningLocked { locked });
        let _a = command(
            &mut core,
            Role::Facilitator,
            "op-1",
            lock(true),
            clock.at(2),
        );
        let _b = command(
            &mut core,
            Role::Facilitator,
            "op-2",
            lock(false),
            clock.at(4),
        );
        // The first change waits for the window that began with the last
        // delivery (one screen: the shortest window, 10 ms).
        assert_eq!(core.poll_timeout(), Some(clock.at(10).instant));
        assert!(wall.try_recv().is_err(), "nothing before the window ends");
        core.handle_timeout(clock.at(10));
        let frame: serde_json::Value =
            serde_json::from_str(wall.try_recv().expect("one events frame").as_str()).unwrap();
        assert_eq!(frame["type"], "events");
        assert_eq!(
            frame["events"].as_array().map(Vec::len),
            Some(2),
            "both changes in one frame"
        );
        assert_eq!(core.poll_timeout(), None, "nothing left to deliver");
    }
}
