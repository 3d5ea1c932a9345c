//! Roles per seat (« Regards croisés »: « usager », « agent », « manager »,
//! « élu »): the workshop names the roles; each person at a table takes one
//! for their seat (a table of three holds up to three roles), and what a
//! seat writes carries its role, so that ideas can be read and grouped by
//! role and laid out in the consolidated table (roles across, categories
//! down).
//!
//! This folder owns the roles: their check, the command a table (or the
//! facilitator) uses to give a seat its role, its event, and the
//! consolidated table.

pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::ConfigError;
use crate::ids::{IdeaId, TableId};
use crate::methods::{CommandRules, EventRules};
use crate::rules::Decision;
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, Workshop};

/// The most roles a workshop may name.
pub const MAX_ROLES: usize = 8;
/// The longest role name, in characters.
pub const MAX_ROLE_CHARS: usize = 40;

/// Checks a setup's roles.
pub(crate) fn check_roles(roles: &[String]) -> Result<(), ConfigError> {
    let bad = |fr: String, en: String| ConfigError::BadRoles {
        reason: en,
        reason_fr: fr,
    };
    if roles.len() > MAX_ROLES {
        return Err(bad(
            format!("un atelier a au plus {MAX_ROLES} rôles"),
            format!("a workshop has at most {MAX_ROLES} roles"),
        ));
    }
    for (number, role) in (1..).zip(roles) {
        let chars = role.chars().count();
        if chars == 0 || chars > MAX_ROLE_CHARS || role.trim() != role {
            return Err(bad(
                format!(
                    "le rôle {number} a un nom de 1 à {MAX_ROLE_CHARS} caractères, sans espace au début ni à la fin"
                ),
                format!(
                    "role {number} has a name of 1 to {MAX_ROLE_CHARS} characters, with no space at either end"
                ),
            ));
        }
    }
    Ok(())
}

/// A seat takes a role (or gives it back): a table for its own seats, the
/// facilitator for any table's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChooseRole {
    /// The table; absent: the sender's own (a table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableId>,
    /// The seat, from 1.
    pub seat: u8,
    /// The role, from 0 (in the setup's `roles`), or none.
    pub role: Option<u8>,
}

/// Seat `seat` of table `table` holds role `role` now (or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChosen {
    /// The table.
    pub table: TableId,
    /// The seat, from 1.
    pub seat: u8,
    /// The role, from 0, or none.
    pub role: Option<u8>,
}

impl CommandRules for ChooseRole {
    fn may_send(&self, role: Role) -> bool {
        matches!(role, Role::Table(_) | Role::Facilitator)
    }

    fn check(&self, workshop: &Workshop, role: Role, _now_ms: u64) -> Decision {
        let table = match (role, self.table) {
            (Role::Table(me), None) => me,
            (Role::Table(me), Some(table)) if table == me => me,
            (Role::Table(_), Some(_)) => return Err(RuleViolation::NotYourTable),
            (_, Some(table)) => table,
            (_, None) => return Err(RuleViolation::UnknownTable),
        };
        workshop.table(table).ok_or(RuleViolation::UnknownTable)?;
        let seats = workshop.config.seats();
        if !(1..=seats).contains(&self.seat) {
            return Err(RuleViolation::UnknownSeat { seats });
        }
        let roles = workshop.config.setup().roles.len();
        if let Some(asked) = self.role.filter(|r| usize::from(*r) >= roles) {
            return Err(RuleViolation::UnknownRole {
                role: asked,
                roles: roles as u8,
            });
        }
        Ok(vec![
            RoleChosen {
                table,
                seat: self.seat,
                role: self.role,
            }
            .into(),
        ])
    }
}

impl EventRules for RoleChosen {
    fn audience(&self) -> Audience {
        // The room's cards on the table: everyone may see who holds which.
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let seats = workshop.config.seats();
        let roles = workshop.config.setup().roles.len();
        let fits =
            (1..=seats).contains(&self.seat) && self.role.is_none_or(|r| usize::from(r) < roles);
        let table = workshop
            .tables
            .get_mut(self.table.index())
            .filter(|_| fits)
            .ok_or_else(|| {
                ReplayError(format!(
                    "no seat {} or role for table {}",
                    self.seat, self.table.0
                ))
            })?;
        let index = usize::from(self.seat - 1);
        if table.seat_roles.len() <= index {
            table.seat_roles.resize(index + 1, None);
        }
        table.seat_roles[index] = self.role;
        Ok(())
    }
}

impl Workshop {
    /// The role seat `seat` of `table` holds, if any.
    pub fn seat_role(&self, table: TableId, seat: u8) -> Option<u8> {
        let index = usize::from(seat.checked_sub(1)?);
        self.table(table)?.seat_roles.get(index).copied().flatten()
    }

    /// A role's name, by index.
    pub fn role_name(&self, role: Option<u8>) -> Option<&str> {
        self.config
            .setup()
            .roles
            .get(usize::from(role?))
            .map(String::as_str)
    }

    /// The role an idea written by `seat` of `table` carries now (none when
    /// the workshop has no roles, the seat none, or no seat was said).
    pub(crate) fn expect_seat_role(
        &self,
        table: Option<TableId>,
        seat: Option<u8>,
    ) -> Result<Option<u8>, RuleViolation> {
        let (Some(table), Some(seat)) = (table, seat) else {
            return Ok(None);
        };
        let seats = self.config.seats();
        if !(1..=seats).contains(&seat) {
            return Err(RuleViolation::UnknownSeat { seats });
        }
        Ok(self.seat_role(table, seat))
    }

    /// The consolidated table (« consolidation dans un tableau »): for each
    /// category of ideas (every step's, in order; then ideas in none), the
    /// live ideas of each role (in the setup's order; then of no role), as
    /// `rows[category][role]`. Empty when the workshop has no roles.
    pub fn consolidated(&self) -> Consolidated {
        let roles = self.config.setup().roles.len();
        if roles == 0 {
            return Consolidated::default();
        }
        let mut rows: Vec<ConsolidatedRow> = Vec::new();
        let mut row_of = |step: Option<usize>, category: Option<u8>, name: String| {
            rows.push(ConsolidatedRow {
                step,
                category,
                name,
                cells: vec![Vec::new(); roles + 1],
            });
            rows.len() - 1
        };
        let mut index = std::collections::BTreeMap::new();
        for step in 0..self.config.steps().len() {
            for (c, category) in self.categories(step).iter().enumerate() {
                let at = row_of(Some(step), Some(c as u8), category.name.clone());
                index.insert((step, c as u8), at);
            }
        }
        let none = row_of(None, None, String::new());
        for idea in self.ideas.iter().filter(|i| i.is_live()) {
            let row = idea
                .category
                .and_then(|p| index.get(&(p.step, p.category)).copied())
                .unwrap_or(none);
            let column = idea.role.map_or(roles, usize::from).min(roles);
            rows[row].cells[column].push((idea.id, idea.text.clone()));
        }
        rows.retain(|row| row.cells.iter().any(|cell| !cell.is_empty()));
        Consolidated { rows }
    }
}

/// The consolidated table: roles across (then « sans rôle »), categories down.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Consolidated {
    /// Each category with ideas (then the ideas in none).
    pub rows: Vec<ConsolidatedRow>,
}

/// One row of the consolidated table.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsolidatedRow {
    /// The category's step, none for ideas in no category.
    pub step: Option<usize>,
    /// The category, from 0.
    pub category: Option<u8>,
    /// Its name (empty for ideas in no category).
    pub name: String,
    /// One cell per role (the setup's order), then ideas of no role.
    pub cells: Vec<Vec<(IdeaId, String)>>,
}
