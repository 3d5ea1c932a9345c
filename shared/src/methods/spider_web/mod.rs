//! The spider web (« toile d'araignée »): ideation in circles. A divergence
//! step may have circles, each with a constraint the facilitator adds as the
//! room moves outwards (circle 1 « sans contrainte », circle 2 « je ne peux
//! pas me déplacer en mairie », circle 3 « nous sommes en 2050 »). The
//! facilitator opens one circle after another; every idea records the circle
//! it was written in; tablets show the current constraint, and the wall draws
//! the web: the question at the centre, the ideas on their rings.
//!
//! The ideas themselves are divergence's (submitted, edited, grouped and
//! voted on as any); this folder owns the circles: their settings, the
//! command that opens one, its event, the step's record, and the web's
//! layout.

pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{ConfigError, StepConfig, StepKind};
use crate::ids::IdeaId;
use crate::methods::{CommandRules, EventRules, bad_step};
use crate::rules::Decision;
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, StepRecord, Workshop};

/// The most circles a web may have (a projector shows five rings legibly).
pub const MAX_CIRCLES: usize = 5;
/// The longest constraint, in characters.
pub const MAX_CONSTRAINT_CHARS: usize = 200;

/// One circle of the web.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Circle {
    /// What this circle adds, e.g. « nous sommes en 2050 »; empty for none
    /// (the first circle, usually).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub constraint: String,
}

impl Circle {
    /// A circle with this constraint.
    pub fn new(constraint: &str) -> Circle {
        Circle {
            constraint: constraint.to_owned(),
        }
    }
}

/// Checks the circles of divergence step `index`.
pub(crate) fn check_circles(circles: &[Circle], index: usize) -> Result<(), ConfigError> {
    if circles.len() > MAX_CIRCLES {
        return Err(bad_step(
            index,
            StepKind::Divergence,
            "circles",
            "une toile d’araignée a au plus 5 cercles",
            "a spider web has at most 5 circles",
        ));
    }
    for (number, circle) in (1..).zip(circles) {
        if circle.constraint.chars().count() > MAX_CONSTRAINT_CHARS
            || circle.constraint.trim() != circle.constraint
        {
            return Err(bad_step(
                index,
                StepKind::Divergence,
                "circles",
                &format!(
                    "la contrainte du cercle {number} tient en {MAX_CONSTRAINT_CHARS} caractères, sans espace au début ni à la fin"
                ),
                &format!(
                    "the constraint of circle {number} is at most {MAX_CONSTRAINT_CHARS} characters, with no space at either end"
                ),
            ));
        }
    }
    Ok(())
}

/// The facilitator opens circle `circle` (from 0) of the current step's web:
/// ideas written from now on are on that circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCircle {
    /// Which circle, from 0.
    pub circle: u8,
}

/// Circle `circle` of step `step` is the one ideas are written in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircleOpened {
    /// The step.
    pub step: usize,
    /// The circle, from 0.
    pub circle: u8,
}

impl CommandRules for OpenCircle {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop.expect_step(&[StepKind::Divergence])?;
        let step = workshop.current_step();
        let circles = workshop.circles(step).len();
        if usize::from(self.circle) >= circles {
            return Err(RuleViolation::UnknownCircle {
                circle: self.circle,
                circles: circles as u8,
            });
        }
        Ok(vec![
            CircleOpened {
                step,
                circle: self.circle,
            }
            .into(),
        ])
    }
}

impl EventRules for CircleOpened {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let circles = workshop.circles(self.step).len();
        match workshop.records.get_mut(self.step) {
            Some(StepRecord::Web { circle }) if usize::from(self.circle) < circles => {
                *circle = self.circle;
                Ok(())
            }
            _ => Err(ReplayError(format!(
                "step {} has no circle {}",
                self.step, self.circle
            ))),
        }
    }
}

/// Where an idea was written on a web: its step and circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebPlace {
    /// The step.
    pub step: usize,
    /// The circle, from 0.
    pub circle: u8,
}

/// One ring of the web as the wall draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ring {
    /// The circle, from 0.
    pub circle: u8,
    /// Its constraint (empty for none).
    pub constraint: String,
    /// Its ideas the audience may see (live, not grouped away), in order.
    pub ideas: Vec<(IdeaId, String)>,
}

impl Workshop {
    /// The circles of step `step` (none when it is not a spider web).
    pub fn circles(&self, step: usize) -> &[Circle] {
        match self.config.step(step) {
            Some(StepConfig::Divergence(config)) => &config.circles,
            _ => &[],
        }
    }

    /// The circle ideas are written in now in step `step`, if it is a web.
    pub fn current_circle(&self, step: usize) -> Option<u8> {
        match self.records.get(step) {
            Some(StepRecord::Web { circle }) => Some(*circle),
            _ => None,
        }
    }

    /// The web of step `step`: each ring with its ideas (every live idea
    /// written in that step's circles). Empty when the step is no web.
    pub fn web(&self, step: usize) -> Vec<Ring> {
        self.circles(step)
            .iter()
            .enumerate()
            .map(|(n, circle)| Ring {
                circle: n as u8,
                constraint: circle.constraint.clone(),
                ideas: self
                    .ideas
                    .iter()
                    .filter(|idea| {
                        idea.is_live()
                            && idea.web
                                == Some(WebPlace {
                                    step,
                                    circle: n as u8,
                                })
                    })
                    .map(|idea| (idea.id, idea.text.clone()))
                    .collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_has_at_most_five_circles_with_tidy_constraints() {
        let five = vec![Circle::new(""); 5];
        assert!(check_circles(&five, 0).is_ok());
        let six = vec![Circle::new(""); 6];
        let error = check_circles(&six, 2).unwrap_err();
        assert!(
            error.message(crate::Lang::Fr).contains("Étape 3"),
            "{error}"
        );
        assert!(check_circles(&[Circle::new(" en 2050")], 0).is_err());
        assert!(check_circles(&[Circle::new(&"x".repeat(201))], 0).is_err());
    }
}
