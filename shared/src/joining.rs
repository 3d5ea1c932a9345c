//! Joining: a tablet with the join code becomes a table ([`JoinTable`], sent
//! by a guest), and the facilitator locks or unlocks joining.

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::MAX_NAME_CHARS;
use crate::ids::TableId;
use crate::methods::{CommandRules, EventRules};
use crate::rules::{Decision, clean_text, expect_next_id};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, Table, Workshop};

/// Join as a new table with this name (e.g. "Table 4").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinTable {
    /// Shown to the facilitator and on exports; unique in the workshop.
    pub name: String,
}

/// Lock or unlock joining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetJoiningLocked {
    /// Lock (true) or unlock (false).
    pub locked: bool,
}

/// A table joined and got its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableJoined {
    /// Its id.
    pub table: TableId,
    /// Its name.
    pub name: String,
}

/// Joining was locked or unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoiningLockedChanged {
    /// Whether joining is locked now.
    pub locked: bool,
}

impl CommandRules for JoinTable {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Guest
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        let max_tables = workshop.config.setup().join.max_tables as usize;
        if workshop.joining_locked || workshop.tables.len() >= max_tables {
            return Err(RuleViolation::JoiningLocked);
        }
        let name = clean_text(&self.name, MAX_NAME_CHARS)?;
        let folded = name.to_lowercase();
        if workshop
            .tables
            .iter()
            .any(|table| table.name.to_lowercase() == folded)
        {
            return Err(RuleViolation::NameTaken);
        }
        Ok(vec![
            TableJoined {
                table: TableId(workshop.tables.len() as u32),
                name,
            }
            .into(),
        ])
    }
}

impl CommandRules for SetJoiningLocked {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, _workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        Ok(vec![
            JoiningLockedChanged {
                locked: self.locked,
            }
            .into(),
        ])
    }
}

impl EventRules for TableJoined {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        expect_next_id(self.table.index(), workshop.tables.len(), "table")?;
        workshop.tables.push(Table {
            id: self.table,
            name: self.name.clone(),
        });
        Ok(())
    }
}

impl EventRules for JoiningLockedChanged {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        workshop.joining_locked = self.locked;
        Ok(())
    }
}
