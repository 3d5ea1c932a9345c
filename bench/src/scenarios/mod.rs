//! The scenarios, and the set-up they share: a workshop at its open vote
//! step with ideas typed in by the facilitator (so every table may vote for
//! every idea) and results revealed to everyone.

pub mod fanout;
pub mod ingest;
pub mod plenary;
pub mod rooms;
pub mod storm;

use std::net::{IpAddr, Ipv4Addr};

use anyhow::Context;
use ruche_shared::api::{CREATE_WORKSHOP, CreateWorkshop, CreatedWorkshop};
use ruche_shared::protocol::Auth;
use ruche_shared::{Command, Template};

use crate::client::Conn;
use ruche_shared::flow;
use ruche_shared::methods::divergence;

/// A workshop ready for votes.
pub struct Room {
    /// The join code.
    pub code: String,
    /// The facilitator's connection.
    pub facilitator: Conn,
}

/// Creates a workshop from `template` (one whose step 2 is a vote: `ideation`
/// or `ideation_then_evaluation`) with `ideas` ideas, at its vote step, open,
/// results shown.
pub async fn vote_room(port: u16, ideas: usize, template: Template) -> anyhow::Result<Room> {
    let request = CreateWorkshop::from_template(template, "Bench", "Bench ?");
    let created: CreatedWorkshop = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}{CREATE_WORKSHOP}"))
        .json(&request)
        .send()
        .await?
        .json()
        .await
        .context("creating the workshop")?;
    let CreatedWorkshop {
        workshop,
        join_code: code,
        facilitator_secret: secret,
    } = created;
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let facilitator = Auth::Facilitator { workshop, secret };
    let mut facilitator = Conn::connect_routed(localhost, port, facilitator, Some(&code)).await?;
    let mut op = 0;
    let mut setup = |command| {
        op += 1;
        (op, command)
    };
    let mut commands: Vec<(u64, Command)> = (0..ideas)
        .map(|n| {
            setup(Command::SubmitIdea(divergence::SubmitIdea {
                text: format!("Idée {n}"),
                category: None,
                seat: None,
            }))
        })
        .collect();
    commands.push(setup(Command::GoToStep(flow::GoToStep { step: 2 })));
    commands.push(setup(Command::OpenStep(flow::OpenStep {
        duration_secs: None,
    })));
    commands.push(setup(Command::SetResultsVisible(flow::SetResultsVisible {
        visible: true,
    })));
    for (op, command) in commands {
        facilitator.command_and_wait(op, command).await?;
    }
    Ok(Room { code, facilitator })
}

/// Joins `count` tables named `prefix n`, many at a time (joins are durable,
/// so one at a time would wait on the disk for each).
pub async fn join_tables(
    port: u16,
    code: &str,
    count: usize,
    prefix: &str,
) -> anyhow::Result<Vec<Conn>> {
    use futures_util::StreamExt;
    futures_util::stream::iter(0..count)
        .map(|n| {
            let auth = Auth::JoinTable {
                code: code.to_owned(),
                name: format!("{prefix} {n}"),
                token: None,
            };
            Conn::connect(crate::client::source_address(n), port, auth)
        })
        .buffered(128)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// Connects `count` walls (read-only watchers), many at a time; their source
/// addresses follow those of the first `after` clients.
pub async fn watch_walls(
    port: u16,
    code: &str,
    count: usize,
    after: usize,
) -> anyhow::Result<Vec<Conn>> {
    use futures_util::StreamExt;
    futures_util::stream::iter(0..count)
        .map(|n| {
            Conn::connect(
                crate::client::source_address(after + n),
                port,
                Auth::Wall {
                    code: code.to_owned(),
                },
            )
        })
        .buffered(128)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// A tiny deterministic generator (no randomness crate needed for spreading votes).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next number in 0..n.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}
