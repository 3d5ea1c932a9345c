//! Fan-out: one workshop, many tablets watching live results while a few of
//! them vote. Measured: frames delivered per second and the server's CPU per
//! delivered frame, then the same for the baseline broadcast server replaying
//! the same results payloads to the same number of clients, in the same run.

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use futures_util::{SinkExt, StreamExt};
use ruche_shared::{Command, IdeaId, ItemRef, Template};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

use super::{join_tables, vote_room, watch_walls};
use crate::client::{Counter, connect_raw, source_address};
use crate::process::{pinned, usage};
use ruche_shared::methods::budget_vote;

/// How big a fan-out.
pub struct Fanout {
    /// Tablets watching.
    pub tablets: usize,
    /// Of them, how many vote.
    pub voters: usize,
    /// Votes per second per voter.
    pub votes_per_second: f64,
    /// How long the measured window lasts.
    pub duration: Duration,
}

/// One side's figures (Ruche or the baseline).
#[derive(Debug, Default, Clone, Copy)]
pub struct Delivery {
    /// Frames received by all clients in the window.
    pub frames: u64,
    /// Server CPU seconds in the window.
    pub cpu: f64,
    /// Server resident memory at the end (KiB).
    pub rss_kib: u64,
}

impl Delivery {
    /// Microseconds of server CPU per delivered frame.
    pub fn cpu_per_frame_us(&self) -> f64 {
        self.cpu * 1e6 / self.frames.max(1) as f64
    }
}

/// What one run measured.
#[derive(Debug, Default, Clone, Copy)]
pub struct FanoutFigures {
    /// Ruche.
    pub ruche: Delivery,
    /// The baseline broadcast server.
    pub baseline: Delivery,
    /// The window, in seconds.
    pub seconds: f64,
}

impl Fanout {
    /// Runs Ruche's side on `port` (process `pid`), then the baseline (started
    /// from `bench_binary baseline-server` pinned to `core`).
    pub async fn run(
        &self,
        port: u16,
        pid: u32,
        bench_binary: &Path,
        core: Option<usize>,
    ) -> anyhow::Result<FanoutFigures> {
        let mut room = vote_room(port, 20, Template::Ideation).await?;
        let (stop_tx, stop) = watch::channel(false);
        let frames = Counter::default();
        // The voters join as tables; the others watch as walls do (a workshop
        // takes at most 500 tables, and a watcher gets the same results frames).
        let voters = self.voters.min(self.tablets);
        let mut tablets = join_tables(port, &room.code, voters, "Tablette").await?;
        tablets.extend(watch_walls(port, &room.code, self.tablets - voters, voters).await?);
        for (n, tablet) in tablets.iter_mut().enumerate() {
            // Keep the results payloads of one watcher, for the baseline to replay.
            tablet.start_reading(stop.clone(), n == voters, frames.clone());
        }
        room.facilitator
            .start_reading(stop.clone(), false, frames.clone());
        tokio::time::sleep(Duration::from_secs(1)).await;

        let (frames_before, before, start) =
            (frames.load(Ordering::Relaxed), usage(pid)?, Instant::now());
        let watchers = tablets.split_off(voters);
        let mut voters = Vec::new();
        for (n, mut voter) in tablets.into_iter().enumerate() {
            let (duration, gap) = (
                self.duration,
                Duration::from_secs_f64(1.0 / self.votes_per_second),
            );
            // Voters out of phase with each other, as people are.
            let offset = gap.mul_f64(n as f64 / self.voters.max(1) as f64);
            voters.push(tokio::spawn(async move {
                tokio::time::sleep(offset).await;
                let mut k = 0_u64;
                while start.elapsed() < duration {
                    // Ten ideas, 1–3 points each, set again and again: never past 30.
                    let item = ItemRef::Idea(IdeaId(((n as u64 + k) % 10) as u32));
                    let points = 1 + ((k / 10) % 3) as u32;
                    k += 1;
                    if voter
                        .command(k, Command::SetVote(budget_vote::SetVote { item, points }))
                        .await
                        .is_err()
                    {
                        break;
                    }
                    tokio::time::sleep(gap).await;
                }
                voter
            }));
        }
        let mut everyone = watchers;
        for voter in voters {
            everyone.push(voter.await?);
        }
        let seconds = start.elapsed().as_secs_f64();
        let after = usage(pid)?;
        let ruche = Delivery {
            frames: frames.load(Ordering::Relaxed) - frames_before,
            cpu: after.cpu_seconds - before.cpu_seconds,
            rss_kib: after.rss_kib,
        };
        let _ = stop_tx.send(true);
        let _ = room.facilitator.finish().await;
        let mut payloads = Vec::new();
        for (n, tablet) in everyone.into_iter().enumerate() {
            let received = tablet.finish().await;
            if n == 0 || payloads.is_empty() {
                payloads.extend(received.kept);
            }
        }
        let payloads: Vec<(Instant, String)> = payloads
            .into_iter()
            .filter(|(at, _)| *at >= start)
            .collect();
        let baseline = baseline_run(bench_binary, core, self.tablets, &payloads, start).await?;
        Ok(FanoutFigures {
            ruche,
            baseline,
            seconds,
        })
    }
}

/// Starts the baseline server, connects `clients`, and replays `payloads`
/// with their original spacing; returns its delivery figures.
async fn baseline_run(
    bench_binary: &Path,
    core: Option<usize>,
    clients: usize,
    payloads: &[(Instant, String)],
    recorded_from: Instant,
) -> anyhow::Result<Delivery> {
    if payloads.is_empty() {
        return Err(anyhow!("no results payload was recorded to replay"));
    }
    let mut child = pinned(core, bench_binary)
        .arg("baseline-server")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting the baseline server")?;
    let pid = child.id().unwrap_or(0);
    let mut lines =
        BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?).lines();
    let port: u16 = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await??
        .and_then(|line| {
            line.strip_prefix("baseline listening on ")
                .and_then(|p| p.parse().ok())
        })
        .ok_or_else(|| anyhow!("the baseline did not say where it listens"))?;

    let (stop_tx, stop) = watch::channel(false);
    let frames = Counter::default();
    let mut readers = Vec::new();
    for n in 0..clients {
        let (_, stream) = connect_raw(source_address(n), port).await?.split();
        readers.push(tokio::spawn(crate::client::read(
            stream,
            stop.clone(),
            false,
            frames.clone(),
        )));
    }
    let mut driver = connect_raw(source_address(clients), port).await?;
    driver
        .send(Message::text(crate::baseline::DRIVER_HELLO))
        .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;

    let (frames_before, before, start) =
        (frames.load(Ordering::Relaxed), usage(pid)?, Instant::now());
    for (at, payload) in payloads {
        tokio::time::sleep_until((start + at.duration_since(recorded_from)).into()).await;
        driver.send(Message::text(payload.clone())).await?;
    }
    // Let the last broadcast reach everyone.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = usage(pid)?;
    let delivery = Delivery {
        frames: frames.load(Ordering::Relaxed) - frames_before,
        cpu: after.cpu_seconds - before.cpu_seconds,
        rss_kib: after.rss_kib,
    };
    let _ = stop_tx.send(true);
    for reader in readers {
        let _ = reader.await;
    }
    let _ = child.kill().await;
    Ok(delivery)
}
