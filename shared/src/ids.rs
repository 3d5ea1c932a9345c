//! Identifiers the engine hands out, and the one that names "a thing to vote on".
//!
//! Every id is a small index assigned by the engine in order of creation, so
//! replaying the same events assigns the same ids (no randomness here). Ids are
//! never reused: a deleted idea keeps its slot.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! index_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The position of this id in the engine's list of its kind.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_id!(
    /// A table (a group of participants sharing one tablet), in order of joining.
    TableId
);
index_id!(
    /// An idea submitted during a divergence step (or typed in by the facilitator).
    IdeaId
);
index_id!(
    /// A cluster of similar ideas formed by the facilitator during grouping.
    ClusterId
);

/// Something a table can give points to: a single idea, or a cluster of ideas.
///
/// On the wire it is a short string: `"i3"` is idea 3, `"c1"` is cluster 1.
/// A string (rather than an object) keeps it usable as a JSON map key and a
/// CSV cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemRef {
    /// One idea that is in no cluster.
    Idea(IdeaId),
    /// A cluster; its points go to all its ideas together.
    Cluster(ClusterId),
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemRef::Idea(id) => write!(f, "i{}", id.0),
            ItemRef::Cluster(id) => write!(f, "c{}", id.0),
        }
    }
}

/// The text could not be read as an [`ItemRef`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an item: expected \"i<number>\" (an idea) or \"c<number>\" (a cluster)")]
pub struct BadItemRef(pub String);

impl FromStr for ItemRef {
    type Err = BadItemRef;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadItemRef(s.to_owned());
        let (kind, number) = s.split_at_checked(1).ok_or_else(bad)?;
        // `u32::from_str` accepts a leading '+', which would give one item two spellings.
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = number.parse().map_err(|_| bad())?;
        match kind {
            "i" => Ok(ItemRef::Idea(IdeaId(n))),
            "c" => Ok(ItemRef::Cluster(ClusterId(n))),
            _ => Err(bad()),
        }
    }
}

impl Serialize for ItemRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ItemRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_refs_read_back_what_they_write() {
        for item in [
            ItemRef::Idea(IdeaId(0)),
            ItemRef::Cluster(ClusterId(4_000_000_000)),
        ] {
            assert_eq!(item.to_string().parse::<ItemRef>(), Ok(item));
        }
    }

    #[test]
    fn malformed_item_refs_are_refused() {
        for text in ["", "i", "x3", "i-1", "i+1", "c 1", "i99999999999", "3"] {
            assert!(text.parse::<ItemRef>().is_err(), "{text:?} was accepted");
        }
    }
}
