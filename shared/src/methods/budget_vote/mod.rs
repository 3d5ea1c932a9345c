//! The budget vote (« vote à points »): each table spends a budget of points
//! (30 by default) on ideas and clusters, at most a cap per item (3), never on
//! its own ideas (unless the facilitator allows it). A vote is a *set* ("this
//! table gives 2 points to idea X"), never an increment, so a retry changes
//! nothing. Results: a live histogram ([`histogram`]).
//!
//! - [`ledger`]: the record, with running sums.
//! - [`histogram`]: the results view.
//! - [`texts`]: its refusals, in French and English.

pub mod histogram;
pub mod ledger;
pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{ConfigError, Lang, StepConfig, StepKind};
use crate::ids::{ItemRef, TableId};
use crate::methods::{Breach, CommandRules, EventRules, OwnGroups, StepRules, bad_step};
use crate::rules::{Decision, unknown_item};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, StepRecord, Workshop};

use ledger::VoteLedger;

/// The default budget of points per table, from the source workshop.
pub const DEFAULT_BUDGET: u32 = 30;
/// The default most points one table may give one item.
pub const DEFAULT_CAP_PER_ITEM: u32 = 3;
/// The largest budget a facilitator may set.
pub const MAX_BUDGET: u32 = 1000;

/// What participants are asked to do, in their words (tablets, wall).
pub fn task(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Votez avec vos points",
        Lang::En => "Vote with your points",
    }
}

/// The method's name on screens.
pub fn name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "vote à points",
        Lang::En => "point vote",
    }
}

/// A budget vote's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Points each table may spend.
    #[serde(default = "default_budget")]
    pub budget: u32,
    /// Most points one table may give one item.
    #[serde(default = "default_cap")]
    pub cap_per_item: u32,
    /// Whether a table may give points to an item containing its own idea.
    #[serde(default)]
    pub allow_self_vote: bool,
    /// When a group counts as the table's own (default: when all its ideas are).
    #[serde(default, skip_serializing_if = "OwnGroups::is_default")]
    pub own_groups: OwnGroups,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            budget: DEFAULT_BUDGET,
            cap_per_item: DEFAULT_CAP_PER_ITEM,
            allow_self_vote: false,
            own_groups: OwnGroups::default(),
        }
    }
}

fn default_budget() -> u32 {
    DEFAULT_BUDGET
}
fn default_cap() -> u32 {
    DEFAULT_CAP_PER_ITEM
}

impl StepRules for Config {
    fn check(&self, _steps: &[StepConfig], index: usize) -> Result<(), ConfigError> {
        if !(1..=MAX_BUDGET).contains(&self.budget) {
            return Err(bad_step(
                index,
                StepKind::BudgetVote,
                "budget",
                "le budget doit être entre 1 et 1000 points",
                "the budget must be between 1 and 1000 points",
            ));
        }
        if self.cap_per_item == 0 || self.cap_per_item > self.budget {
            return Err(bad_step(
                index,
                StepKind::BudgetVote,
                "cap_per_item",
                "le plafond par idée doit être entre 1 et le budget",
                "the cap per item must be between 1 and the budget",
            ));
        }
        Ok(())
    }

    fn new_record(&self) -> StepRecord {
        StepRecord::Vote(VoteLedger::default())
    }
}

