//! Reconnect storm: every tablet of several workshops loses its connection at
//! the same moment (the venue's Wi-Fi drops) and all come back at once, each
//! with its table token and the last sequence number it saw. Measured: the
//! time until every one of them is back and caught up.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use ruche_shared::protocol::Auth;
use ruche_shared::{Command, IdeaId, ItemRef, Template};
use tokio::sync::watch;

use super::{join_tables, vote_room};
use crate::client::{Conn, Counter, Kind, source_address};
use ruche_shared::flow;
use ruche_shared::methods::budget_vote;

/// How big a storm.
pub struct Storm {
    /// Workshops.
    pub workshops: usize,
    /// Tablets (tables) per workshop.
    pub tables: usize,
}

impl Storm {
    /// Runs against the server on `port`; returns the time for all to be back and caught up.
    pub async fn run(&self, port: u16) -> anyhow::Result<Duration> {
        let (stop_tx, stop) = watch::channel(false);
        let frames = Counter::default();
        let mut tablets: Vec<(String, Conn)> = Vec::new();
        let mut facilitators = Vec::new();
        for w in 0..self.workshops {
            let room = vote_room(port, 20, Template::Ideation).await?;
            for table in join_tables(port, &room.code, self.tables, &format!("W{w} T")).await? {
                tablets.push((room.code.clone(), table));
            }
            facilitators.push(room.facilitator);
        }
        // Some votes, so that the tablets have something to catch up on.
        for (n, (_, tablet)) in tablets.iter_mut().enumerate().step_by(10) {
            let item = ItemRef::Idea(IdeaId((n % 20) as u32));
            tablet
                .command_and_wait(
                    1,
                    Command::SetVote(budget_vote::SetVote { item, points: 2 }),
                )
                .await?;
        }
        let mut seen = Vec::new();
        for (code, mut tablet) in tablets {
            let token = tablet.token.clone().unwrap_or_default();
            tablet.start_reading(stop.clone(), false, frames.clone());
            seen.push((code, token, tablet));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let _ = stop_tx.send(true);
        // The Wi-Fi drops: every tablet's connection closes at once.
        let mut lost = Vec::new();
        for (code, token, tablet) in seen {
            let received = tablet.finish().await;
            let last_seq = received
                .records
                .iter()
                .filter(|r| r.kind == Kind::Results)
                .map(|r| r.seq)
                .max();
            lost.push((code, token, last_seq));
        }
        // A few more votes while they are away, from the facilitators' side of the room.
        for facilitator in &mut facilitators {
            facilitator
                .command_and_wait(1000, Command::CloseStep(flow::CloseStep {}))
                .await?;
            facilitator
                .command_and_wait(
                    1001,
                    Command::OpenStep(flow::OpenStep {
                        duration_secs: Some(60),
                    }),
                )
                .await?;
        }
        let start = Instant::now();
        let back: Vec<anyhow::Result<Conn>> =
            futures_util::stream::iter(lost.into_iter().enumerate())
                .map(|(n, (code, token, last_seq))| {
                    Conn::reconnect(
                        source_address(n),
                        port,
                        Auth::RejoinTable { code, token },
                        last_seq,
                    )
                })
                .buffer_unordered(10_000)
                .collect()
                .await;
        let took = start.elapsed();
        let failed = back.iter().filter(|b| b.is_err()).count();
        anyhow::ensure!(
            failed == 0,
            "{failed} tablets could not come back: {:?}",
            back.into_iter().find_map(|b| b.err())
        );
        Ok(took)
    }
}
