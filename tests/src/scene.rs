//! Scenes: a workshop on a real server brought to a given point, with the
//! clients in it, in one line (as the engine tests' `Room::ideation()`), so
//! that a test says what it checks rather than how it got there.

use ruche_shared::api::CreatedWorkshop;
use ruche_shared::methods::{budget_vote, divergence};
use ruche_shared::protocol::Seq;
use ruche_shared::{Command, IdeaId, ItemRef, flow};
use serde_json::json;

use std::net::SocketAddr;

use crate::{Client, create_workshop};

/// A workshop, its facilitator and its tables, each connected.
pub struct Scene {
    /// What the creation answered (id, join code, secret).
    pub created: CreatedWorkshop,
    /// The facilitator's connection.
    pub facilitator: Client,
    /// The tables, in the order they joined (table ids 0, 1, …).
    pub tables: Vec<Client>,
}

impl Scene {
    /// An ideation workshop (divergence 0, grouping 1, budget vote 2,
    /// results 3) with `tables` joined and its divergence open.
    pub async fn ideation(addr: SocketAddr, tables: &[&str]) -> Scene {
        let request = json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" });
        let created = create_workshop(addr, request).await;
        let mut facilitator = Client::facilitator(addr, &created).await;
        let mut joined = Vec::new();
        for name in tables {
            joined.push(Client::join(addr, &created.join_code, name).await);
        }
        facilitator.open_step().await;
        Scene {
            created,
            facilitator,
            tables: joined,
        }
    }

    /// [`Scene::ideation`], then each table submits one idea (table `n`
    /// writes idea `n`, « Idée de <name> »), and the vote step is open.
    pub async fn at_vote(addr: SocketAddr, tables: &[&str]) -> Scene {
        let mut scene = Scene::ideation(addr, tables).await;
        for (table, name) in scene.tables.iter_mut().zip(tables) {
            table.submit(&format!("Idée de {name}")).await;
        }
        scene.facilitator.go_and_open(2).await;
        scene
    }

    /// An ideation workshop at its open vote over `ideas` ideas the
    /// facilitator typed in (« Idée 0 », …), no table yet.
    pub async fn vote_on_facilitator_ideas(addr: SocketAddr, ideas: u32) -> Scene {
        let mut scene = Scene::ideation(addr, &[]).await;
        for n in 0..ideas {
            scene.facilitator.submit(&format!("Idée {n}")).await;
        }
        scene.facilitator.go_and_open(2).await;
        scene
    }

    /// The join code.
    pub fn code(&self) -> &str {
        &self.created.join_code
    }
}

/// Shorthands for the commands tests send most, each expecting acceptance.
impl Client {
    /// The facilitator opens the current step (no countdown).
    pub async fn open_step(&mut self) -> Seq {
        self.accepted(
            flow::OpenStep {
                duration_secs: None,
            }
            .into(),
        )
        .await
    }

    /// The facilitator shows or hides the results.
    pub async fn show_results(&mut self, visible: bool) -> Seq {
        self.accepted(flow::SetResultsVisible { visible }.into())
            .await
    }

    /// Submits an idea.
    pub async fn submit(&mut self, text: &str) -> Seq {
        self.accepted(
            divergence::SubmitIdea {
                text: text.to_owned(),
                category: None,
                seat: None,
            }
            .into(),
        )
        .await
    }

    /// Gives `points` to idea `idea`.
    pub async fn vote(&mut self, idea: u32, points: u32) -> Seq {
        self.accepted(vote(idea, points)).await
    }
}

/// The command giving `points` to idea `idea`.
pub fn vote(idea: u32, points: u32) -> Command {
    budget_vote::SetVote {
        item: ItemRef::Idea(IdeaId(idea)),
        points,
    }
    .into()
}
