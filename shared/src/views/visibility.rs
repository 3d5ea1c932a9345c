//! Who may see what. The facilitator sees everything. A table sees every idea
//! that is not hidden, and its own points and scores, never another table's
//! (so results stay secret until the facilitator reveals them). The wall sees
//! what every table sees, minus any table's points and scores: it shows
//! results only through the results views, when they are revealed.
//!
//! The server filters what it sends with these functions; keeping them here
//! keeps the rule in one place with the others.

use crate::command::Role;
use crate::event::Event;
use crate::workshop::{StepRecord, Workshop};

impl Event {
    /// Whether `role` receives this event at all.
    pub fn is_visible_to(&self, role: Role) -> bool {
        match (self, role) {
            (_, Role::Facilitator) => true,
            (Event::VoteSet { table, .. } | Event::ScoreSet { table, .. }, Role::Table(me)) => {
                *table == me
            }
            (Event::VoteSet { .. } | Event::ScoreSet { .. }, _) => false,
            _ => true,
        }
    }

    /// Whether the event belongs to one table only (its own points and scores):
    /// such events go to that table's tablets and the facilitator, not to all.
    pub fn private_to(&self) -> Option<crate::ids::TableId> {
        match self {
            Event::VoteSet { table, .. } | Event::ScoreSet { table, .. } => Some(*table),
            _ => None,
        }
    }

    /// The event as `role` may see it, given the workshop after it: the text of
    /// an edit to a hidden idea is withheld from everyone but the facilitator.
    pub fn redacted_for(&self, role: Role, workshop: &Workshop) -> Event {
        match self {
            Event::IdeaEdited { idea, .. }
                if role != Role::Facilitator
                    && workshop
                        .all_ideas()
                        .get(idea.index())
                        .is_some_and(|i| i.hidden) =>
            {
                Event::IdeaEdited {
                    idea: *idea,
                    text: String::new(),
                }
            }
            other => other.clone(),
        }
    }
}

impl Workshop {
    /// The workshop as `role` may see it: for anyone but the facilitator,
    /// hidden ideas have no text, and other tables' points and scores are gone.
    pub fn redacted_for(&self, role: Role) -> Workshop {
        if role == Role::Facilitator {
            return self.clone();
        }
        let mut seen = self.clone();
        for idea in seen.ideas.iter_mut().filter(|idea| idea.hidden) {
            idea.text.clear();
        }
        for record in &mut seen.records {
            match (record, role) {
                (StepRecord::Vote(ledger), Role::Table(me)) => *ledger = ledger.only_table(me),
                (StepRecord::Vote(ledger), _) => *ledger = Default::default(),
                (StepRecord::Scoring(sheet), Role::Table(me)) => *sheet = sheet.only_table(me),
                (StepRecord::Scoring(sheet), _) => {
                    *sheet = sheet.only_table(crate::ids::TableId(u32::MAX))
                }
                (StepRecord::Nothing, _) => {}
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use crate::command::{Command, Role};
    use crate::ids::{IdeaId, ItemRef, TableId};
    use crate::templates::Template;
    use crate::{Workshop, WorkshopConfig};

    #[test]
    fn tables_see_their_own_points_and_no_hidden_text() {
        let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
        let mut w = Workshop::new(WorkshopConfig::new(setup).unwrap());
        let run = |w: &mut Workshop, role, c: Command| w.handle(role, &c, 0).unwrap();
        run(&mut w, Role::Guest, Command::JoinTable { name: "A".into() });
        run(&mut w, Role::Guest, Command::JoinTable { name: "B".into() });
        let (a, b) = (Role::Table(TableId(0)), Role::Table(TableId(1)));
        run(
            &mut w,
            Role::Facilitator,
            Command::OpenStep {
                duration_secs: None,
            },
        );
        run(
            &mut w,
            a,
            Command::SubmitIdea {
                text: "idée A".into(),
            },
        );
        run(
            &mut w,
            b,
            Command::SubmitIdea {
                text: "idée B".into(),
            },
        );
        run(
            &mut w,
            Role::Facilitator,
            Command::SubmitIdea {
                text: "insulte".into(),
            },
        );
        run(
            &mut w,
            Role::Facilitator,
            Command::SetIdeaHidden {
                idea: IdeaId(2),
                hidden: true,
            },
        );
        run(&mut w, Role::Facilitator, Command::GoToStep { step: 2 });
        run(
            &mut w,
            Role::Facilitator,
            Command::OpenStep {
                duration_secs: None,
            },
        );
        let vote_a = run(
            &mut w,
            a,
            Command::SetVote {
                item: ItemRef::Idea(IdeaId(1)),
                points: 3,
            },
        );
        run(
            &mut w,
            b,
            Command::SetVote {
                item: ItemRef::Idea(IdeaId(0)),
                points: 2,
            },
        );

        assert!(vote_a[0].is_visible_to(a) && !vote_a[0].is_visible_to(b));
        assert!(!vote_a[0].is_visible_to(Role::Wall) && vote_a[0].is_visible_to(Role::Facilitator));

        let seen_by_a = w.redacted_for(a);
        assert_eq!(seen_by_a.all_ideas()[2].text, "", "hidden text withheld");
        let ledger = seen_by_a.vote_ledger(2).unwrap();
        assert_eq!(ledger.spent(TableId(0)), 3);
        assert_eq!(
            ledger.spent(TableId(1)),
            0,
            "another table's points withheld"
        );
        let wall = w.redacted_for(Role::Wall);
        assert_eq!(wall.vote_ledger(2).unwrap().tallies().count(), 0);
        assert_eq!(w.redacted_for(Role::Facilitator), w);
    }
}
