//! The dot vote (« vote par gommettes »), the decision step of the source's
//! design-thinking workshop: « chaque participant ne retient qu'une seule
//! idée ». Each seat of a table has a few dots (1 by default) to put on the
//! ideas it keeps, at most one per idea by default, never on its own table's
//! ideas by default. A dot is a *set* ("seat 2 puts 1 dot on idea X"), so a
//! retry changes nothing. Results: a histogram of dots ([`tally`]).
//!
//! - [`ledger`]: the record.
//! - [`tally`]: the results view.
//! - [`texts`]: its refusals, in French and English.

pub mod ledger;
pub mod tally;
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

use ledger::DotLedger;

/// The default dots per seat: each person keeps one idea.
pub const DEFAULT_DOTS_PER_SEAT: u32 = 1;
/// The default most dots one seat may put on one idea.
pub const DEFAULT_MAX_PER_ITEM: u32 = 1;
/// The most dots a facilitator may give each seat.
pub const MAX_DOTS_PER_SEAT: u32 = 20;

/// What participants are asked to do, in their words (tablets, wall).
pub fn task(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Placez vos gommettes",
        Lang::En => "Place your dots",
    }
}

/// The method's name on screens.
pub fn name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "vote par gommettes",
        Lang::En => "dot vote",
    }
}

/// A dot vote's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Dots each seat (each person) may place.
    #[serde(default = "default_dots_per_seat")]
    pub dots_per_seat: u32,
    /// Most dots one seat may put on one idea.
    #[serde(default = "default_max_per_item")]
    pub max_per_item: u32,
    /// Whether a seat may put dots on its own table's ideas.
    #[serde(default)]
    pub allow_self_vote: bool,
    /// When a group counts as the table's own (default: when all its ideas are).
    #[serde(default, skip_serializing_if = "OwnGroups::is_default")]
    pub own_groups: OwnGroups,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dots_per_seat: DEFAULT_DOTS_PER_SEAT,
            max_per_item: DEFAULT_MAX_PER_ITEM,
            allow_self_vote: false,
            own_groups: OwnGroups::default(),
        }
    }
}

fn default_dots_per_seat() -> u32 {
    DEFAULT_DOTS_PER_SEAT
}
fn default_max_per_item() -> u32 {
    DEFAULT_MAX_PER_ITEM
}

impl StepRules for Config {
    fn check(&self, _steps: &[StepConfig], index: usize) -> Result<(), ConfigError> {
        if !(1..=MAX_DOTS_PER_SEAT).contains(&self.dots_per_seat) {
            return Err(bad_step(
                index,
                StepKind::DotVote,
                "dots_per_seat",
                "chaque personne a entre 1 et 20 gommettes",
                "each seat needs between 1 and 20 dots",
            ));
        }
        if self.max_per_item == 0 || self.max_per_item > self.dots_per_seat {
            return Err(bad_step(
                index,
                StepKind::DotVote,
                "max_per_item",
                "les gommettes par idée doivent être entre 1 et les gommettes par personne",
                "the dots per idea must be between 1 and the dots per seat",
            ));
        }
        Ok(())
    }

    fn new_record(&self) -> StepRecord {
        StepRecord::Dots(DotLedger::default())
    }
}

impl Config {
    /// What in step `step`'s record breaks this step's rules (see [`Breach`]).
    pub(crate) fn breaches(&self, workshop: &Workshop, step: usize) -> Vec<Breach> {
        let Some(ledger) = workshop.dot_ledger(step) else {
            return Vec::new();
        };
        let n = step + 1;
        let mut breaches = Vec::new();
        for table in workshop.tables() {
            let name = &table.name;
            for seat in 1..=workshop.config().seats() {
                let placed = ledger.placed(table.id, seat);
                if placed > self.dots_per_seat {
                    let most = self.dots_per_seat;
                    breaches.push(Breach {
                        fr: format!("étape {n} : la place {seat} de « {name} » a posé {placed} gommettes, pour {most}"),
                        en: format!("step {n}: seat {seat} of \"{name}\" placed {placed} dots, of {most}"),
                    });
                }
                for (item, dots) in ledger.given_by(table.id, seat) {
                    if dots > self.max_per_item {
                        let cap = self.max_per_item;
                        breaches.push(Breach {
                            fr: format!("étape {n} : la place {seat} de « {name} » a mis {dots} gommettes sur {item}, plus que {cap}"),
                            en: format!("step {n}: seat {seat} of \"{name}\" put {dots} dots on {item}, over {cap}"),
                        });
                    }
                    if dots > 0
                        && !self.allow_self_vote
                        && workshop.is_own(item, table.id, self.own_groups)
                    {
                        breaches.push(Breach {
                            fr: format!("étape {n} : « {name} » a mis des gommettes sur sa propre idée {item}"),
                            en: format!("step {n}: \"{name}\" put dots on its own idea {item}"),
                        });
                    }
                }
            }
        }
        breaches
    }
}

