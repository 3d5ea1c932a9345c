//! Plenary: one workshop, many tables, one wall, one facilitator. Every table
//! spends its 30 points in 1–3 point votes spread over the run; then the
//! facilitator moves to the scoring of the vote's top 5 and the 3 seats of
//! every table score the 5 ideas on 3 criteria, spread over the same time.
//! Measured per vote and per score: acknowledgement latency, → updated
//! results on the wall, and → updated results on the last tablet.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ruche_shared::protocol::Auth;
use ruche_shared::{Command, IdeaId, ItemRef, Template};
use tokio::sync::watch;

use super::{Lcg, join_tables, vote_room};
use crate::client::{Conn, Kind, Received, source_address};
use crate::stats::percentile;
use ruche_shared::flow;
use ruche_shared::methods::{budget_vote, scoring};

/// How big a plenary.
pub struct Plenary {
    /// Tables (tablets).
    pub tables: usize,
    /// How long the votes are spread over (and then the scores).
    pub duration: Duration,
}

/// What one run measured.
#[derive(Debug, Default, Clone)]
pub struct PlenaryFigures {
    /// The vote.
    pub votes: PhaseFigures,
    /// The scoring.
    pub scores: PhaseFigures,
}

/// What one phase (votes or scores) measured.
#[derive(Debug, Default, Clone)]
pub struct PhaseFigures {
    /// Commands sent and acknowledged.
    pub count: usize,
    /// Acknowledgement latency, p50 and p99 (ms).
    pub ack: (f64, f64),
    /// Command → wall results, p50 and p99 (ms).
    pub wall: (f64, f64),
    /// Command → last tablet's results, p50 and p99 (ms).
    pub last_tablet: (f64, f64),
    /// Server CPU seconds during the phase.
    pub server_cpu: f64,
    /// The server's group commits (write and fsync) in the phase, p50 and
    /// p99 (ms, the upper bound of the histogram's bucket).
    pub commit: (f64, f64),
    /// The server's deliveries of news (what commands wait behind), p50 and
    /// p99 (ms, the upper bound of the histogram's bucket).
    pub flush: (f64, f64),
    /// The acknowledgement's latency as the server measures it (from reading
    /// the command to handing its answer to the socket), p50 and p99 (ms,
    /// the upper bound of the histogram's bucket): the rest of the client's
    /// figure is the network and the generator's own delay.
    pub answer: (f64, f64),
}

const IDEAS: u64 = 60;
/// The scoring step of the `ideation_then_evaluation` template, and its shape.
const SCORING_STEP: usize = 3;
const SEATS: u8 = 3;
const SCORED_ITEMS: u32 = 5;
const CRITERIA: u32 = 3;
/// Score operations are numbered after this, votes before.
const SCORE_OPS: u64 = 1_000;

/// Each table's commands of one phase, sent spread over a duration; the
/// tables, and when each operation was sent.
type Sent = (Vec<Conn>, Vec<Vec<(u64, Instant)>>);

