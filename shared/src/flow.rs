//! The step machine, shared by every method: the facilitator moves from step
//! to step, opens and closes the current one (with an optional countdown),
//! and shows results to tables and wall or keeps them on the console.

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::methods::{CommandRules, EventRules};
use crate::rules::Decision;
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, Workshop};

/// Move to another step (closing the current one). Previous and next are this with ±1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoToStep {
    /// The step's index.
    pub step: usize,
}

/// Open the current step for submissions, with an optional countdown shown to everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenStep {
    /// Length of the countdown in seconds, if any. It is a guide: the
    /// facilitator closes the step.
    pub duration_secs: Option<u32>,
}

/// Close the current step: submissions are refused, results stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseStep {}

/// Show results to tables and the wall, or keep them on the facilitator's screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetResultsVisible {
    /// Show (true) or hide (false).
    pub visible: bool,
}

/// The workshop moved to another step, which starts closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepChanged {
    /// The new current step.
    pub step: usize,
}

/// The current step opened for submissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOpened {
    /// The step.
    pub step: usize,
    /// When the countdown ends (ms since the Unix epoch), if there is one.
    pub deadline_ms: Option<u64>,
}

/// The current step closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepClosed {
    /// The step.
    pub step: usize,
}

/// Results were shown to tables and wall, or hidden from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsVisibleChanged {
    /// Whether they are shown now.
    pub visible: bool,
}

fn facilitator_only(role: Role) -> bool {
    role == Role::Facilitator
}

impl CommandRules for GoToStep {
    fn may_send(&self, role: Role) -> bool {
        facilitator_only(role)
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        let count = workshop.config.steps().len();
        let target = workshop
            .config
            .step(self.step)
            .ok_or(RuleViolation::UnknownStep { count })?;
        let mut events = Vec::new();
        if workshop.step_open {
            events.push(
                StepClosed {
                    step: workshop.current_step,
                }
                .into(),
            );
        }
        events.push(StepChanged { step: self.step }.into());
        events.extend(target.rules().on_reached(workshop, self.step));
        Ok(events)
    }
}

impl CommandRules for OpenStep {
    fn may_send(&self, role: Role) -> bool {
        facilitator_only(role)
    }

    fn check(&self, workshop: &Workshop, _role: Role, now_ms: u64) -> Decision {
        let deadline_ms = self
            .duration_secs
            .map(|secs| now_ms.saturating_add(u64::from(secs) * 1000));
        Ok(vec![
            StepOpened {
                step: workshop.current_step,
                deadline_ms,
            }
            .into(),
        ])
    }
}

impl CommandRules for CloseStep {
    fn may_send(&self, role: Role) -> bool {
        facilitator_only(role)
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        Ok(vec![
            StepClosed {
                step: workshop.current_step,
            }
            .into(),
        ])
    }
}

impl CommandRules for SetResultsVisible {
    fn may_send(&self, role: Role) -> bool {
        facilitator_only(role)
    }

    fn check(&self, _workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        Ok(vec![
            ResultsVisibleChanged {
                visible: self.visible,
            }
            .into(),
        ])
    }
}

fn expect_step_exists(workshop: &Workshop, step: usize) -> Result<(), ReplayError> {
    if step < workshop.records.len() {
        Ok(())
    } else {
        Err(ReplayError(format!("step {step} does not exist")))
    }
}

impl EventRules for StepChanged {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        expect_step_exists(workshop, self.step)?;
        workshop.current_step = self.step;
        workshop.step_open = false;
        workshop.deadline_ms = None;
        Ok(())
    }
}

impl EventRules for StepOpened {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        expect_step_exists(workshop, self.step)?;
        workshop.current_step = self.step;
        workshop.step_open = true;
        workshop.deadline_ms = self.deadline_ms;
        Ok(())
    }
}

impl EventRules for StepClosed {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        workshop.step_open = false;
        workshop.deadline_ms = None;
        Ok(())
    }
}

impl EventRules for ResultsVisibleChanged {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        workshop.results_visible = self.visible;
        Ok(())
    }
}
