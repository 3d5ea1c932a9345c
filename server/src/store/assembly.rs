//! Putting workshops back together from stored rows, the same way for every
//! backend: a backend reads its workshop rows, then its event rows in each
//! workshop's order, and hands them here. What is damaged (settings, a
//! snapshot or an event that does not decode) stops that workshop only.

use std::collections::{HashMap, VecDeque};

use ruche_shared::protocol::Seq;
use ruche_shared::views::workshop_view::WorkshopView;
use ruche_shared::{Event, TableId, Workshop, WorkshopConfig};

use super::{Loaded, LoadedWorkshop, LoggedEvent, StoreError, WorkshopRecord};
use crate::settings::OPS_REMEMBERED_PER_SENDER as KEPT_PER_SENDER;

/// A workshop's row as stored: its settings and snapshot still as text.
pub struct StoredWorkshop {
    /// Its id.
    pub id: String,
    /// Its join code.
    pub code: String,
    /// The facilitator secret's hash.
    pub secret_hash: String,
    /// Its settings, as JSON.
    pub config: String,
    /// When it was created (ms since the Unix epoch).
    pub created_at_ms: u64,
    /// Its latest snapshot, as stored.
    pub snapshot: Option<(Seq, String)>,
    /// Every table's token hash.
    pub table_tokens: Vec<(TableId, String)>,
}

/// One event row, borrowed from the backend's row (no copy of what a
/// snapshot already covers).
pub struct StoredEvent<'a> {
    /// Its workshop.
    pub workshop: &'a str,
    /// Its sequence number.
    pub seq: Seq,
    /// Who sent the command.
    pub principal: &'a str,
    /// The command's operation id.
    pub op: Option<&'a str>,
    /// When it was accepted.
    pub at_ms: u64,
    /// The event, as JSON.
    pub body: &'a str,
}

/// Workshops being read back.
#[derive(Default)]
pub struct Assembly {
    loaded: Vec<LoadedWorkshop>,
    recent: Vec<RecentOps>,
    index: HashMap<String, usize>,
    damaged: HashMap<String, String>,
}

impl Assembly {
    /// Adds a workshop (before any of its events).
    pub fn workshop(&mut self, stored: StoredWorkshop) {
        let id = stored.id;
        let config: WorkshopConfig = match serde_json::from_str(&stored.config) {
            Ok(config) => config,
            Err(error) => {
                self.damaged
                    .insert(id, format!("its settings do not read back: {error}"));
                return;
            }
        };
        let snapshot = match stored
            .snapshot
            .map(|(seq, body)| decode_snapshot(&body).map(|w| (seq, w)))
            .transpose()
        {
            Ok(snapshot) => snapshot,
            Err(error) => {
                self.damaged
                    .insert(id, format!("its snapshot does not read back: {error}"));
                return;
            }
        };
        self.index.insert(id.clone(), self.loaded.len());
        self.loaded.push(LoadedWorkshop {
            record: WorkshopRecord {
                id,
                code: stored.code,
                secret_hash: stored.secret_hash,
                config,
                created_at_ms: stored.created_at_ms,
            },
            snapshot,
            events: Vec::new(),
            answered_before_snapshot: Vec::new(),
            table_tokens: stored.table_tokens,
            last_activity_ms: stored.created_at_ms,
        });
        self.recent.push(RecentOps::default());
    }

    /// Adds an event (after its workshop's earlier ones). Returns `false`
    /// for an event of no workshop (one deleted before its events were all
    /// erased).
    pub fn event(&mut self, row: StoredEvent<'_>) -> bool {
        let Some(&at) = self.index.get(row.workshop) else {
            return self.damaged.contains_key(row.workshop);
        };
        if self.damaged.contains_key(row.workshop) {
            return true;
        }
        let target = &mut self.loaded[at];
        target.last_activity_ms = target.last_activity_ms.max(row.at_ms);
        if target
            .snapshot
            .as_ref()
            .is_some_and(|(snapshot_seq, _)| row.seq <= *snapshot_seq)
        {
            // Its effect is in the snapshot; its operation id is still needed.
            if let Some(op) = row.op {
                self.recent[at].keep(row.principal, op, row.seq);
            }
            return true;
        }
        match serde_json::from_str::<Event>(row.body) {
            Ok(event) => target.events.push(LoggedEvent {
                seq: row.seq,
                event,
                principal: row.principal.to_owned(),
                op: row.op.map(str::to_owned),
                at_ms: row.at_ms,
            }),
            Err(error) => {
                self.damaged.insert(
                    row.workshop.to_owned(),
                    format!("event {} does not read back: {error}", row.seq),
                );
            }
        }
        true
    }

