//! Each table's own question: design thinking's « Comment pourrions-nous… ? »
//! (a table picks one of its persona's frustrations and turns it into the
//! question it will work on), or the case the facilitator gives each table
//! (the source's « quatre cas d'étude »). A table writes or rewrites its
//! own; the facilitator writes any table's, or gives one question to every
//! table. Tablets show their table's question in place of the workshop's;
//! the wall and the exports show them side by side.

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::MAX_QUESTION_CHARS;
use crate::ids::TableId;
use crate::methods::{CommandRules, EventRules};
use crate::rules::{Decision, clean_text};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, Workshop};

/// Set a table's question: a table its own (`table` absent or its own id),
/// the facilitator any table's, or every table's (`table` absent). An empty
/// `question` takes it back (the workshop's question then stands).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetTableQuestion {
    /// The table; absent: the sender's own (a table), or every table (the facilitator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableId>,
    /// The question, at most 500 characters; empty to take it back.
    pub question: String,
}

/// Table `table` works on `question` now (none: the workshop's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableQuestionSet {
    /// The table.
    pub table: TableId,
    /// Its question, or none.
    pub question: Option<String>,
}

impl CommandRules for SetTableQuestion {
    fn may_send(&self, role: Role) -> bool {
        matches!(role, Role::Table(_) | Role::Facilitator)
    }

    fn check(&self, workshop: &Workshop, role: Role, _now_ms: u64) -> Decision {
        let tables: Vec<TableId> = match (role, self.table) {
            (Role::Table(me), None) => vec![me],
            (Role::Table(me), Some(table)) if table == me => vec![me],
            (Role::Table(_), Some(_)) => return Err(RuleViolation::NotYourTable),
            (_, Some(table)) => {
                workshop.table(table).ok_or(RuleViolation::UnknownTable)?;
                vec![table]
            }
            (_, None) => workshop.tables.iter().map(|t| t.id).collect(),
        };
        let question = if self.question.trim().is_empty() {
            None
        } else {
            Some(clean_text(&self.question, MAX_QUESTION_CHARS)?)
        };
        Ok(tables
            .into_iter()
            .map(|table| {
                TableQuestionSet {
                    table,
                    question: question.clone(),
                }
                .into()
            })
            .collect())
    }
}

impl EventRules for TableQuestionSet {
    fn audience(&self) -> Audience {
        // Side by side on the wall: every table may read the others'.
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let table = workshop
            .tables
            .get_mut(self.table.index())
            .ok_or_else(|| ReplayError("no such table for a question".into()))?;
        table.question = self.question.clone();
        Ok(())
    }
}

impl Workshop {
    /// The question table `table` works on: its own, else the workshop's.
    pub fn question_of(&self, table: TableId) -> &str {
        self.table(table)
            .and_then(|t| t.question.as_deref())
            .unwrap_or(&self.config.setup().question)
    }

    /// The tables that have a question of their own, with it, in order.
    pub fn table_questions(&self) -> Vec<(TableId, &str, &str)> {
        self.tables
            .iter()
            .filter_map(|t| Some((t.id, t.name.as_str(), t.question.as_deref()?)))
            .collect()
    }
}
