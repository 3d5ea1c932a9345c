//! Who may write a workshop's log in PostgreSQL: one server (a "node") at a
//! time, by a lease it renews, with an epoch that fences it.
//!
//! A node claims a workshop before writing it: it gets the row of
//! `ruche.owners` if the row is free, already its own, or its lease has run
//! out, and the claim raises the workshop's epoch. Every append then checks,
//! in its own transaction and under a shared lock on those rows, that the
//! epochs it holds are still the current ones: a node that was paused (or
//! cut off) past its lease and wakes up after another took the workshop over
//! finds a higher epoch, and its append is refused, whole. The lock makes
//! the check and the takeover one after the other, never interleaved.
//!
//! Above the workshops, one lease says which server serves the database at
//! all (`ruche.serving`): a standby waits on it, even while there is no
//! workshop yet.
//!
//! Leases only decide when a workshop may be taken over; safety rests on the
//! epoch alone, so clocks may drift (PostgreSQL's own clock is the only one
//! read).

use std::collections::HashMap;
use std::time::Duration;

use ::postgres::{Client, GenericClient, Transaction};

use super::StoreError;

/// How long a claim lasts without renewal: after a node is lost, its
/// workshops may be taken over this long after its last renewal.
/// Short, so that a lost server's workshops are back on another within
/// about two seconds (the tablets retry meanwhile).
pub const LEASE: Duration = Duration::from_secs(2);

/// How often a node renews its leases (a quarter of [`LEASE`]: three
/// renewals may be lost, or late, before the lease runs out).
pub const RENEW_EVERY: Duration = Duration::from_millis(500);

/// The owners' table, created with the log's other tables.
pub const SCHEMA: &str = "
-- Which server serves the database (the others stand by): one row.
CREATE TABLE IF NOT EXISTS ruche.serving (
    only_one    BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_one),
    node        TEXT NOT NULL,
    epoch       BIGINT NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS ruche.owners (
    workshop    TEXT PRIMARY KEY REFERENCES ruche.workshops(id) ON DELETE CASCADE,
    node        TEXT NOT NULL,
    epoch       BIGINT NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL
);
-- Where the owner listens, for a node that forwards a connection to it
-- (several servers, `--cluster`). Added after the first release of this
-- table: an existing one gains it.
ALTER TABLE ruche.owners ADD COLUMN IF NOT EXISTS address TEXT;
";

/// What a claim found.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The workshop is this node's, at this epoch.
    Owned(i64),
    /// Another node holds it, its lease running for this much longer;
    /// `address`: where that node listens, if it said (`--cluster`).
    Held {
        node: String,
        for_ms: i64,
        address: Option<String>,
    },
}

/// What [`Leases::renew`] reports when this node lost the database itself
/// (another server serves it now).
pub const THE_DATABASE: &str = "(the database)";

/// The workshops this node holds, with their epochs.
pub struct Leases {
    /// This node's name: unique per process (a restarted server is a new node).
    pub node: String,
    /// Where this node listens, written with its claims so that another
    /// node can forward it a workshop's connections (`--cluster`).
    pub address: Option<String>,
    epochs: HashMap<String, i64>,
    /// Its epoch as the server that serves the database, once it is.
    serving: Option<i64>,
}

impl Leases {
    /// A new node's (empty) set of leases.
    pub fn new(node: String) -> Leases {
        Leases {
            node,
            address: None,
            epochs: HashMap::new(),
            serving: None,
        }
    }

    /// Claims the database as the server that serves it: the lease a
    /// standby waits on, held even while there is no workshop yet.
    pub fn claim_serving(&mut self, client: &mut Client) -> Result<Claim, StoreError> {
        let taken = client.query_opt(
            "INSERT INTO ruche.serving (node, epoch, lease_until)
             VALUES ($1, 1, now() + $2::float8 * interval '1 second')
             ON CONFLICT (only_one) DO UPDATE
                SET node = excluded.node, epoch = ruche.serving.epoch + 1,
                    lease_until = excluded.lease_until
                WHERE ruche.serving.node = excluded.node OR ruche.serving.lease_until < now()
             RETURNING epoch",
            &[&self.node, &LEASE.as_secs_f64()],
        )?;
        if let Some(row) = taken {
            let epoch = row.get(0);
            self.serving = Some(epoch);
            return Ok(Claim::Owned(epoch));
        }
        match client.query_opt(
            "SELECT node, (extract(epoch FROM lease_until - now()) * 1000)::bigint FROM ruche.serving",
            &[],
        )? {
            Some(row) => Ok(Claim::Held {
                node: row.get(0),
                for_ms: row.get::<_, i64>(1).max(0),
                address: None,
            }),
            None => self.claim_serving(client),
        }
    }

