//! # The workshop's methods, one folder each
//!
//! A method is a kind of step a facilitator puts in a workshop's programme.
//! Its folder owns everything about it: its settings (`Config`, checked once
//! with the workshop's), its commands, who may send them and the rules that
//! check them (a refusal changes nothing), its events and how they are
//! applied (whole or not at all), who may see them, its record (the state it
//! keeps), its results view, and its names in French and English.
//!
//! The top-level [`crate::StepConfig`], [`crate::Command`] and
//! [`crate::Event`] are declared in one list each (`config.rs`, `command.rs`,
//! `event.rs`): one line per method, command or event, naming the type that
//! owns it here. Everything they do is delegated to that type, through the
//! traits below. What every method shares stays in the core: tables, ideas
//! and clusters with their authors (`workshop.rs`), joining (`joining.rs`),
//! the step machine (`flow.rs`), and the shared checks (`rules.rs`).
//!
//! ## Adding a method
//! A folder here with its `Config` ([`StepRules`]), its commands
//! ([`CommandRules`]) and events ([`EventRules`]); one line in each of the
//! three lists; an arm in [`crate::workshop::StepRecord`] if it keeps a record;
//! its panels in the web client's `methods/` folder; a template and an
//! example in `docs/protocol.md`.

pub mod budget_vote;
pub mod categories;
pub mod divergence;
pub mod dot_vote;
pub mod grouping;
pub mod journey;
pub mod paper_votes;
pub mod persona;
pub mod questions;
pub mod results;
pub mod roles;
pub mod scoring;
pub mod spider_web;

use serde::{Deserialize, Serialize};

/// When a group counts as a table's own in a vote (and so takes none of its
/// points or dots, unless self-votes are allowed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnGroups {
    /// Only when every idea in it is the table's (the default): an idea that
    /// three tables had each on their own can still take their votes, so a
    /// popular idea is not penalised for being popular.
    #[default]
    AllIdeas,
    /// As soon as one idea in it is the table's.
    AnyIdea,
}

impl OwnGroups {
    /// Whether this is the default (then a setup leaves it out).
    pub fn is_default(&self) -> bool {
        *self == OwnGroups::default()
    }
}

impl Workshop {
    /// Whether `table` may give nothing to `item` in vote step `step` because
    /// it is its own (its idea, or a group of its own by the step's
    /// [`OwnGroups`]), self-votes not being allowed there. What the tablets
    /// mark « votre idée »; false outside a budget or dot vote.
    pub fn counts_as_own(&self, step: usize, item: ItemRef, table: TableId) -> bool {
        let (allowed, policy) = match self.config.step(step) {
            Some(StepConfig::BudgetVote(c)) => (c.allow_self_vote, c.own_groups),
            Some(StepConfig::DotVote(c)) => (c.allow_self_vote, c.own_groups),
            _ => return false,
        };
        !allowed && self.is_own(item, table, policy)
    }
}

use crate::command::Role;
use crate::config::{ConfigError, StepConfig, StepKind};
use crate::event::Event;
use crate::ids::{ItemRef, TableId};
use crate::rules::Decision;
use crate::views::visibility::Audience;
use crate::workshop::{ReplayError, StepRecord, Workshop};

/// What a method's settings know: how to check themselves, what the step
/// records, and what happens when the workshop reaches the step.
pub(crate) trait StepRules {
    /// Checks the settings of step `index` among `steps`.
    fn check(&self, steps: &[StepConfig], index: usize) -> Result<(), ConfigError>;

    /// What the step records, empty.
    fn new_record(&self) -> StepRecord {
        StepRecord::Nothing
    }

    /// Events to record when the workshop first reaches step `step` (e.g. a
    /// scoring step taking a vote's top fixes its items then).
    fn on_reached(&self, _workshop: &Workshop, _step: usize) -> Vec<Event> {
        Vec::new()
    }
}

/// A rule a step's record breaks, said in French and in English: nothing a
/// record its commands made can break; a log written or changed by other
/// means can (`ruche-server verify` asks [`Workshop::rule_breaches`]). Each
/// method that keeps a record says its own, with an inherent `breaches`
/// (not a `StepRules` method: the web client, which never asks, would carry
/// them in its vtables).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// In French.
    pub fr: String,
    /// In English.
    pub en: String,
}

impl Breach {
    /// The sentence in `lang`.
    pub fn text(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::Fr => &self.fr,
            crate::Lang::En => &self.en,
        }
    }
}

/// What a command knows: who may send it, and the rules that turn it into
/// events or refuse it. Checking never changes the workshop.
pub(crate) trait CommandRules {
    /// Whether `role` may send this command at all (finer rules come after).
    fn may_send(&self, role: Role) -> bool;
    /// The events this command gives, or why it is refused.
    fn check(&self, workshop: &Workshop, role: Role, now_ms: u64) -> Decision;
}

/// What an event knows: who may see it, and how to apply it. `apply` checks
/// everything before it writes, so an event applies whole or not at all.
pub(crate) trait EventRules {
    /// Who this event is meant for.
    fn audience(&self) -> Audience;
    /// Records the event.
    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError>;
    /// The event as someone other than the facilitator may see it, given the
    /// workshop now: the text of a hidden idea is withheld.
    fn without_hidden_text(&self, _workshop: &Workshop) -> Self
    where
        Self: Clone,
    {
        self.clone()
    }
}

/// A configuration error of step `index` (a `kind` step), in `field`, said
/// in French and English: the facilitator reads it in their workshop's
/// language, with the step's number and name (`ConfigError::message`).
pub(crate) fn bad_step(
    index: usize,
    kind: StepKind,
    field: &str,
    fr: &str,
    en: &str,
) -> ConfigError {
    ConfigError::BadStep {
        step: index,
        kind,
        field: field.to_owned(),
        reason: en.to_owned(),
        reason_fr: fr.to_owned(),
    }
}