    /// The workshops read back whole, and those that are not.
    pub fn finish(self) -> Loaded {
        let Assembly {
            mut loaded,
            recent,
            damaged,
            ..
        } = self;
        for (workshop, recent) in loaded.iter_mut().zip(recent) {
            workshop.answered_before_snapshot = recent.into_list();
        }
        let workshops = loaded
            .into_iter()
            .filter(|w| !damaged.contains_key(&w.record.id))
            .collect();
        let mut damaged: Vec<(String, String)> = damaged.into_iter().collect();
        damaged.sort();
        Loaded { workshops, damaged }
    }
}

/// The one workshop of an assembly for one id, or why it does not read back.
pub fn only_one(id: &str, loaded: Loaded) -> Result<Option<LoadedWorkshop>, StoreError> {
    let mut loaded = loaded;
    if let Some((_, why)) = loaded.damaged.pop() {
        return Err(StoreError::Corrupt(format!("workshop {id}: {why}")));
    }
    Ok(loaded.workshops.pop())
}

/// A stored snapshot: a [`WorkshopView`] with its format number, or, written
/// before views existed (round 1), the engine's own layout.
pub fn decode_snapshot(body: &str) -> Result<Workshop, String> {
    match serde_json::from_str::<WorkshopView>(body) {
        Ok(view) => Workshop::from_view(view).map_err(|e| e.to_string()),
        Err(view_error) if !body.contains("\"format\"") => serde_json::from_str::<Workshop>(body)
            .map_err(|legacy| {
                format!("neither a view ({view_error}) nor the round-1 layout ({legacy})")
            }),
        Err(view_error) => Err(view_error.to_string()),
    }
}

/// A history's event, decoded, or the error naming it.
pub fn decode_event(seq: Seq, body: &str) -> Result<Event, StoreError> {
    serde_json::from_str::<Event>(body)
        .map_err(|e| StoreError::Corrupt(format!("event {seq}: {e}")))
}

/// The operation ids of the events a snapshot covers, only as many per sender
/// as the server answers retries for ([`KEPT_PER_SENDER`]): start-up reads
/// every row once, and must not hold a million ids to keep a few thousand.
#[derive(Default)]
struct RecentOps {
    by_principal: HashMap<String, VecDeque<(String, Seq)>>,
}

impl RecentOps {
    fn keep(&mut self, principal: &str, op: &str, seq: Seq) {
        let ops = match self.by_principal.get_mut(principal) {
            Some(ops) => ops,
            None => self.by_principal.entry(principal.to_owned()).or_default(),
        };
        if let Some((last, last_seq)) = ops.back_mut()
            && last == op
        {
            // A command with several events: its answer is its last event's seq.
            *last_seq = seq;
            return;
        }
        match ops.len() {
            KEPT_PER_SENDER => {
                // Reuse the oldest id's buffer: no allocation per row once full.
                let (mut buffer, _) = ops.pop_front().expect("the queue is full");
                buffer.clear();
                buffer.push_str(op);
                ops.push_back((buffer, seq));
            }
            _ => ops.push_back((op.to_owned(), seq)),
        }
    }

    /// (principal, op, seq), oldest first for each principal.
    fn into_list(self) -> Vec<(String, String, Seq)> {
        self.by_principal
            .into_iter()
            .flat_map(|(principal, ops)| {
                ops.into_iter()
                    .map(move |(op, seq)| (principal.clone(), op, seq))
            })
            .collect()
    }
}
