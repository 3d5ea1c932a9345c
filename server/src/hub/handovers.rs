//! Handover codes: how a new tablet takes over a table whose tablet died.
//! The facilitator asks for a code for one table; the code works once,
//! within [`HANDOVER_SECONDS`], and asking again replaces it. Only the
//! codes' hashes are kept, in the workshop's actor, never in the log: after
//! a restart the facilitator asks again (a minute's cost, against a log
//! that would otherwise hold live credentials).

use std::collections::HashMap;

use ruche_shared::TableId;
use ruche_shared::api::HANDOVER_SECONDS;

/// The live handover codes of one workshop, by table.
#[derive(Default)]
pub struct Handovers {
    /// Per table: the code's hash, and until when it works (ms since the Unix epoch).
    by_table: HashMap<TableId, (String, u64)>,
}

impl Handovers {
    /// Table `table`'s code is now the one hashing to `code_hash`, until
    /// `HANDOVER_SECONDS` after `now_ms`.
    pub fn issue(&mut self, table: TableId, code_hash: String, now_ms: u64) {
        let until = now_ms + HANDOVER_SECONDS * 1000;
        self.by_table.insert(table, (code_hash, until));
    }

    /// The table whose live code hashes to `code_hash`, which is then spent.
    pub fn redeem(&mut self, code_hash: &str, now_ms: u64) -> Option<TableId> {
        self.by_table.retain(|_, (_, until)| *until > now_ms);
        let table = self
            .by_table
            .iter()
            .find(|(_, (hash, _))| hash == code_hash)
            .map(|(table, _)| *table)?;
        self.by_table.remove(&table);
        Some(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_works_once_for_its_table_within_ten_minutes() {
        let mut codes = Handovers::default();
        codes.issue(TableId(2), "h2".into(), 1_000);
        codes.issue(TableId(3), "h3".into(), 1_000);
        assert_eq!(codes.redeem("nope", 2_000), None);
        assert_eq!(codes.redeem("h2", 2_000), Some(TableId(2)));
        assert_eq!(codes.redeem("h2", 2_000), None, "spent");
        let too_late = 1_000 + HANDOVER_SECONDS * 1000;
        assert_eq!(codes.redeem("h3", too_late), None, "expired");
    }

    #[test]
    fn asking_again_replaces_the_tables_code() {
        let mut codes = Handovers::default();
        codes.issue(TableId(0), "old".into(), 0);
        codes.issue(TableId(0), "new".into(), 0);
        assert_eq!(codes.redeem("old", 1), None);
        assert_eq!(codes.redeem("new", 1), Some(TableId(0)));
    }
}