impl Config {
    /// What in step `step`'s record breaks this step's rules (see [`Breach`]).
    pub(crate) fn breaches(&self, workshop: &Workshop, step: usize) -> Vec<Breach> {
        let Some(ledger) = workshop.vote_ledger(step) else {
            return Vec::new();
        };
        let n = step + 1;
        let mut breaches = Vec::new();
        for table in workshop.tables() {
            let name = &table.name;
            let spent = ledger.spent(table.id);
            if spent > self.budget {
                let budget = self.budget;
                breaches.push(Breach {
                    fr: format!("étape {n} : la table « {name} » a donné {spent} points, pour un budget de {budget}"),
                    en: format!("step {n}: table \"{name}\" gave {spent} points, over its budget of {budget}"),
                });
            }
            for (item, points) in ledger.given_by(table.id) {
                if points > self.cap_per_item {
                    let cap = self.cap_per_item;
                    breaches.push(Breach {
                        fr: format!("étape {n} : la table « {name} » a donné {points} points à {item}, plus que le plafond de {cap}"),
                        en: format!("step {n}: table \"{name}\" gave {points} points to {item}, over the cap of {cap}"),
                    });
                }
                if points > 0
                    && !self.allow_self_vote
                    && workshop.is_own(item, table.id, self.own_groups)
                {
                    breaches.push(Breach {
                        fr: format!(
                            "étape {n} : la table « {name} » a voté pour sa propre idée {item}"
                        ),
                        en: format!("step {n}: table \"{name}\" voted for its own idea {item}"),
                    });
                }
            }
        }
        breaches
    }
}

/// Set how many points this table gives an item: a *set*, not an
/// increment, so a retry changes nothing. 0 takes the points back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetVote {
    /// The idea or cluster.
    pub item: ItemRef,
    /// The table's points for it, from 0 to the step's cap.
    pub points: u32,
}

/// A table's points for an item in a vote step are now `points`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteSet {
    /// The vote step's index.
    pub step: usize,
    /// The table.
    pub table: TableId,
    /// The idea or cluster.
    pub item: ItemRef,
    /// Its points from that table (0: none).
    pub points: u32,
}

impl CommandRules for SetVote {
    fn may_send(&self, role: Role) -> bool {
        matches!(role, Role::Table(_))
    }

    #[inline]
    fn check(&self, workshop: &Workshop, role: Role, _now_ms: u64) -> Decision {
        let Role::Table(table) = role else {
            return Err(RuleViolation::NotAllowedForRole { role });
        };
        workshop.expect_open_step(&[StepKind::BudgetVote])?;
        let StepConfig::BudgetVote(Config {
            budget,
            cap_per_item,
            allow_self_vote,
            own_groups,
        }) = *workshop.current_step_config()
        else {
            unreachable!("expect_open_step checked the step kind")
        };
        let SetVote { item, points } = *self;
        if !workshop.is_vote_item(item) {
            return Err(unknown_item(item));
        }
        if points > cap_per_item {
            return Err(RuleViolation::ItemCapExceeded {
                cap: cap_per_item,
                requested: points,
            });
        }
        if points > 0 && !allow_self_vote && workshop.is_own(item, table, own_groups) {
            return Err(RuleViolation::OwnIdea { item });
        }
        let step = workshop.current_step;
        let ledger = workshop
            .vote_ledger(step)
            .expect("a vote step has a ledger");
        let spent = ledger.spent(table);
        let old = ledger.points(table, item);
        if spent - old + points > budget {
            return Err(RuleViolation::BudgetExceeded {
                budget,
                remaining: budget - spent,
                requested: points - old,
            });
        }
        Ok(vec![
            VoteSet {
                step,
                table,
                item,
                points,
            }
            .into(),
        ])
    }
}

impl EventRules for VoteSet {
    fn audience(&self) -> Audience {
        // A table's points are its own until the facilitator reveals the totals.
        Audience::OneTable(self.table)
    }

    #[inline]
    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        // A table that does not exist would make the ledger grow to its id.
        if workshop.table(self.table).is_none() {
            return Err(ReplayError("the voting table does not exist".into()));
        }
        match workshop.records.get_mut(self.step) {
            Some(StepRecord::Vote(ledger)) => {
                ledger.set(self.table, self.item, self.points);
                Ok(())
            }
            _ => Err(ReplayError(format!(
                "step {} is not a budget vote",
                self.step
            ))),
        }
    }
}

impl Workshop {
    /// The vote ledger of step `step`, if it is a budget vote.
    #[inline]
    pub fn vote_ledger(&self, step: usize) -> Option<&VoteLedger> {
        match self.records.get(step) {
            Some(StepRecord::Vote(ledger)) => Some(ledger),
            _ => None,
        }
    }
}
