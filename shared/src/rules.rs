//! The entry to the rules: [`Workshop::handle`] checks a command against the
//! workshop as it is and turns it into events, or refuses it with a
//! [`RuleViolation`] and changes nothing. The rules themselves live with the
//! command they judge, in its method's folder (`methods/`), or in
//! `joining.rs` and `flow.rs`; this file holds the checks they share. The
//! server enforces the rules by calling `handle`; the client calls
//! [`Workshop::check`] for instant feedback.

use crate::command::{Command, Role};
use crate::config::{StepKind, char_count};
use crate::event::Event;
use crate::ids::{IdeaId, ItemRef};
use crate::violation::RuleViolation;
use crate::workshop::{Idea, ReplayError, Workshop};

/// The longest cluster title, in characters (a title is often an idea's text).
pub const MAX_CLUSTER_TITLE_CHARS: u32 = 280;

/// What checking a command gives: its events, or why it is refused.
pub type Decision = Result<Vec<Event>, RuleViolation>;

impl Workshop {
    /// Checks `command` from `role` at time `now_ms` (ms since the Unix epoch),
    /// and records its events. On a violation nothing changes.
    #[inline]
    pub fn handle(&mut self, role: Role, command: &Command, now_ms: u64) -> Decision {
        let events = self.check(role, command, now_ms)?;
        // `check` only emits events that fit this workshop, so this cannot
        // fail; were it to, the state would still be whole (`apply_all` is one unit).
        if let Err(error) = self.apply_all(&events) {
            debug_assert!(false, "rules emitted events that do not apply: {error}");
        }
        Ok(events)
    }

    /// What `handle` would do, without doing it: the events, or the violation.
    #[inline]
    pub fn check(&self, role: Role, command: &Command, now_ms: u64) -> Decision {
        if !command.may_send(role) {
            return Err(RuleViolation::NotAllowedForRole { role });
        }
        if let Role::Table(table) = role {
            self.table(table).ok_or(RuleViolation::UnknownTable)?;
        }
        command.check(self, role, now_ms)
    }

    // ---- checks the methods share ----

    /// The current step is one of `kinds`.
    #[inline]
    pub(crate) fn expect_step(&self, kinds: &[StepKind]) -> Result<(), RuleViolation> {
        let current = self.current_step_config().kind();
        if kinds.contains(&current) {
            Ok(())
        } else {
            Err(RuleViolation::WrongStep {
                expected: kinds.to_vec(),
                current,
            })
        }
    }

    /// The current step is one of `kinds`, and open.
    #[inline]
    pub(crate) fn expect_open_step(&self, kinds: &[StepKind]) -> Result<(), RuleViolation> {
        self.expect_step(kinds)?;
        if self.step_open {
            Ok(())
        } else {
            Err(RuleViolation::StepClosed {
                current: self.current_step_config().kind(),
            })
        }
    }

    /// The idea, unless it does not exist or was withdrawn.
    pub(crate) fn existing_idea(&self, idea: IdeaId) -> Result<&Idea, RuleViolation> {
        self.idea(idea)
            .ok_or_else(|| unknown_item(ItemRef::Idea(idea)))
    }

    /// Nobody has given the item points or dots yet.
    pub(crate) fn expect_no_votes(&self, item: ItemRef) -> Result<(), RuleViolation> {
        if self.has_votes(item) {
            Err(RuleViolation::ItemHasVotes { item })
        } else {
            Ok(())
        }
    }
}

/// The refusal for an item that is not there (or not votable).
pub(crate) fn unknown_item(item: ItemRef) -> RuleViolation {
    RuleViolation::UnknownItem {
        item: item.to_string(),
    }
}

/// Whether `c` would be invisible on a screen or change how the text
/// around it reads: control characters (line breaks are for the caller to
/// allow), zero-width characters and bidirectional overrides and isolates
/// (which can make « 3 » read as « 8 » or reverse a name on the wall).
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{061C}'
        )
}

/// Trims `text`, refuses invisible and control characters, and checks its
/// length in characters. Line breaks are allowed only where `lines` says.
pub(crate) fn clean_text(text: &str, max: u32) -> Result<String, RuleViolation> {
    clean_text_lines(text, max, false)
}

/// [`clean_text`] for a text that may hold line breaks (an idea).
pub(crate) fn clean_text_lines(text: &str, max: u32, lines: bool) -> Result<String, RuleViolation> {
    let unified;
    let text = if lines && text.contains('\r') {
        // A text pasted from Windows: its line breaks are \r\n.
        unified = text.replace("\r\n", "\n");
        unified.trim()
    } else {
        text.trim()
    };
    if let Some(c) = text
        .chars()
        .find(|&c| is_invisible(c) || (c == '\n' && !lines))
    {
        return Err(RuleViolation::InvisibleCharacter {
            character: format!("U+{:04X}", c as u32),
        });
    }
    #[cfg(feature = "nfc")]
    let normalised: String = unicode_normalization::UnicodeNormalization::nfc(text).collect();
    #[cfg(feature = "nfc")]
    let text = normalised.as_str();
    let len = char_count(text);
    if len == 0 {
        Err(RuleViolation::EmptyText)
    } else if len > max {
        Err(RuleViolation::TextTooLong { max, len })
    } else {
        Ok(text.to_owned())
    }
}

/// Ids are handed out in order: an event creating id `given` must be the next one.
pub(crate) fn expect_next_id(given: usize, next: usize, what: &str) -> Result<(), ReplayError> {
    if given == next {
        Ok(())
    } else {
        Err(ReplayError(format!(
            "{what} id {given} out of order (expected {next})"
        )))
    }
}