/// Set how many dots one seat of this table puts on an item: a *set*, not an
/// increment. 0 takes them back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetDot {
    /// The seat, from 1 ("Personne 1").
    pub seat: u8,
    /// The idea or cluster.
    pub item: ItemRef,
    /// The seat's dots on it, from 0 to the step's most per idea.
    pub dots: u32,
}

/// A seat's dots on an item are now `dots`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DotSet {
    /// The dot vote step's index.
    pub step: usize,
    /// The table.
    pub table: TableId,
    /// The seat, from 1.
    pub seat: u8,
    /// The idea or cluster.
    pub item: ItemRef,
    /// Its dots from that seat (0: none).
    pub dots: u32,
}

impl CommandRules for SetDot {
    fn may_send(&self, role: Role) -> bool {
        matches!(role, Role::Table(_))
    }

    fn check(&self, workshop: &Workshop, role: Role, _now_ms: u64) -> Decision {
        let Role::Table(table) = role else {
            return Err(RuleViolation::NotAllowedForRole { role });
        };
        workshop.expect_open_step(&[StepKind::DotVote])?;
        let StepConfig::DotVote(Config {
            dots_per_seat,
            max_per_item,
            allow_self_vote,
            own_groups,
        }) = *workshop.current_step_config()
        else {
            unreachable!("expect_open_step checked the step kind")
        };
        let SetDot { seat, item, dots } = *self;
        let seats = workshop.config.seats();
        if seat == 0 || seat > seats {
            return Err(RuleViolation::UnknownSeat { seats });
        }
        if !workshop.is_vote_item(item) {
            return Err(unknown_item(item));
        }
        if dots > max_per_item {
            return Err(RuleViolation::DotCapExceeded {
                cap: max_per_item,
                requested: dots,
            });
        }
        if dots > 0 && !allow_self_vote && workshop.is_own(item, table, own_groups) {
            return Err(RuleViolation::OwnIdea { item });
        }
        let step = workshop.current_step;
        let ledger = workshop.dot_ledger(step).expect("a dot vote has a ledger");
        let placed = ledger.placed(table, seat);
        let old = ledger.dots(table, seat, item);
        if placed - old + dots > dots_per_seat {
            return Err(RuleViolation::NoDotsLeft {
                dots: dots_per_seat,
                remaining: dots_per_seat - placed,
                requested: dots - old,
            });
        }
        Ok(vec![
            DotSet {
                step,
                table,
                seat,
                item,
                dots,
            }
            .into(),
        ])
    }
}

impl EventRules for DotSet {
    fn audience(&self) -> Audience {
        // A table's dots are its own until the facilitator reveals the totals.
        Audience::OneTable(self.table)
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let seats = workshop.config.seats();
        if workshop.table(self.table).is_none() || self.seat == 0 || self.seat > seats {
            return Err(ReplayError("no such table or seat for a dot".into()));
        }
        match workshop.records.get_mut(self.step) {
            Some(StepRecord::Dots(ledger)) => {
                ledger.set(self.table, self.seat, self.item, self.dots);
                Ok(())
            }
            _ => Err(ReplayError(format!("step {} is not a dot vote", self.step))),
        }
    }
}

impl Workshop {
    /// The dots of step `step`, if it is a dot vote.
    pub fn dot_ledger(&self, step: usize) -> Option<&DotLedger> {
        match self.records.get(step) {
            Some(StepRecord::Dots(ledger)) => Some(ledger),
            _ => None,
        }
    }
}
