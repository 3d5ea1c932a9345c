//! Paper votes (« des gommettes sur un tableau papier »): some participants
//! vote with stickers on a paper board; the facilitator counts them and
//! enters the count per item for a named paper group (« Tableau papier »,
//! « Salle du fond »), during a budget or dot vote step, open or closed. The
//! histograms add them to the tablets' points and dots, and say how many
//! came from paper; exports count them apart.
//!
//! A paper count is what was counted, not a table's budget: no budget, cap
//! or self-vote rule applies, only bounds. An item holding paper votes is
//! not merged, split or hidden (the board's stickers cannot be moved with
//! it): the facilitator enters the count once the ideas are settled.

pub mod texts;

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::config::{MAX_NAME_CHARS, StepKind};
use crate::ids::ItemRef;
use crate::methods::{CommandRules, EventRules};
use crate::rules::{Decision, clean_text, unknown_item};
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, Workshop};

/// The most paper groups one vote may have.
pub const MAX_PAPER_GROUPS: usize = 10;
/// The most points or dots one paper group may give one item.
pub const MAX_PAPER_COUNT: u32 = 10_000;

/// The facilitator enters `group`'s count on `item` in the current vote: a
/// set, not an increment (0 takes it back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetPaperVotes {
    /// The paper group's name, e.g. « Tableau papier ».
    pub group: String,
    /// The idea or cluster.
    pub item: ItemRef,
    /// Points (budget vote) or dots (dot vote) counted on the board.
    pub count: u32,
}

/// `group` counted `count` on `item` in vote step `step`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperVotesSet {
    /// The vote step.
    pub step: usize,
    /// The paper group's name.
    pub group: String,
    /// The idea or cluster.
    pub item: ItemRef,
    /// Its count (0: none).
    pub count: u32,
}

/// One paper group's count on one item of one vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperCount {
    /// The vote step.
    pub step: usize,
    /// The paper group's name.
    pub group: String,
    /// The idea or cluster.
    pub item: ItemRef,
    /// Points or dots (never 0).
    pub count: u32,
}

/// Every paper count of a workshop, in the order they were first entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PaperVotes(Vec<PaperCount>);

impl PaperVotes {
    /// Every count, in the order entered.
    pub fn counts(&self) -> &[PaperCount] {
        &self.0
    }

    /// The counts of vote step `step`.
    pub fn of_step(&self, step: usize) -> impl Iterator<Item = &PaperCount> {
        self.0.iter().filter(move |c| c.step == step)
    }

    /// What paper gave each item in step `step`, all groups together: one
    /// pass for a whole histogram, not one per bar.
    pub fn totals(&self, step: usize) -> std::collections::BTreeMap<ItemRef, u32> {
        let mut totals = std::collections::BTreeMap::new();
        for count in self.of_step(step) {
            *totals.entry(count.item).or_insert(0) += count.count;
        }
        totals
    }

    /// Whether any paper group voted for `item`, in any step.
    pub fn any_on(&self, item: ItemRef) -> bool {
        self.0.iter().any(|c| c.item == item)
    }

    /// The paper groups of step `step`, in the order they appeared.
    pub fn groups(&self, step: usize) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for count in self.of_step(step) {
            if !groups.contains(&count.group.as_str()) {
                groups.push(&count.group);
            }
        }
        groups
    }

    /// Sets one count (0 removes it).
    pub(crate) fn set(&mut self, step: usize, group: &str, item: ItemRef, count: u32) {
        let at = self
            .0
            .iter()
            .position(|c| c.step == step && c.group == group && c.item == item);
        match (at, count) {
            (Some(at), 0) => {
                self.0.remove(at);
            }
            (Some(at), count) => self.0[at].count = count,
            (None, 0) => {}
            (None, count) => self.0.push(PaperCount {
                step,
                group: group.to_owned(),
                item,
                count,
            }),
        }
    }

    /// From a snapshot's list, refusing what no command could have made.
    pub(crate) fn from_counts(counts: Vec<PaperCount>) -> Result<PaperVotes, ReplayError> {
        let fits = counts
            .iter()
            .all(|c| (1..=MAX_PAPER_COUNT).contains(&c.count) && !c.group.trim().is_empty());
        if fits {
            Ok(PaperVotes(counts))
        } else {
            Err(ReplayError("snapshot: a paper count out of bounds".into()))
        }
    }
}

impl Workshop {
    /// The paper counts of vote step `step`, in the order entered.
    pub fn paper_counts(&self, step: usize) -> Vec<PaperCount> {
        self.paper.of_step(step).cloned().collect()
    }
}

impl CommandRules for SetPaperVotes {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        workshop.expect_step(&[StepKind::BudgetVote, StepKind::DotVote])?;
        let step = workshop.current_step;
        if !workshop.vote_items().any(|item| item == self.item) {
            return Err(unknown_item(self.item));
        }
        let group = clean_text(&self.group, MAX_NAME_CHARS)?;
        let groups = workshop.paper.groups(step);
        let new_group = !groups.contains(&group.as_str());
        if self.count > MAX_PAPER_COUNT || (new_group && groups.len() >= MAX_PAPER_GROUPS) {
            return Err(RuleViolation::PaperLimit {
                groups: MAX_PAPER_GROUPS as u32,
                count: MAX_PAPER_COUNT,
            });
        }
        Ok(vec![
            PaperVotesSet {
                step,
                group,
                item: self.item,
                count: self.count,
            }
            .into(),
        ])
    }
}

impl EventRules for PaperVotesSet {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        let is_vote = matches!(
            workshop.config.step(self.step).map(crate::StepConfig::kind),
            Some(StepKind::BudgetVote | StepKind::DotVote)
        );
        if !is_vote || self.count > MAX_PAPER_COUNT {
            return Err(ReplayError(format!(
                "a paper count of {} in step {}",
                self.count, self.step
            )));
        }
        workshop
            .paper
            .set(self.step, &self.group, self.item, self.count);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::IdeaId;

    #[test]
    fn a_count_is_set_replaced_and_taken_back_per_group() {
        let mut paper = PaperVotes::default();
        let item = ItemRef::Idea(IdeaId(2));
        paper.set(2, "Tableau", item, 5);
        paper.set(2, "Fond de salle", item, 3);
        paper.set(4, "Tableau", item, 7);
        assert_eq!(paper.totals(2)[&item], 8);
        paper.set(2, "Tableau", item, 1);
        assert_eq!(paper.totals(2)[&item], 4);
        assert_eq!(paper.groups(2), ["Tableau", "Fond de salle"]);
        paper.set(2, "Tableau", item, 0);
        assert_eq!(paper.totals(2)[&item], 3);
        assert_eq!(paper.groups(2), ["Fond de salle"]);
        assert!(paper.any_on(item));
        assert!(!paper.any_on(ItemRef::Idea(IdeaId(1))));
    }
}
