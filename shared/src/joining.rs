//! Joining: a tablet with the join code becomes a table ([`JoinTable`], sent
//! by a guest), a new tablet takes over a table whose tablet failed
//! ([`TakeOverTable`]), and the facilitator locks or unlocks joining.

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

/// A new tablet takes over a table (its tablet died, or went home). The
/// server sends it for a guest that gave the handover code the facilitator
/// got for this table; the code itself is the server's business, never an
/// event's. Joining need not be open: the table already joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakeOverTable {
    /// The table taken over.
    pub table: TableId,
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

/// A table continues on another tablet; the old one is let go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableHandedOver {
    /// The table.
    pub table: TableId,
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

impl CommandRules for TakeOverTable {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Guest
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop
            .table(self.table)
            .ok_or(RuleViolation::UnknownTable)?;
        Ok(vec![TableHandedOver { table: self.table }.into()])
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
            handovers: 0,
            persona: None,
            question: None,
            seat_roles: Vec::new(),
        });
        Ok(())
    }
}

impl EventRules for TableHandedOver {
    fn audience(&self) -> Audience {
        // The console shows which tablets were replaced; the count is in
        // every screen's copy of the tables, so every screen hears of it.
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let table = workshop
            .tables
            .get_mut(self.table.index())
            .ok_or_else(|| ReplayError("no such table to hand over".into()))?;
        table.handovers += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Template;
    use crate::command::Command;

    fn room_with_one_table() -> Workshop {
        let setup = Template::Ideation.setup("Salle", "Comment ?", vec![], vec![]);
        let mut workshop = Workshop::new(crate::WorkshopConfig::new(setup).unwrap());
        let join = Command::JoinTable(JoinTable {
            name: "Table 1".into(),
        });
        workshop.handle(Role::Guest, &join, 0).unwrap();
        workshop
    }

    #[test]
    fn a_table_that_joined_is_taken_over_by_the_server_alone() {
        let mut workshop = room_with_one_table();
        let take = Command::TakeOverTable(TakeOverTable { table: TableId(0) });
        for role in [Role::Facilitator, Role::Table(TableId(0)), Role::Wall] {
            assert!(workshop.handle(role, &take, 0).is_err(), "{role:?}");
        }
        // Locked joining does not keep a table from its new tablet.
        workshop
            .apply(&JoiningLockedChanged { locked: true }.into())
            .unwrap();
        let events = workshop.handle(Role::Guest, &take, 0).unwrap();
        assert_eq!(events, vec![TableHandedOver { table: TableId(0) }.into()]);
        assert_eq!(workshop.table(TableId(0)).unwrap().handovers, 1);
        let unknown = Command::TakeOverTable(TakeOverTable { table: TableId(1) });
        assert_eq!(
            workshop.handle(Role::Guest, &unknown, 0),
            Err(RuleViolation::UnknownTable)
        );
    }
}
