//! Helpers for the engine's tests: a workshop driven as a room would drive it,
//! with typed shortcuts per role and a check that a refusal changes nothing.

#![allow(dead_code)] // each test file uses a different part of this

use ruche_shared::methods::{budget_vote, divergence, dot_vote, scoring};
use ruche_shared::{
    Command, Event, IdeaId, ItemRef, Role, RuleViolation, TableId, Template, Workshop,
    WorkshopConfig, WorkshopSetup, source_criteria,
};
use ruche_shared::{flow, joining};

/// A workshop and a clock.
pub struct Room {
    pub workshop: Workshop,
    pub now_ms: u64,
}

impl Room {
    pub fn new(setup: WorkshopSetup) -> Room {
        let config = WorkshopConfig::new(setup).expect("test setup is valid");
        Room {
            workshop: Workshop::new(config),
            now_ms: 1_700_000_000_000,
        }
    }

    /// Divergence (0) → grouping (1) → budget vote (2) → results (3).
    pub fn ideation() -> Room {
        Room::new(Template::Ideation.setup("Salle", "Comment optimiser ?", vec![], vec![]))
    }

    /// Scoring of `items` on the source's three criteria (0) → results (1).
    pub fn evaluation(items: &[&str]) -> Room {
        let items = items.iter().map(|s| s.to_string()).collect();
        Room::new(Template::Evaluation.setup("Réfugiés", "Accueil ?", source_criteria(), items))
    }

    pub fn send(&mut self, role: Role, command: Command) -> Result<Vec<Event>, RuleViolation> {
        self.now_ms += 1000;
        self.workshop.handle(role, &command, self.now_ms)
    }

    pub fn facilitator(&mut self, command: Command) -> Vec<Event> {
        let name = command.name();
        self.send(Role::Facilitator, command)
            .unwrap_or_else(|v| panic!("facilitator {name} refused: {v}"))
    }

    pub fn table(&mut self, table: TableId, command: Command) -> Vec<Event> {
        let name = command.name();
        self.send(Role::Table(table), command)
            .unwrap_or_else(|v| panic!("table {table:?} {name} refused: {v}"))
    }

    pub fn join(&mut self, name: &str) -> TableId {
        match self
            .send(
                Role::Guest,
                Command::JoinTable(joining::JoinTable { name: name.into() }),
            )
            .as_deref()
        {
            Ok([Event::TableJoined(joining::TableJoined { table, .. })]) => *table,
            other => panic!("join {name:?}: {other:?}"),
        }
    }

    pub fn idea(&mut self, table: TableId, text: &str) -> IdeaId {
        match self
            .table(
                table,
                Command::SubmitIdea(divergence::SubmitIdea {
                    text: text.into(),
                    category: None,
                    seat: None,
                }),
            )
            .as_slice()
        {
            // (In a moderated step its text follows, for its table alone.)
            [
                Event::IdeaSubmitted(divergence::IdeaSubmitted { idea, .. }),
                ..,
            ] => *idea,
            other => panic!("submit: {other:?}"),
        }
    }

    pub fn go_and_open(&mut self, step: usize) {
        self.facilitator(Command::GoToStep(flow::GoToStep { step }));
        self.facilitator(Command::OpenStep(flow::OpenStep {
            duration_secs: None,
        }));
    }

    pub fn vote(&mut self, table: TableId, item: ItemRef, points: u32) {
        self.table(
            table,
            Command::SetVote(budget_vote::SetVote { item, points }),
        );
    }

    /// Seat `seat` of `table` puts `dots` dots on `item`; must be accepted.
    pub fn dot(&mut self, table: TableId, seat: u8, item: ItemRef, dots: u32) {
        let command = Command::SetDot(dot_vote::SetDot { seat, item, dots });
        self.table(table, command);
    }

    pub fn score(&mut self, table: TableId, seat: u8, item: u32, criterion: u32, score: u8) {
        let command = Command::SetScore(scoring::SetScore {
            seat,
            item,
            criterion,
            score: Some(score),
        });
        self.table(table, command);
    }

    /// Sends a command that must be refused with `code`, and checks that the
    /// workshop is exactly as it was. Returns the violation for closer checks.
    pub fn refused(&mut self, role: Role, command: Command, code: &str) -> RuleViolation {
        let before = self.workshop.clone();
        let name = command.name();
        match self.send(role, command) {
            Ok(events) => panic!("{name} by {role:?} was accepted ({events:?}), expected {code}"),
            Err(violation) => {
                assert_eq!(violation.code(), code, "{name} by {role:?}: {violation}");
                assert_eq!(
                    self.workshop, before,
                    "a refused {name} changed the workshop"
                );
                violation
            }
        }
    }
}

pub fn idea(id: IdeaId) -> ItemRef {
    ItemRef::Idea(id)
}