impl Plenary {
    /// Runs once against the server on `port` (whose process is `pid`).
    pub async fn run(&self, port: u16, pid: u32) -> anyhow::Result<PlenaryFigures> {
        let mut room = vote_room(port, IDEAS as usize, Template::IdeationThenEvaluation).await?;
        let (stop_tx, stop) = watch::channel(false);
        let mut tables = join_tables(port, &room.code, self.tables, "Table").await?;
        let mut wall = Conn::connect(
            source_address(self.tables),
            port,
            Auth::Wall {
                code: room.code.clone(),
            },
        )
        .await?;
        let frames = crate::client::Counter::default();
        wall.start_reading(stop.clone(), false, frames.clone());
        room.facilitator
            .start_reading(stop.clone(), false, frames.clone());
        for table in &mut tables {
            table.start_reading(stop.clone(), false, frames.clone());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;

        let before_votes = crate::process::usage(pid)?;
        let server_before_votes = crate::process::Histograms::read(port).await?;
        let (tables, vote_sends) = spread(tables, self.duration, 0, |n| {
            vote_plan(n as u64)
                .into_iter()
                .map(|(item, points)| {
                    Command::SetVote(budget_vote::SetVote {
                        item: ItemRef::Idea(IdeaId(item as u32)),
                        points,
                    })
                })
                .collect()
        })
        .await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after_votes = crate::process::usage(pid)?;
        let server_after_votes = crate::process::Histograms::read(port).await?;

        // The scoring of the vote's top 5, by every seat of every table.
        room.facilitator
            .command(
                90_001,
                Command::GoToStep(flow::GoToStep { step: SCORING_STEP }),
            )
            .await?;
        room.facilitator
            .command(
                90_002,
                Command::OpenStep(flow::OpenStep {
                    duration_secs: None,
                }),
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before_scores = crate::process::usage(pid)?;
        let server_before_scores = crate::process::Histograms::read(port).await?;
        let (tables, score_sends) =
            spread(tables, self.duration, SCORE_OPS, |n| score_plan(n as u64)).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after_scores = crate::process::usage(pid)?;
        let server_after_scores = crate::process::Histograms::read(port).await?;
        let _ = stop_tx.send(true);

        let wall = wall.finish().await;
        let _ = room.facilitator.finish().await;
        let mut received = Vec::new();
        for table in tables {
            received.push(table.finish().await);
        }
        Ok(PlenaryFigures {
            votes: PhaseFigures {
                commit: spread_ms(
                    &server_before_votes.commits(),
                    &server_after_votes.commits(),
                ),
                flush: spread_ms(
                    &server_before_votes.flushes(),
                    &server_after_votes.flushes(),
                ),
                answer: spread_ms(
                    &server_before_votes.answers(),
                    &server_after_votes.answers(),
                ),
                ..measure(
                    &vote_sends,
                    &received,
                    &wall,
                    after_votes.cpu_seconds - before_votes.cpu_seconds,
                )
            },
            scores: PhaseFigures {
                commit: spread_ms(
                    &server_before_scores.commits(),
                    &server_after_scores.commits(),
                ),
                flush: spread_ms(
                    &server_before_scores.flushes(),
                    &server_after_scores.flushes(),
                ),
                answer: spread_ms(
                    &server_before_scores.answers(),
                    &server_after_scores.answers(),
                ),
                ..measure(
                    &score_sends,
                    &received,
                    &wall,
                    after_scores.cpu_seconds - before_scores.cpu_seconds,
                )
            },
        })
    }
}

/// p50 and p99 (ms) of what a server histogram counted in a phase.
fn spread_ms(before: &[(f64, u64)], after: &[(f64, u64)]) -> (f64, f64) {
    (
        crate::process::bucket_percentile_ms(before, after, 50.0),
        crate::process::bucket_percentile_ms(before, after, 99.0),
    )
}

/// Sends every table's plan, each table's commands evenly over `duration`,
/// tables out of phase with each other; operation ids start after `first_op`.
async fn spread(
    tables: Vec<Conn>,
    duration: Duration,
    first_op: u64,
    plan_of: impl Fn(usize) -> Vec<Command>,
) -> anyhow::Result<Sent> {
    let start = Instant::now() + Duration::from_millis(100);
    let mut senders = Vec::new();
    for (n, mut table) in tables.into_iter().enumerate() {
        let plan = plan_of(n);
        senders.push(tokio::spawn(async move {
            let mut sent = Vec::with_capacity(plan.len());
            let count = plan.len();
            for (k, command) in plan.into_iter().enumerate() {
                let phase = (k as f64 + (n as f64 * 0.618).fract()) / count as f64;
                tokio::time::sleep_until((start + duration.mul_f64(phase)).into()).await;
                let op = first_op + k as u64 + 1;
                let at = Instant::now();
                if table.command(op, command).await.is_err() {
                    break;
                }
                sent.push((op, at));
            }
            (table, sent)
        }));
    }
    let mut tables = Vec::new();
    let mut sends = Vec::new();
    for sender in senders {
        let (table, sent) = sender.await?;
        tables.push(table);
        sends.push(sent);
    }
    Ok((tables, sends))
}

/// One table's scores: every seat, every scored idea, every criterion, 0–10.
fn score_plan(table: u64) -> Vec<Command> {
    let mut lcg = Lcg(table + 1_000);
    let mut plan = Vec::new();
    for seat in 1..=SEATS {
        for item in 0..SCORED_ITEMS {
            for criterion in 0..CRITERIA {
                plan.push(Command::SetScore(scoring::SetScore {
                    seat,
                    item,
                    criterion,
                    score: Some(lcg.below(11) as u8),
                }));
            }
        }
    }
    plan
}

/// One table's votes: distinct ideas from its own offset, 1–3 points each, 30 in all.
fn vote_plan(table: u64) -> Vec<(u64, u32)> {
    let mut lcg = Lcg(table + 1);
    let mut left = 30_u32;
    let mut plan = Vec::new();
    let mut item = (table * 7) % IDEAS;
    while left > 0 {
        let points = (1 + lcg.below(3) as u32).min(left);
        plan.push((item, points));
        left -= points;
        item = (item + 1) % IDEAS;
    }
    plan
}

pub(crate) fn results_of(received: &Received) -> Vec<(Instant, u64)> {
    received
        .records
        .iter()
        .filter(|r| r.kind == Kind::Results)
        .map(|r| (r.at, r.seq))
        .collect()
}

/// When `frames` (arrival, seq) first showed a sequence number of at least `seq`.
pub(crate) fn first_showing(frames: &[(Instant, u64)], seq: u64) -> Option<Instant> {
    let index = frames.partition_point(|(_, s)| *s < seq);
    frames.get(index).map(|(at, _)| *at)
}

fn measure(
    sends: &[Vec<(u64, Instant)>],
    received: &[Received],
    wall: &Received,
    cpu: f64,
) -> PhaseFigures {
    let wall_frames = results_of(wall);
    let table_frames: Vec<Vec<(Instant, u64)>> = received.iter().map(results_of).collect();
    let (mut ack, mut to_wall, mut to_last) = (Vec::new(), Vec::new(), Vec::new());
    for (sent, got) in sends.iter().zip(received) {
        let acks: HashMap<u64, (Instant, u64)> = got
            .records
            .iter()
            .filter(|r| r.kind == Kind::Accepted)
            .map(|r| (r.op, (r.at, r.seq)))
            .collect();
        for (op, at) in sent {
            let Some((acked, seq)) = acks.get(op) else {
                continue;
            };
            ack.push(acked.duration_since(*at));
            if let Some(shown) = first_showing(&wall_frames, *seq) {
                to_wall.push(shown.saturating_duration_since(*at));
            }
            let last = table_frames
                .iter()
                .map(|frames| first_showing(frames, *seq))
                .collect::<Option<Vec<_>>>();
            if let Some(last) = last.and_then(|all| all.into_iter().max()) {
                to_last.push(last.saturating_duration_since(*at));
            }
        }
    }
    let p = |samples: &mut Vec<Duration>| {
        let ms = |d: Option<Duration>| d.map_or(f64::NAN, crate::stats::ms);
        (ms(percentile(samples, 50.0)), ms(percentile(samples, 99.0)))
    };
    PhaseFigures {
        count: ack.len(),
        ack: p(&mut ack),
        wall: p(&mut to_wall),
        last_tablet: p(&mut to_last),
        server_cpu: cpu,
        commit: (f64::NAN, f64::NAN),
        flush: (f64::NAN, f64::NAN),
        answer: (f64::NAN, f64::NAN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seat_scores_every_idea_on_every_criterion_within_the_scale() {
        let plan = score_plan(7);
        assert_eq!(plan.len(), 3 * 5 * 3);
        assert!(plan.iter().all(
            |c| matches!(c, Command::SetScore(scoring::SetScore { score: Some(s), .. }) if *s <= 10)
        ));
    }

    #[test]
    fn every_table_plans_exactly_its_30_points_within_the_cap() {
        for table in 0..200 {
            let plan = vote_plan(table);
            assert_eq!(plan.iter().map(|(_, p)| p).sum::<u32>(), 30);
            assert!(plan.iter().all(|(_, p)| (1..=3).contains(p)));
            let mut items: Vec<u64> = plan.iter().map(|(i, _)| *i).collect();
            items.sort();
            items.dedup();
            assert_eq!(items.len(), plan.len(), "a set per item, never twice");
        }
    }
}
