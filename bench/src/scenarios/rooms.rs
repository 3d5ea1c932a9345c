//! Many rooms: hundreds of workshops at once on one server, each with its
//! tables and its wall, votes spread over all of them. Measured: resident
//! memory per connected client, and vote → every client of that workshop.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use ruche_shared::protocol::Auth;
use ruche_shared::{Command, IdeaId, ItemRef, Template};
use tokio::sync::watch;

use super::plenary::{first_showing, results_of};
use super::{join_tables, vote_room};
use crate::client::{Conn, Counter, Kind, source_address};
use crate::process::usage;
use crate::stats::{ms, percentile};
use ruche_shared::methods::budget_vote;

/// How many rooms.
pub struct Rooms {
    /// Workshops.
    pub rooms: usize,
    /// Tables per workshop.
    pub tables: usize,
    /// Votes per second over all rooms.
    pub votes_per_second: f64,
    /// How long the votes last.
    pub duration: Duration,
}

/// What one run measured.
#[derive(Debug, Default, Clone, Copy)]
pub struct RoomsFigures {
    /// Connections open (tables, walls, facilitators).
    pub clients: usize,
    /// Server RSS growth per connected client (KiB), workshops' state included.
    pub rss_per_client_kib: f64,
    /// Vote → every client of its workshop, p50 and p99 (ms).
    pub to_all: (f64, f64),
    /// The server's part of it: from reading a vote to the end of the
    /// delivery carrying it (`ruche_shown_seconds`), p50 and p99 (ms, the
    /// upper bound of the histogram's bucket).
    pub server_shown: (f64, f64),
    /// Votes acknowledged.
    pub votes: usize,
    /// Server CPU per frame delivered (µs).
    pub cpu_per_frame_us: f64,
}

struct Room {
    facilitator: Conn,
    wall: Conn,
    tables: Vec<Conn>,
}

impl Rooms {
    /// Runs against the server on `port` (process `pid`).
    pub async fn run(&self, port: u16, pid: u32) -> anyhow::Result<RoomsFigures> {
        let base = usage(pid)?;
        let tables = self.tables;
        let mut rooms: Vec<Room> = futures_util::stream::iter(0..self.rooms)
            .map(|r| async move {
                let room = vote_room(port, 20, Template::Ideation).await?;
                let first = r * (tables + 1);
                let auth = Auth::Wall {
                    code: room.code.clone(),
                };
                let wall = Conn::connect(source_address(first + tables), port, auth).await?;
                let tables = join_tables(port, &room.code, tables, &format!("R{r} T")).await?;
                anyhow::Ok(Room {
                    facilitator: room.facilitator,
                    wall,
                    tables,
                })
            })
            .buffered(8)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
        let clients = rooms.len() * (self.tables + 2);
        let (stop_tx, stop) = watch::channel(false);
        let frames = Counter::default();
        for room in &mut rooms {
            room.facilitator
                .start_reading(stop.clone(), false, frames.clone());
            room.wall.start_reading(stop.clone(), false, frames.clone());
            for table in &mut room.tables {
                table.start_reading(stop.clone(), false, frames.clone());
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let connected = usage(pid)?;

        let frames_before = frames.load(std::sync::atomic::Ordering::Relaxed);
        let shown_before = crate::process::Histograms::read(port).await?.shown();
        let start = Instant::now() + Duration::from_millis(100);
        let all_tables = (self.rooms * self.tables) as f64;
        let per_table = Duration::from_secs_f64(all_tables / self.votes_per_second);
        let votes_each = (self.duration.as_secs_f64() / per_table.as_secs_f64()).ceil() as u64;
        let mut senders = Vec::new();
        for (r, room) in rooms.into_iter().enumerate() {
            let Room {
                facilitator,
                wall,
                tables,
            } = room;
            let mut voting = Vec::new();
            for (t, mut table) in tables.into_iter().enumerate() {
                let phase = ((r * 31 + t * 17) % 1000) as f64 / 1000.0;
                voting.push(tokio::spawn(async move {
                    let mut sent = Vec::new();
                    for k in 0..votes_each {
                        tokio::time::sleep_until(
                            (start + per_table.mul_f64(k as f64 + phase)).into(),
                        )
                        .await;
                        let item = ItemRef::Idea(IdeaId(((t as u64 + k) % 10) as u32));
                        let command = Command::SetVote(budget_vote::SetVote {
                            item,
                            points: 1 + ((k / 10) % 3) as u32,
                        });
                        let at = Instant::now();
                        if table.command(k + 1, command).await.is_err() {
                            break;
                        }
                        sent.push((k + 1, at));
                    }
                    (table, sent)
                }));
            }
            senders.push((facilitator, wall, voting));
        }
        let mut finished = Vec::new();
        for (facilitator, wall, voting) in senders {
            let mut tables = Vec::new();
            for task in voting {
                tables.push(task.await?);
            }
            finished.push((facilitator, wall, tables));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after = usage(pid)?;
        let shown_after = crate::process::Histograms::read(port).await?.shown();
        let delivered = frames.load(std::sync::atomic::Ordering::Relaxed) - frames_before;
        let _ = stop_tx.send(true);

        let mut to_all = Vec::new();
        for (facilitator, wall, tables) in finished {
            let _ = facilitator.finish().await;
            let mut screens = vec![results_of(&wall.finish().await)];
            let mut room_sends = Vec::new();
            for (table, sent) in tables {
                let received = table.finish().await;
                let acks: HashMap<u64, u64> = received
                    .records
                    .iter()
                    .filter(|r| r.kind == Kind::Accepted)
                    .map(|r| (r.op, r.seq))
                    .collect();
                room_sends.extend(
                    sent.into_iter()
                        .filter_map(|(op, at)| Some((at, *acks.get(&op)?))),
                );
                screens.push(results_of(&received));
            }
            for (at, seq) in room_sends {
                let shown: Option<Vec<Instant>> = screens
                    .iter()
                    .map(|frames| first_showing(frames, seq))
                    .collect();
                if let Some(last) = shown.and_then(|all| all.into_iter().max()) {
                    to_all.push(last.saturating_duration_since(at));
                }
            }
        }
        let votes = to_all.len();
        let mut p = |q| percentile(&mut to_all, q).map_or(f64::NAN, ms);
        Ok(RoomsFigures {
            clients,
            rss_per_client_kib: (connected.rss_kib.saturating_sub(base.rss_kib)) as f64
                / clients as f64,
            to_all: (p(50.0), p(99.0)),
            server_shown: (
                crate::process::bucket_percentile_ms(&shown_before, &shown_after, 50.0),
                crate::process::bucket_percentile_ms(&shown_before, &shown_after, 99.0),
            ),
            votes,
            cpu_per_frame_us: (after.cpu_seconds - connected.cpu_seconds) * 1e6
                / delivered.max(1) as f64,
        })
    }
}
