//! The facilitator's notes for the synthesis: where the workshop took place,
//! and its conclusions (decisions, next steps), written in the console at
//! any time and printed in the synthesis. Only the facilitator sees them on
//! the screens ([`Audience::Facilitator`]); the synthesis publishes them.

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::methods::{CommandRules, EventRules};
use crate::rules::{Decision, clean_text_lines};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, Workshop};

/// The longest place, in characters (« Salle des fêtes, 12 rue … »).
pub const MAX_PLACE_CHARS: u32 = 200;
/// The longest conclusions, in characters (about two printed pages).
pub const MAX_CONCLUSIONS_CHARS: u32 = 6000;

/// Where the workshop took place and what it concluded; empty until written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notes {
    /// The venue.
    #[serde(default)]
    pub place: String,
    /// Decisions and next steps, with line breaks.
    #[serde(default)]
    pub conclusions: String,
}

impl Notes {
    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.place.is_empty() && self.conclusions.is_empty()
    }
}

/// Write the notes (both fields at once: what the console's form holds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetNotes {
    /// The venue (may be empty).
    pub place: String,
    /// The conclusions (may be empty; line breaks kept).
    pub conclusions: String,
}

/// The notes are now these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesSet {
    /// The venue.
    pub place: String,
    /// The conclusions.
    pub conclusions: String,
}

/// `text` cleaned as every text is (trimmed, no invisible characters, at
/// most `max`), except that it may be empty: a note can be wiped.
fn optional_text(text: &str, max: u32, lines: bool) -> Result<String, RuleViolation> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    clean_text_lines(text, max, lines)
}

impl CommandRules for SetNotes {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, _workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        Ok(vec![
            NotesSet {
                place: optional_text(&self.place, MAX_PLACE_CHARS, false)?,
                conclusions: optional_text(&self.conclusions, MAX_CONCLUSIONS_CHARS, true)?,
            }
            .into(),
        ])
    }
}

impl EventRules for NotesSet {
    fn audience(&self) -> Audience {
        Audience::Facilitator
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        workshop.notes = Notes {
            place: self.place.clone(),
            conclusions: self.conclusions.clone(),
        };
        Ok(())
    }
}

impl Workshop {
    /// The facilitator's notes for the synthesis.
    pub fn notes(&self) -> &Notes {
        &self.notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::templates::Template;
    use crate::{Event, WorkshopConfig};

    fn workshop() -> Workshop {
        let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
        Workshop::new(WorkshopConfig::new(setup).unwrap())
    }

    fn set(place: &str, conclusions: &str) -> Command {
        Command::SetNotes(SetNotes {
            place: place.into(),
            conclusions: conclusions.into(),
        })
    }

    #[test]
    fn the_facilitator_writes_and_wipes_the_notes_nobody_else() {
        let mut w = workshop();
        let events = w
            .handle(
                Role::Facilitator,
                &set(" Salle des fêtes ", "Retenu :\r\n- le café"),
                0,
            )
            .unwrap();
        w.apply_all(&events).unwrap();
        assert_eq!(w.notes().place, "Salle des fêtes");
        assert_eq!(w.notes().conclusions, "Retenu :\n- le café");
        assert!(matches!(&events[0], Event::NotesSet(_)));

        let wiped = w.handle(Role::Facilitator, &set("", "  "), 0).unwrap();
        w.apply_all(&wiped).unwrap();
        assert!(w.notes().is_empty());

        for role in [Role::Wall, Role::Guest, Role::Table(crate::TableId(0))] {
            assert!(w.handle(role, &set("x", "y"), 0).is_err(), "{role:?}");
        }
        let long = "x".repeat(MAX_PLACE_CHARS as usize + 1);
        assert!(matches!(
            w.handle(Role::Facilitator, &set(&long, ""), 0),
            Err(RuleViolation::TextTooLong { .. })
        ));
        assert!(matches!(
            w.handle(Role::Facilitator, &set("Salle\nB", ""), 0),
            Err(RuleViolation::InvisibleCharacter { .. })
        ));
    }
}
