//! Delivering a workshop's news to its connections: events and live results,
//! coalesced into at most one batch per window, each frame encoded once and
//! shared as bytes between every client that may see it.
//!
//! A client's queue is bounded. A client that falls behind loses frames and is
//! marked lagging; as soon as its queue has room again it gets a fresh
//! snapshot instead of the backlog. Others are never slowed by it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ruche_shared::protocol::{Seq, SequencedEvent, ServerMsg};
use ruche_shared::views::visibility::Audience;
use std::sync::Arc;

use ruche_shared::methods::budget_vote::histogram::VoteHistogram;
use ruche_shared::{Role, TableId, Workshop};

use super::Frame;
use super::outbox::{Outbox, Refused};
use crate::metrics::Metrics;

/// Serialises a message once, for as many clients as need it.
pub fn encode(message: &ServerMsg) -> Frame {
    // Our messages have only string map keys and finite numbers: this cannot fail.
    Frame::write_json(|out| serde_json::to_writer(out, message).expect("server messages serialise"))
}

/// The start of the goodbye a table's old tablet gets when another one
/// takes the table over (`ServerMsg::Error`'s fields in their order).
const TAKEN_OVER: &str = r#"{"type":"error","code":"table_taken_over""#;

/// Whether `frame` is that goodbye: its writer then closes for good.
pub fn is_taken_over(frame: &Frame) -> bool {
    frame.json().starts_with(TAKEN_OVER.as_bytes())
}

/// One connection watching the workshop.
pub struct Subscriber {
    /// Who it is.
    pub role: Role,
    /// Its way out (bounded: a client too far behind refuses news).
    pub tx: Arc<dyn Outbox>,
    /// It missed frames (or must reload): send a snapshot when it has room.
    pub lagging: bool,
}

impl Drop for Subscriber {
    /// A connection the workshop no longer holds is told so: it sends what
    /// it was handed, then ends.
    fn drop(&mut self) {
        self.tx.let_go();
    }
}

/// Every connection watching one workshop.
#[derive(Default)]
pub struct Subscribers {
    next_id: u64,
    by_id: HashMap<u64, Subscriber>,
}

/// What one flush sends.
pub struct Batch<'a> {
    /// Events since the last flush.
    pub events: &'a [SequencedEvent],
    /// Results for the facilitator, if they changed.
    pub facilitator_results: Option<Frame>,
    /// Results for tables and wall, if they changed and are revealed.
    pub public_results: Option<Frame>,
    /// Which tables are online, for the facilitator, if it changed.
    pub presence: Option<Frame>,
}

impl Subscribers {
    /// Adds a connection; returns its id.
    pub fn add(&mut self, role: Role, tx: Arc<dyn Outbox>) -> u64 {
        self.next_id += 1;
        self.by_id.insert(
            self.next_id,
            Subscriber {
                role,
                tx,
                lagging: false,
            },
        );
        self.next_id
    }

    /// Removes a connection.
    pub fn remove(&mut self, id: u64) {
        self.by_id.remove(&id);
    }

    /// Marks one connection, or every one but the facilitator's, as needing a snapshot.
    pub fn mark_lagging(&mut self, id: Option<u64>) {
        for (sub_id, sub) in &mut self.by_id {
            if id.map_or(sub.role != Role::Facilitator, |id| id == *sub_id) {
                sub.lagging = true;
            }
        }
    }

    /// Lets go every connection of `table`, each told why by `goodbye`
    /// first (its writer sends what is queued, then sees the end).
    pub fn let_go(&mut self, table: TableId, goodbye: &Frame) {
        self.by_id.retain(|_, sub| {
            if sub.role != Role::Table(table) {
                return true;
            }
            let _ = sub.tx.offer(&[goodbye]);
            false
        });
    }

    /// The tables with at least one connection, by id.
    pub fn online_tables(&self) -> Vec<TableId> {
        let mut online: Vec<TableId> = self
            .by_id
            .values()
            .filter_map(|sub| match sub.role {
                Role::Table(table) => Some(table),
                _ => None,
            })
            .collect();
        online.sort_unstable();
        online.dedup();
        online
    }

    /// How many connections are watching.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether no connection is watching.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Whether some connection waits for a snapshot.
    pub fn any_lagging(&self) -> bool {
        self.by_id.values().any(|sub| sub.lagging)
    }

