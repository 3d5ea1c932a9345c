//! The hash chain over a workshop's log, as the JSON export carries it: each
//! event's hash covers the one before, so that a printed report's final hash
//! ties it to exactly this log. Changing, removing or reordering an event
//! changes every hash after it.
//!
//! - The root: SHA-256 of `ruche-log-chain-1\n<workshop id>\n<created_at_ms>\n`
//!   followed by the workshop's settings as Ruche encodes them (JSON).
//! - Each event: SHA-256 of the previous hash (32 bytes) followed by
//!   `{"seq":…,"at_ms":…,"event":{…}}` as Ruche encodes it.
//!
//! Hashes are written in lowercase hexadecimal. `docs/protocol.md` says the
//! same for whoever writes their own verifier.

use ruche_shared::protocol::Seq;
use ruche_shared::{Event, WorkshopConfig};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The chain's version, the first line of what the root covers.
pub const VERSION: &str = "ruche-log-chain-1";

/// A hash of the chain.
pub type Hash = [u8; 32];

/// One event of an export's log, with its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainedEvent {
    /// Its number in the workshop, from 1.
    pub seq: Seq,
    /// When it was accepted (ms since the Unix epoch).
    pub at_ms: u64,
    /// The event.
    pub event: Event,
    /// The chain's hash up to and including it.
    pub hash: String,
}

/// What one link covers, in this field order.
#[derive(Serialize)]
struct Covered<'a> {
    seq: Seq,
    at_ms: u64,
    event: &'a Event,
}

/// The hash the chain starts from.
pub fn root(workshop: &str, created_at_ms: u64, config: &WorkshopConfig) -> Hash {
    let settings = serde_json::to_vec(config).expect("settings always encode");
    Sha256::new()
        .chain_update(format!("{VERSION}\n{workshop}\n{created_at_ms}\n"))
        .chain_update(settings)
        .finalize()
        .into()
}

/// The hash of an event following `previous`.
pub fn link(previous: &Hash, seq: Seq, at_ms: u64, event: &Event) -> Hash {
    let covered = serde_json::to_vec(&Covered { seq, at_ms, event }).expect("events always encode");
    Sha256::new()
        .chain_update(previous)
        .chain_update(covered)
        .finalize()
        .into()
}

/// Chains `events` (seq, time, event) after the root; returns them with their
/// hashes, and the final hash (the root's when there is no event).
pub fn chain<'a>(
    workshop: &str,
    created_at_ms: u64,
    config: &WorkshopConfig,
    events: impl IntoIterator<Item = (Seq, u64, &'a Event)>,
) -> (Vec<ChainedEvent>, String) {
    let mut previous = root(workshop, created_at_ms, config);
    let chained = events
        .into_iter()
        .map(|(seq, at_ms, event)| {
            previous = link(&previous, seq, at_ms, event);
            ChainedEvent {
                seq,
                at_ms,
                event: event.clone(),
                hash: hex::encode(previous),
            }
        })
        .collect();
    (chained, hex::encode(previous))
}

/// A hash read back from its hexadecimal form.
pub fn parse_hash(text: &str) -> Option<Hash> {
    hex::decode(text.trim()).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruche_shared::{Template, flow};

    fn config() -> WorkshopConfig {
        WorkshopConfig::new(Template::Ideation.setup("S", "Q", vec![], vec![])).unwrap()
    }

    #[test]
    fn every_hash_depends_on_everything_before_it() {
        let opened: Event = flow::StepOpened {
            step: 0,
            deadline_ms: None,
        }
        .into();
        let closed: Event = flow::StepClosed { step: 0 }.into();
        let events = [(1, 10, &opened), (2, 20, &closed)];
        let (chained, last) = chain("w", 5, &config(), events);
        assert_eq!(chained[1].hash, last);
        assert_eq!(
            parse_hash(&last).map(hex::encode).as_deref(),
            Some(last.as_str())
        );

        // Another time, another order, another workshop: another chain.
        let (_, later) = chain("w", 5, &config(), [(1, 11, &opened), (2, 20, &closed)]);
        let (_, swapped) = chain("w", 5, &config(), [(1, 20, &closed), (2, 10, &opened)]);
        let (_, elsewhere) = chain("v", 5, &config(), events);
        for other in [later, swapped, elsewhere] {
            assert_ne!(other, last);
        }
        // The same log, the same chain.
        assert_eq!(chain("w", 5, &config(), events).1, last);
    }
}
