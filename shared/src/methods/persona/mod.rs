//! Personas (design thinking's immersion): the facilitator writes, in the
//! workshop's setup, the typical residents the tables will think for (name,
//! age, family, where they live, personality, interests, frustrations); the
//! console deals one to each table, or gives a table a chosen one; the
//! tablet shows its table's card at every step. The source's Chloé, Céline,
//! Hélène and Bernard are the design-thinking template's.

pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::ConfigError;
use crate::ids::TableId;
use crate::methods::{CommandRules, EventRules};
use crate::rules::Decision;
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, Workshop};

/// The most personas a workshop may have.
pub const MAX_PERSONAS: usize = 12;
/// The longest of a persona's texts, in characters.
pub const MAX_PERSONA_TEXT: usize = 300;
/// The most frustrations a persona lists.
pub const MAX_FRUSTRATIONS: usize = 6;

/// A typical resident the tables think for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Persona {
    /// First name, e.g. « Céline ».
    pub name: String,
    /// Age in years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u16>,
    /// Family and work, e.g. « comptable, fiancée, sans enfant ».
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub situation: String,
    /// Where they live, e.g. « banlieue parisienne ».
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub home: String,
    /// Personality and interests, e.g. « amateur de pétanque ».
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub personality: String,
    /// What they need or try to do.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub goal: String,
    /// What gets in their way: each one a « Comment pourrions-nous… ? » to come.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frustrations: Vec<String>,
}

/// Checks a setup's personas.
pub(crate) fn check_personas(personas: &[Persona]) -> Result<(), ConfigError> {
    let bad = |fr: &str, en: &str| ConfigError::BadPersonas {
        reason: en.to_owned(),
        reason_fr: fr.to_owned(),
    };
    if personas.len() > MAX_PERSONAS {
        return Err(bad(
            "un atelier a au plus 12 personas",
            "a workshop has at most 12 personas",
        ));
    }
    for (number, persona) in (1..).zip(personas) {
        let name = persona.name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(bad(
                &format!("le persona {number} a un prénom de 1 à 60 caractères"),
                &format!("persona {number} needs a name of 1 to 60 characters"),
            ));
        }
        let texts = [
            &persona.situation,
            &persona.home,
            &persona.personality,
            &persona.goal,
        ];
        let too_long = texts
            .into_iter()
            .chain(&persona.frustrations)
            .any(|text| text.chars().count() > MAX_PERSONA_TEXT);
        if too_long || persona.frustrations.len() > MAX_FRUSTRATIONS {
            return Err(bad(
                &format!(
                    "les textes du persona {number} ({name}) tiennent en 300 caractères, et ses frustrations sont au plus 6"
                ),
                &format!(
                    "the texts of persona {number} ({name}) are at most 300 characters each, and its frustrations at most 6"
                ),
            ));
        }
    }
    Ok(())
}

/// The facilitator gives each table without a persona one, in turn (the
/// least given first, then in order), so that every persona is thought for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealPersonas {}

/// The facilitator gives table `table` persona `persona` (from 0), or takes
/// its persona back (`null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivePersona {
    /// The table.
    pub table: TableId,
    /// The persona, from 0, or none.
    pub persona: Option<u8>,
}

/// Table `table` thinks for persona `persona` now (or for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaGiven {
    /// The table.
    pub table: TableId,
    /// The persona, from 0, or none.
    pub persona: Option<u8>,
}

fn unknown(workshop: &Workshop, persona: u8) -> RuleViolation {
    RuleViolation::UnknownPersona {
        persona,
        personas: workshop.config.setup().personas.len() as u8,
    }
}

impl CommandRules for DealPersonas {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        let count = workshop.config.setup().personas.len();
        if count == 0 {
            return Err(unknown(workshop, 0));
        }
        let mut given = vec![0_usize; count];
        for table in &workshop.tables {
            if let Some(persona) = table.persona {
                given[usize::from(persona)] += 1;
            }
        }
        let mut events = Vec::new();
        for table in workshop.tables.iter().filter(|t| t.persona.is_none()) {
            // The least given persona, the first of them on a tie.
            let persona = (0..count).min_by_key(|&p| (given[p], p)).unwrap_or(0);
            given[persona] += 1;
            events.push(
                PersonaGiven {
                    table: table.id,
                    persona: Some(persona as u8),
                }
                .into(),
            );
        }
        Ok(events)
    }
}

impl CommandRules for GivePersona {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop
            .table(self.table)
            .ok_or(RuleViolation::UnknownTable)?;
        if let Some(persona) = self.persona
            && usize::from(persona) >= workshop.config.setup().personas.len()
        {
            return Err(unknown(workshop, persona));
        }
        Ok(vec![
            PersonaGiven {
                table: self.table,
                persona: self.persona,
            }
            .into(),
        ])
    }
}

impl EventRules for PersonaGiven {
    fn audience(&self) -> Audience {
        // The wall and the other tables may know who each table thinks for.
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let count = workshop.config.setup().personas.len();
        if self.persona.is_some_and(|p| usize::from(p) >= count) {
            return Err(ReplayError("no such persona".into()));
        }
        let table = workshop
            .tables
            .get_mut(self.table.index())
            .ok_or_else(|| ReplayError("no such table for a persona".into()))?;
        table.persona = self.persona;
        Ok(())
    }
}

impl Workshop {
    /// The personas of this workshop's setup.
    pub fn personas(&self) -> &[Persona] {
        &self.config.setup().personas
    }

    /// The persona table `table` thinks for, if any.
    pub fn persona_of(&self, table: TableId) -> Option<&Persona> {
        let persona = self.table(table)?.persona?;
        self.personas().get(usize::from(persona))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persona_needs_a_name_and_short_texts() {
        let celine = Persona {
            name: "Céline".into(),
            frustrations: vec!["se déplacer en mairie".into()],
            ..Persona::default()
        };
        assert!(check_personas(std::slice::from_ref(&celine)).is_ok());
        let nameless = Persona::default();
        assert!(check_personas(&[nameless]).is_err());
        let many = vec![celine.clone(); 13];
        let error = check_personas(&many).unwrap_err();
        assert!(
            error.message(crate::Lang::Fr).contains("12 personas"),
            "{error}"
        );
        let wordy = Persona {
            goal: "x".repeat(301),
            ..celine
        };
        assert!(check_personas(&[wordy]).is_err());
    }
}