    /// Lets go every connection: each sends what it has, then closes.
    pub fn clear(&mut self) {
        self.by_id.clear();
    }

    /// Sends one batch, then snapshots to lagging connections that have room.
    pub fn deliver(&mut self, batch: Batch<'_>, workshop: &Workshop, seq: Seq, metrics: &Metrics) {
        let frames = EventFrames::encode(batch.events, workshop);
        let mut closed = Vec::new();
        for (id, sub) in &mut self.by_id {
            // Events, then presence (the facilitator's), then results.
            let candidates = match sub.role {
                Role::Facilitator => [
                    frames.facilitator.as_ref(),
                    batch.presence.as_ref(),
                    batch.facilitator_results.as_ref(),
                ],
                Role::Table(table) => [
                    frames.per_table.get(&table).or(frames.common.as_ref()),
                    None,
                    batch.public_results.as_ref(),
                ],
                Role::Wall | Role::Guest => {
                    [frames.common.as_ref(), None, batch.public_results.as_ref()]
                }
            };
            let frames: Vec<&Frame> = candidates.into_iter().flatten().collect();
            if !send(sub, &frames, metrics) {
                closed.push(*id);
            }
        }
        for id in closed {
            self.by_id.remove(&id);
        }
        self.resync_lagging(workshop, seq, metrics);
    }

    /// Sends a fresh snapshot to each lagging connection whose queue has room.
    fn resync_lagging(&mut self, workshop: &Workshop, seq: Seq, metrics: &Metrics) {
        let mut snapshots: HashMap<Role, Frame> = HashMap::new();
        for sub in self.by_id.values_mut().filter(|sub| sub.lagging) {
            if !sub.tx.has_room() {
                continue;
            }
            let frame = snapshots
                .entry(sub.role)
                .or_insert_with(|| snapshot_frame(workshop, seq, sub.role));
            if sub.tx.offer(&[frame]).is_ok() {
                sub.lagging = false;
                metrics.lagging_snapshots.inc();
                metrics.frames_sent.inc();
            }
        }
    }
}

/// The presence frame for the facilitator.
pub fn presence_frame(online: Vec<TableId>) -> Frame {
    encode(&ServerMsg::Presence { online })
}

/// The snapshot `role` may see.
pub fn snapshot_frame(workshop: &Workshop, seq: Seq, role: Role) -> Frame {
    encode(&ServerMsg::Snapshot {
        seq,
        workshop: Box::new(workshop.view_for(role)),
    })
}

/// Hands a connection its frames of one flush unless it is lagging;
/// returns false if it is gone.
fn send(sub: &mut Subscriber, frames: &[&Frame], metrics: &Metrics) -> bool {
    if sub.lagging || frames.is_empty() {
        return true;
    }
    match sub.tx.offer(frames) {
        Ok(()) => {
            metrics.frames_sent.inc_by(frames.len() as u64);
            true
        }
        Err(Refused::Full) => {
            sub.lagging = true;
            true
        }
        Err(Refused::Closed) => false,
    }
}

/// One batch of events, encoded once per audience, each in `seq` order.
struct EventFrames {
    /// Everything, for the facilitator.
    facilitator: Option<Frame>,
    /// What the wall sees, and every table that has no event of its own in the batch.
    common: Option<Frame>,
    /// For each table with points or scores in the batch: what the wall sees
    /// and its own events, interleaved in `seq` order (a table must never
    /// receive `table_joined` 12 before its own `vote_set` 11).
    per_table: BTreeMap<TableId, Frame>,
}

impl EventFrames {
    fn encode(events: &[SequencedEvent], workshop: &Workshop) -> EventFrames {
        if events.is_empty() {
            return EventFrames {
                facilitator: None,
                common: None,
                per_table: BTreeMap::new(),
            };
        }
        let frame = |events: Vec<SequencedEvent>| encode(&ServerMsg::Events { events });
        let tables_with_own_events: BTreeSet<TableId> = events
            .iter()
            .filter_map(|sequenced| match sequenced.event.audience() {
                Audience::OneTable(table) => Some(table),
                Audience::Everyone | Audience::Facilitator => None,
            })
            .collect();
        let common = view_for(events, Role::Wall, workshop);
        EventFrames {
            facilitator: Some(frame(events.to_vec())),
            common: (!common.is_empty()).then(|| frame(common)),
            per_table: tables_with_own_events
                .into_iter()
                .map(|table| (table, frame(view_for(events, Role::Table(table), workshop))))
                .collect(),
        }
    }
}