    /// Claims `workshop`: takes it if it is free, this node's, or its lease
    /// has run out (raising its epoch), else says who holds it.
    pub fn claim(
        &mut self,
        client: &mut impl GenericClient,
        workshop: &str,
    ) -> Result<Claim, StoreError> {
        let lease = LEASE.as_secs_f64();
        let taken = client.query_opt(
            "INSERT INTO ruche.owners (workshop, node, epoch, lease_until, address)
             VALUES ($1, $2, 1, now() + $3::float8 * interval '1 second', $4)
             ON CONFLICT (workshop) DO UPDATE
                SET node = excluded.node, epoch = ruche.owners.epoch + 1,
                    lease_until = excluded.lease_until, address = excluded.address
                WHERE ruche.owners.node = excluded.node OR ruche.owners.lease_until < now()
             RETURNING epoch",
            &[&workshop, &self.node, &lease, &self.address],
        )?;
        if let Some(row) = taken {
            let epoch: i64 = row.get(0);
            self.epochs.insert(workshop.to_owned(), epoch);
            return Ok(Claim::Owned(epoch));
        }
        let holder = client.query_opt(
            "SELECT node, (extract(epoch FROM lease_until - now()) * 1000)::bigint, address
             FROM ruche.owners WHERE workshop = $1",
            &[&workshop],
        )?;
        match holder {
            Some(row) => Ok(Claim::Held {
                node: row.get(0),
                for_ms: row.get::<_, i64>(1).max(0),
                address: row.get(2),
            }),
            // Released in between: try once more.
            None => self.claim(client, workshop),
        }
    }

    /// Renews every lease this node holds; returns the workshops it no
    /// longer holds (taken over while it was paused or cut off), which it
    /// forgets: their appends are refused from now on.
    pub fn renew(&mut self, client: &mut Client) -> Result<Vec<String>, StoreError> {
        let mut lost = Vec::new();
        if let Some(epoch) = self.serving {
            let renewed = client.execute(
                "UPDATE ruche.serving SET lease_until = now() + $3::float8 * interval '1 second'
                 WHERE node = $1 AND epoch = $2",
                &[&self.node, &epoch, &LEASE.as_secs_f64()],
            )?;
            if renewed == 0 {
                self.serving = None;
                lost.push(THE_DATABASE.to_owned());
            }
        }
        if self.epochs.is_empty() {
            return Ok(lost);
        }
        let (workshops, epochs): (Vec<&str>, Vec<i64>) =
            self.epochs.iter().map(|(w, e)| (w.as_str(), *e)).unzip();
        let renewed: Vec<String> = client
            .query(
                "UPDATE ruche.owners o SET lease_until = now() + $2::float8 * interval '1 second'
                 FROM unnest($3::text[], $4::bigint[]) AS mine(workshop, epoch)
                 WHERE o.workshop = mine.workshop AND o.epoch = mine.epoch AND o.node = $1
                 RETURNING o.workshop",
                &[&self.node, &LEASE.as_secs_f64(), &workshops, &epochs],
            )?
            .into_iter()
            .map(|row| row.get(0))
            .collect();
        let taken: Vec<String> = self
            .epochs
            .keys()
            .filter(|w| !renewed.contains(w))
            .cloned()
            .collect();
        for workshop in &taken {
            self.epochs.remove(workshop);
        }
        lost.extend(taken);
        Ok(lost)
    }

    /// Checks, inside the append's transaction, that this node still owns
    /// each of `workshops` at the epoch it claimed; the rows stay locked
    /// (shared) until the transaction ends, so no takeover commits between
    /// this check and the append.
    pub fn fence(&self, tx: &mut Transaction<'_>, workshops: &[&str]) -> Result<(), StoreError> {
        let current: HashMap<String, i64> = tx
            .query(
                "SELECT workshop, epoch FROM ruche.owners WHERE workshop = ANY($1) FOR SHARE",
                &[&workshops],
            )?
            .into_iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
        for workshop in workshops {
            let mine = self.epochs.get(*workshop);
            if mine.is_none() || current.get(*workshop) != mine {
                return Err(StoreError::Fenced((*workshop).to_owned()));
            }
        }
        Ok(())
    }

    /// Checks, inside a creation's transaction, that this node still
    /// serves the database (a server that froze and woke up creates nothing).
    pub fn fence_serving(&self, tx: &mut Transaction<'_>) -> Result<(), StoreError> {
        let current: Option<i64> = tx
            .query_opt("SELECT epoch FROM ruche.serving FOR SHARE", &[])?
            .map(|row| row.get(0));
        if self.serving.is_none() || current != self.serving {
            return Err(StoreError::Fenced(THE_DATABASE.to_owned()));
        }
        Ok(())
    }

    /// Whether this node holds `workshop`.
    pub fn holds(&self, workshop: &str) -> bool {
        self.epochs.contains_key(workshop)
    }

    /// Forgets a workshop (deleted).
    pub fn forget(&mut self, workshop: &str) {
        self.epochs.remove(workshop);
    }

    /// Lets the lease on `workshop` go, if this node still holds it at the
    /// epoch it claimed (a takeover meanwhile is not undone).
    pub fn release(&mut self, client: &mut Client, workshop: &str) -> Result<(), StoreError> {
        if let Some(epoch) = self.epochs.remove(workshop) {
            client.execute(
                "DELETE FROM ruche.owners WHERE workshop = $1 AND node = $2 AND epoch = $3",
                &[&workshop, &self.node, &epoch],
            )?;
        }
        Ok(())
    }

    /// Lets every lease go (a clean stop): another node, or this server
    /// started again, takes the workshops at once instead of waiting.
    pub fn release_all(&mut self, client: &mut Client) -> Result<(), StoreError> {
        let workshops: Vec<&str> = self.epochs.keys().map(String::as_str).collect();
        client.execute(
            "DELETE FROM ruche.owners WHERE node = $1 AND workshop = ANY($2)",
            &[&self.node, &workshops],
        )?;
        client.execute("DELETE FROM ruche.serving WHERE node = $1", &[&self.node])?;
        self.epochs.clear();
        self.serving = None;
        Ok(())
    }
}
