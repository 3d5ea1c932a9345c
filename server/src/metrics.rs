//! What `GET /metrics` reports, in the Prometheus text format. One registry
//! per server (not a global), so that tests running several servers in one
//! process each read their own figures.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// A label with one value, e.g. `role="table"` or `code="budget_exceeded"`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RoleLabel {
    /// facilitator, table, wall.
    pub role: &'static str,
}

/// The outcome of a command.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    /// accepted or rejected.
    pub outcome: &'static str,
    /// The violation's code, or "ok".
    pub code: &'static str,
}

/// A protocol error's code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CodeLabel {
    /// The error code.
    pub code: String,
}

/// Every figure the server keeps.
pub struct Metrics {
    registry: Registry,
    /// Open WebSocket connections, by role.
    pub connections: Family<RoleLabel, Gauge>,
    /// Workshops with a running actor.
    pub workshops_live: Gauge,
    /// Workshops stopped on a failed write or not rebuilt from the log at
    /// start-up; they stay stopped until the server restarts.
    pub workshops_stopped: Gauge,
    /// Commands answered, by outcome and code.
    pub commands: Family<OutcomeLabel, Counter>,
    /// Protocol errors sent, by code.
    pub protocol_errors: Family<CodeLabel, Counter>,
    /// Events committed to the log.
    pub events_written: Counter,
    /// Connections carried to the server of the cluster that runs their workshop.
    pub connections_forwarded: Counter,
    /// Appends per group commit.
    pub commit_batch_size: Histogram,
    /// Time of one group commit (write and fsync).
    pub commit_seconds: Histogram,
    /// Time of one delivery of news (results computed, frames encoded and
    /// written to every connection): what commands wait behind.
    pub flush_seconds: Histogram,
    /// Time from reading a command off its connection to handing its
    /// answer to the socket (the actor's queue, the engine, the group
    /// commit): the acknowledgement's latency as the server sees it.
    pub answer_seconds: Histogram,
    /// Time from reading a command that changed the workshop to the end of
    /// the delivery that carries the change to its screens (written to
    /// each socket, or queued for a client that is behind): a vote's way
    /// to the wall as the server sees it, without the network and the
    /// clients' own delays.
    pub shown_seconds: Histogram,
    /// Frames queued to clients.
    pub frames_sent: Counter,
    /// Snapshots sent to clients that fell behind.
    pub lagging_snapshots: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ruche");
        let metrics = Metrics {
            connections: Family::default(),
            workshops_live: Gauge::default(),
            workshops_stopped: Gauge::default(),
            commands: Family::default(),
            protocol_errors: Family::default(),
            events_written: Counter::default(),
            connections_forwarded: Counter::default(),
            commit_batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 12)),
            commit_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
            flush_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
            // Finer than the others (25% apart from 0.1 ms to 250 ms): the
            // acknowledgement's target is a few milliseconds.
            answer_seconds: Histogram::new(exponential_buckets(0.000_1, 1.25, 36)),
            // As fine, and up to 1.5 s: the target with many rooms is 100 ms.
            shown_seconds: Histogram::new(exponential_buckets(0.000_1, 1.25, 44)),
            frames_sent: Counter::default(),
            lagging_snapshots: Counter::default(),
            registry: Registry::default(),
        };
        registry.register(
            "connections",
            "Open WebSocket connections",
            metrics.connections.clone(),
        );
        registry.register(
            "workshops_live",
            "Workshops with a running actor",
            metrics.workshops_live.clone(),
        );
        registry.register(
            "workshops_stopped",
            "Workshops stopped on a failed write or not rebuilt from the log; they restart with the server",
            metrics.workshops_stopped.clone(),
        );
        registry.register(
            "commands",
            "Commands answered, by outcome and code",
            metrics.commands.clone(),
        );
        registry.register(
            "protocol_errors",
            "Protocol errors sent, by code",
            metrics.protocol_errors.clone(),
        );
        registry.register(
            "events_written",
            "Events committed to the log",
            metrics.events_written.clone(),
        );
        registry.register(
            "connections_forwarded",
            "Connections carried to the server of the cluster that runs their workshop",
            metrics.connections_forwarded.clone(),
        );
        registry.register(
            "commit_batch_size",
            "Appends per group commit",
            metrics.commit_batch_size.clone(),
        );
        registry.register(
            "commit_seconds",
            "Duration of one group commit with fsync",
            metrics.commit_seconds.clone(),
        );
        registry.register(
            "flush_seconds",
            "Duration of one delivery of news to a workshop's connections",
            metrics.flush_seconds.clone(),
        );
        registry.register(
            "answer_seconds",
            "Time from reading a command to handing its answer to the connection",
            metrics.answer_seconds.clone(),
        );
        registry.register(
            "shown_seconds",
            "Time from reading a command that changed the workshop to the end of the delivery carrying its change",
            metrics.shown_seconds.clone(),
        );
        registry.register(
            "frames_sent",
            "Frames queued to clients",
            metrics.frames_sent.clone(),
        );
        registry.register(
            "lagging_snapshots",
            "Snapshots sent to clients that fell behind",
            metrics.lagging_snapshots.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }
}

impl Metrics {
    /// The figures in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }

    /// Records one group commit.
    pub fn observe_commit(&self, appends: usize, took: Duration) {
        self.commit_batch_size.observe(appends as f64);
        self.commit_seconds.observe(took.as_secs_f64());
    }

    /// Counts a protocol error sent.
    pub fn protocol_error(&self, code: ruche_shared::protocol::ErrorCode) {
        let code = serde_json::to_value(code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned));
        self.protocol_errors
            .get_or_create(&CodeLabel {
                code: code.unwrap_or_default(),
            })
            .inc();
    }
}