/// The events `role` may see, as it may see them, in order: the one filter
/// ([`ruche_shared::Event::view_for`]) for live delivery and catch-up alike.
pub fn view_for<'a>(
    events: impl IntoIterator<Item = &'a SequencedEvent>,
    role: Role,
    workshop: &Workshop,
) -> Vec<SequencedEvent> {
    events
        .into_iter()
        .filter_map(|sequenced| {
            Some(SequencedEvent {
                seq: sequenced.seq,
                event: sequenced.event.view_for(role, workshop)?,
            })
        })
        .collect()
}

/// Results frames for a flush: the facilitator's, with participation, and the
/// public one when results are revealed.
pub fn results_frames(workshop: &Workshop, seq: Seq) -> (Frame, Option<Frame>) {
    // The views are computed once per flush; the public frame is the same
    // without participation.
    let full = ServerMsg::results(workshop, seq, true);
    let public = workshop.results_visible().then(|| {
        let mut public = full.clone();
        if let ServerMsg::Results {
            participation,
            votes,
            ..
        } = &mut public
        {
            *participation = None;
            *votes = votes.take().map(VoteHistogram::public);
        }
        encode(&public)
    });
    (encode(&full), public)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruche_shared::joining;
    use ruche_shared::methods::budget_vote;
    use ruche_shared::{Event, Template, WorkshopConfig};
    use tokio::sync::mpsc;

    fn workshop() -> Workshop {
        let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
        Workshop::new(WorkshopConfig::new(setup).unwrap())
    }

    fn events(n: u64) -> Vec<SequencedEvent> {
        (1..=n)
            .map(|seq| SequencedEvent {
                seq,
                event: Event::JoiningLockedChanged(joining::JoiningLockedChanged {
                    locked: seq % 2 == 0,
                }),
            })
            .collect()
    }

    fn kind(frame: &Frame) -> String {
        let value: serde_json::Value = serde_json::from_str(frame.as_str()).unwrap();
        value["type"].as_str().unwrap().to_owned()
    }

    #[test]
    fn a_client_that_falls_behind_gets_a_snapshot_and_others_are_not_slowed() {
        let (w, metrics) = (workshop(), Metrics::default());
        let mut subscribers = Subscribers::default();
        let (slow_tx, mut slow_rx) = mpsc::channel(2);
        let (fast_tx, fast_rx) = mpsc::channel(64);
        subscribers.add(Role::Wall, Arc::new(slow_tx));
        subscribers.add(Role::Wall, Arc::new(fast_tx));
        for round in 0..3_u64 {
            let batch = Batch {
                events: &events(round + 1),
                facilitator_results: None,
                public_results: Some(Frame::from("{\"type\":\"results\",\"seq\":1}")),
                presence: None,
            };
            subscribers.deliver(batch, &w, round + 1, &metrics);
        }
        assert_eq!(fast_rx.len(), 6, "the healthy client got every frame");
        assert!(subscribers.any_lagging());
        assert_eq!(kind(&slow_rx.try_recv().unwrap()), "events");
        assert_eq!(kind(&slow_rx.try_recv().unwrap()), "results");
        assert!(
            slow_rx.try_recv().is_err(),
            "the slow client's queue holds the first flush, no backlog"
        );

        // Once it has room, the next delivery brings it a fresh snapshot.
        let empty = Batch {
            events: &[],
            facilitator_results: None,
            public_results: None,
            presence: None,
        };
        subscribers.deliver(empty, &w, 3, &metrics);
        assert_eq!(kind(&slow_rx.try_recv().unwrap()), "snapshot");
        assert!(!subscribers.any_lagging());
        assert_eq!(metrics.lagging_snapshots.get(), 1);
    }

    #[test]
    fn each_table_gets_its_own_points_and_the_wall_none() {
        let (w, metrics) = (workshop(), Metrics::default());
        let mut subscribers = Subscribers::default();
        let (a_tx, mut a_rx) = mpsc::channel(8);
        let (b_tx, mut b_rx) = mpsc::channel(8);
        let (wall_tx, mut wall_rx) = mpsc::channel(8);
        subscribers.add(Role::Table(TableId(0)), Arc::new(a_tx));
        subscribers.add(Role::Table(TableId(1)), Arc::new(b_tx));
        subscribers.add(Role::Wall, Arc::new(wall_tx));
        let item = ruche_shared::ItemRef::Idea(ruche_shared::IdeaId(0));
        let vote = SequencedEvent {
            seq: 1,
            event: Event::VoteSet(budget_vote::VoteSet {
                step: 2,
                table: TableId(0),
                item,
                points: 2,
            }),
        };
        let batch = Batch {
            events: &[vote],
            facilitator_results: None,
            public_results: None,
            presence: None,
        };
        subscribers.deliver(batch, &w, 1, &metrics);
        assert!(a_rx.try_recv().unwrap().as_str().contains("vote_set"));
        assert!(
            b_rx.try_recv().is_err(),
            "another table's points are not sent"
        );
        assert!(
            wall_rx.try_recv().is_err(),
            "no table's points are sent to the wall"
        );
    }

    #[test]
    fn tablets_and_wall_get_the_vote_counts_without_each_tables_budget() {
        let mut w = workshop();
        // The engine checks and applies a command at once.
        let mut apply = |role: Role, command: ruche_shared::Command| {
            w.handle(role, &command, 0).expect("allowed");
        };
        for name in ["A", "B", "C"] {
            apply(Role::Guest, joining::JoinTable { name: name.into() }.into());
        }
        apply(
            Role::Facilitator,
            ruche_shared::flow::GoToStep { step: 2 }.into(),
        );
        apply(
            Role::Facilitator,
            ruche_shared::flow::SetResultsVisible { visible: true }.into(),
        );
        let (facilitator, public) = results_frames(&w, 4);
        let votes = |frame: &Frame| {
            let value: serde_json::Value = serde_json::from_str(frame.as_str()).unwrap();
            value["votes"].clone()
        };
        let (facilitator, public) = (votes(&facilitator), votes(&public.expect("shown")));
        assert_eq!(facilitator["tables"].as_array().map(Vec::len), Some(3));
        assert!(
            public.get("tables").is_none(),
            "no per-table list: {public}"
        );
        assert_eq!(public["tables_total"].as_u64(), Some(3));
        assert_eq!(public["tables_done"], facilitator["tables_done"]);
        assert_eq!(public["bars"], facilitator["bars"]);
    }

    #[test]
    fn a_table_gets_its_own_and_shared_events_in_one_frame_in_seq_order() {
        let (w, metrics) = (workshop(), Metrics::default());
        let mut subscribers = Subscribers::default();
        let (a_tx, mut a_rx) = mpsc::channel(8);
        let (wall_tx, mut wall_rx) = mpsc::channel(8);
        subscribers.add(Role::Table(TableId(0)), Arc::new(a_tx));
        subscribers.add(Role::Wall, Arc::new(wall_tx));
        let item = ruche_shared::ItemRef::Idea(ruche_shared::IdeaId(0));
        let events = [
            SequencedEvent {
                seq: 11,
                event: Event::VoteSet(budget_vote::VoteSet {
                    step: 2,
                    table: TableId(0),
                    item,
                    points: 2,
                }),
            },
            SequencedEvent {
                seq: 12,
                event: Event::JoiningLockedChanged(joining::JoiningLockedChanged { locked: true }),
            },
        ];
        let batch = Batch {
            events: &events,
            facilitator_results: None,
            public_results: None,
            presence: None,
        };
        subscribers.deliver(batch, &w, 12, &metrics);
        let seqs = |frame: Frame| -> Vec<u64> {
            let value: serde_json::Value = serde_json::from_str(frame.as_str()).unwrap();
            value["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["seq"].as_u64().unwrap())
                .collect()
        };
        assert_eq!(seqs(a_rx.try_recv().unwrap()), vec![11, 12]);
        assert!(a_rx.try_recv().is_err(), "one frame, not two");
        assert_eq!(seqs(wall_rx.try_recv().unwrap()), vec![12]);
    }
}
