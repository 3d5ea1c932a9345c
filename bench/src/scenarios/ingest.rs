//! Durable ingest: how many votes a second the server acknowledges, each only
//! after its commit, with tables keeping a few votes in flight; on one
//! workshop and spread over many. Then recovery: the server is `kill -9`ed
//! and restarted on the log it wrote, and the time to serving is measured.

use std::time::{Duration, Instant};

use ruche_shared::{Command, IdeaId, ItemRef, Template};

use super::{join_tables, vote_room};
use crate::stats::{ms, percentile};
use ruche_shared::methods::budget_vote;

/// How big an ingest run.
pub struct Ingest {
    /// Workshops.
    pub workshops: usize,
    /// Tables per workshop.
    pub tables: usize,
    /// Votes each table keeps in flight.
    pub window: usize,
    /// How long it lasts.
    pub duration: Duration,
}

/// What one run measured.
#[derive(Debug, Default, Clone, Copy)]
pub struct IngestFigures {
    /// Votes acknowledged per second.
    pub votes_per_second: f64,
    /// Acknowledgement p50 and p99 (ms).
    pub ack: (f64, f64),
    /// Votes acknowledged in all.
    pub votes: usize,
}

impl Ingest {
    /// Runs against the server on `port`.
    pub async fn run(&self, port: u16) -> anyhow::Result<IngestFigures> {
        let mut tables = Vec::new();
        for w in 0..self.workshops {
            let room = vote_room(port, 10, Template::Ideation).await?;
            tables.extend(join_tables(port, &room.code, self.tables, &format!("W{w} T")).await?);
        }
        let start = Instant::now();
        let until = start + self.duration;
        let window = self.window;
        let mut pumps = Vec::new();
        for (n, mut table) in tables.into_iter().enumerate() {
            pumps.push(tokio::spawn(async move {
                // Ten ideas, 1–3 points each, set again and again: never past 30.
                let next = |op: u64| {
                    let item = ItemRef::Idea(IdeaId(((n as u64 + op) % 10) as u32));
                    Command::SetVote(budget_vote::SetVote {
                        item,
                        points: 1 + ((op / 10) % 3) as u32,
                    })
                };
                table.pump(window, until, next).await
            }));
        }
        let mut latencies = Vec::new();
        for pump in pumps {
            latencies.extend(pump.await??);
        }
        let seconds = start.elapsed().as_secs_f64();
        let votes = latencies.len();
        let mut p = |q| percentile(&mut latencies, q).map_or(f64::NAN, ms);
        Ok(IngestFigures {
            votes_per_second: votes as f64 / seconds,
            ack: (p(50.0), p(99.0)),
            votes,
        })
    }
}

/// Fills a server's log with at least `events` events (by ingest), then
/// crashes and restarts it; returns the time from restart to serving.
pub async fn recovery(
    binary: &std::path::Path,
    core: Option<usize>,
    events: usize,
) -> anyhow::Result<(Duration, usize)> {
    let server = crate::process::ServerProcess::start(binary, core).await?;
    let mut written = 0;
    while written < events {
        let ingest = Ingest {
            workshops: 10,
            tables: 20,
            window: 8,
            duration: Duration::from_secs(5),
        };
        written += ingest.run(server.port).await?.votes;
    }
    let (server, took) = server.crash_and_restart(binary, core).await?;
    server.stop().await;
    Ok((took, written))
}
