//! `ruche-bench`: a load generator that speaks Ruche's protocol.
//!
//! It starts the real server binary as its own process (pinned to one core
//! with `taskset`), drives it with real WebSocket clients from this process
//! (run it pinned to the other core), reads the server's CPU time and memory
//! from `/proc`, and prints each scenario's medians with min and max over the
//! runs, as Markdown for `BENCHMARKS.md`.
//!
//! Layout: `process` (the server process and `/proc`), `client` (a lean
//! protocol client), `scenarios/` (plenary, fan-out), `baseline` (the minimal
//! broadcast server), `stats` (percentiles, medians).
//!
//! `cargo xtask bench` builds everything in release and runs it.

mod baseline;
mod client;
mod process;
mod scenarios;
mod stats;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use scenarios::fanout::Fanout;
use scenarios::plenary::Plenary;
use stats::Spread;

/// Ruche's load generator and benchmarks.
#[derive(Debug, Parser)]
#[command(name = "ruche-bench", about, long_about)]
struct Args {
    #[command(subcommand)]
    internal: Option<Internal>,

    /// `smoke`: every scenario small and short (for CI, no targets checked);
    /// `full`: the sizes of BENCHMARKS.md.
    #[arg(long, value_enum, default_value_t = Size::Smoke)]
    size: Size,

    /// Runs per scenario (medians are reported).
    #[arg(long, default_value_t = 1)]
    runs: usize,

    /// Which scenarios.
    #[arg(long, value_enum, default_value_t = Which::All)]
    scenario: Which,

    /// The server binary to test.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/release/ruche-server"))]
    server: PathBuf,

    /// The core to pin the server (and the baseline) to; the generator should run on another.
    #[arg(long, default_value_t = 0)]
    server_core: usize,

    /// Leaves the server unpinned: it shares every core with the generator,
    /// as a server on a laptop does with whatever else runs there (by
    /// default it has `--server-core` to itself, and the generator the rest).
    #[arg(long)]
    server_unpinned: bool,

    /// Workshops in the many-rooms scenario, each with its tables, a wall and
    /// a facilitator (default: 10 at smoke size, 500 at full size, 11,000
    /// connections; 680 makes 15,000).
    #[arg(long)]
    rooms: Option<usize>,

    /// Ingest only: run against what already listens on 127.0.0.1:PORT (nginx
    /// in front of a cluster: bench/cluster-ingest.sh) instead of starting a
    /// server; each run creates new workshops there.
    #[arg(long)]
    target_port: Option<u16>,
}

#[derive(Debug, Subcommand)]
enum Internal {
    /// Runs the baseline broadcast server (started by the fan-out scenario).
    BaselineServer,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Size {
    Smoke,
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Which {
    All,
    Plenary,
    Fanout,
    Ingest,
    Recovery,
    Rooms,
    Storm,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(Internal::BaselineServer) = args.internal {
        return baseline::serve().await;
    }
    anyhow::ensure!(
        args.server.exists(),
        "no server binary at {} (build it with `cargo build --release -p ruche-server`, or give --server)",
        args.server.display()
    );
    anyhow::ensure!(
        args.target_port.is_none() || matches!(args.scenario, Which::Ingest),
        "--target-port runs the ingest only: give --scenario ingest"
    );
    let core = (!args.server_unpinned).then_some(args.server_core);
    println!(
        "# ruche-bench, {:?} size, {} run(s); {} cores, {}; server {}",
        args.size,
        args.runs,
        cores(),
        cpu_model(),
        core.map_or("unpinned".to_owned(), |core| format!("on core {core}"))
    );
    if matches!(args.scenario, Which::All | Which::Plenary) {
        let plenary = match args.size {
            Size::Smoke => Plenary {
                tables: 20,
                duration: Duration::from_secs(3),
            },
            Size::Full => Plenary {
                tables: 200,
                duration: Duration::from_secs(60),
            },
        };
        let mut runs = Vec::new();
        for run in 0..args.runs {
            let server = process::ServerProcess::start(&args.server, core).await?;
            let figures = plenary.run(server.port, server.pid()).await?;
            eprintln!("plenary run {}: {figures:?}", run + 1);
            runs.push(figures);
            server.stop().await;
        }
        let spread = |f: &dyn Fn(&scenarios::plenary::PlenaryFigures) -> f64| {
            Spread::of(&runs.iter().map(f).collect::<Vec<_>>())
        };
        println!(
            "\n## Plenary: {} tables, 1 wall, 1 facilitator; votes over {:?}, then scores over {:?}\n",
            plenary.tables, plenary.duration, plenary.duration
        );
        println!(
            "| figure | votes: median (min–max) | scores: median (min–max) | target |\n|---|---|---|---|"
        );
        type Phase = scenarios::plenary::PhaseFigures;
        let row = |name: &str, target: &str, f: &dyn Fn(&Phase) -> f64| {
            println!(
                "| {name} | {} | {} | {target} |",
                spread(&|r| f(&r.votes)),
                spread(&|r| f(&r.scores))
            );
        };
        row("acknowledged per run", "", &|f| f.count as f64);
        row("acknowledgement p50 (ms)", "", &|f| f.ack.0);
        row("acknowledgement p99 (ms)", "≤ 5", &|f| f.ack.1);
        row(
            "acknowledgement p99, server side (ms, bucket bound)",
            "",
            &|f| f.answer.1,
        );
        row("→ wall results p50 (ms)", "≤ 15", &|f| f.wall.0);
        row("→ wall results p99 (ms)", "≤ 60", &|f| f.wall.1);
        row("→ last tablet p99 (ms)", "≤ 80", &|f| f.last_tablet.1);
        row("server CPU during the phase (s)", "", &|f| f.server_cpu);
        row("server group commit p50 (ms, bucket bound)", "", &|f| {
            f.commit.0
        });
        row("server group commit p99 (ms, bucket bound)", "", &|f| {
            f.commit.1
        });
        row("server delivery of news p50 (ms, bucket bound)", "", &|f| {
            f.flush.0
        });
        row("server delivery of news p99 (ms, bucket bound)", "", &|f| {
            f.flush.1
        });
    }
    if matches!(args.scenario, Which::All | Which::Fanout) {
        let fanout = match args.size {
            Size::Smoke => Fanout {
                tablets: 200,
                voters: 10,
                votes_per_second: 5.0,
                duration: Duration::from_secs(3),
            },
            Size::Full => Fanout {
                tablets: 5000,
                voters: 100,
                votes_per_second: 5.0,
                duration: Duration::from_secs(20),
            },
        };
        let me = std::env::current_exe()?;
        let mut runs = Vec::new();
        for run in 0..args.runs {
            let server = process::ServerProcess::start(&args.server, core).await?;
            let figures = fanout.run(server.port, server.pid(), &me, core).await?;
            eprintln!("fan-out run {}: {figures:?}", run + 1);
            runs.push(figures);
            server.stop().await;
        }
        let spread = |f: &dyn Fn(&scenarios::fanout::FanoutFigures) -> f64| {
            Spread::of(&runs.iter().map(f).collect::<Vec<_>>())
        };
        println!(
            "\n## Fan-out: {} tablets watching, {} voting {} votes/s each, {:?}\n",
            fanout.tablets, fanout.voters, fanout.votes_per_second, fanout.duration
        );
        println!("| figure | median (min–max) | target |\n|---|---|---|");
        println!(
            "| Ruche: frames delivered per second | {} | |",
            spread(&|f| f.ruche.frames as f64 / f.seconds)
        );
        println!(
            "| Ruche: server CPU per delivered frame (µs) | {} | |",
            spread(&|f| f.ruche.cpu_per_frame_us())
        );
        println!(
            "| baseline: frames delivered per second | {} | |",
            spread(&|f| f.baseline.frames as f64 / f.seconds)
        );
        println!(
            "| baseline: CPU per delivered frame (µs) | {} | |",
            spread(&|f| f.baseline.cpu_per_frame_us())
        );
        println!(
            "| Ruche / baseline CPU per frame | {} | ≤ 0.6 |",
            spread(&|f| f.ruche.cpu_per_frame_us() / f.baseline.cpu_per_frame_us())
        );
        println!(
            "| Ruche RSS at the end (MiB) | {} | |",
            spread(&|f| f.ruche.rss_kib as f64 / 1024.0)
        );
    }
    if matches!(args.scenario, Which::All | Which::Ingest) {
        // 200 votes in flight in all at full size (20 at smoke size): enough to
        // find the rate, few enough that the latency is not just queueing.
        let (duration, shapes) = match args.size {
            Size::Smoke => (Duration::from_secs(2), [(1, 10, 2), (10, 2, 1)]),
            Size::Full => (Duration::from_secs(20), [(1, 100, 2), (100, 2, 1)]),
        };
        for (workshops, tables, window) in shapes {
            let ingest = scenarios::ingest::Ingest {
                workshops,
                tables,
                window,
                duration,
            };
            let mut runs = Vec::new();
            for run in 0..args.runs {
                let figures = match args.target_port {
                    Some(port) => ingest.run(port).await?,
                    None => {
                        let server = process::ServerProcess::start(&args.server, core).await?;
                        let figures = ingest.run(server.port).await?;
                        server.stop().await;
                        figures
                    }
                };
                eprintln!(
                    "ingest {workshops} workshop(s) run {}: {figures:?}",
                    run + 1
                );
                runs.push(figures);
            }
            let spread = |f: &dyn Fn(&scenarios::ingest::IngestFigures) -> f64| {
                Spread::of(&runs.iter().map(f).collect::<Vec<_>>())
            };
            println!(
                "\n## Durable ingest: {} workshop(s) × {} tables, {} votes in flight per table, {:?}\n",
                ingest.workshops, ingest.tables, ingest.window, ingest.duration
            );
            println!("| figure | median (min–max) | target |\n|---|---|---|");
            // Round 2's targets: 40,000/s for one workshop, 25,000/s spread over 100.
            let target = if ingest.workshops == 1 {
                "≥ 40,000"
            } else {
                "≥ 25,000"
            };
            println!(
                "| votes acknowledged per second | {} | {target} |",
                spread(&|f| f.votes_per_second)
            );
            println!("| acknowledgement p50 (ms) | {} | |", spread(&|f| f.ack.0));
            println!(
                "| acknowledgement p99 (ms) | {} | ≤ 20 |",
                spread(&|f| f.ack.1)
            );
        }
    }
    if matches!(args.scenario, Which::All | Which::Rooms) {
        let mut rooms = match args.size {
            Size::Smoke => scenarios::rooms::Rooms {
                rooms: 10,
                tables: 5,
                votes_per_second: 50.0,
                duration: Duration::from_secs(3),
            },
            Size::Full => scenarios::rooms::Rooms {
                rooms: 500,
                tables: 20,
                votes_per_second: 2000.0,
                duration: Duration::from_secs(20),
            },
        };
        if let Some(count) = args.rooms {
            // The same vote rate per workshop at any count.
            rooms.votes_per_second *= count as f64 / rooms.rooms as f64;
            rooms.rooms = count;
        }
        let mut runs = Vec::new();
        for run in 0..args.runs {
            let server = process::ServerProcess::start(&args.server, core).await?;
            let figures = rooms.run(server.port, server.pid()).await?;
            eprintln!("many rooms run {}: {figures:?}", run + 1);
            runs.push(figures);
            server.stop().await;
        }
        let spread = |f: &dyn Fn(&scenarios::rooms::RoomsFigures) -> f64| {
            Spread::of(&runs.iter().map(f).collect::<Vec<_>>())
        };
        println!(
            "\n## Many rooms: {} workshops × {} tables + a wall each, {} votes/s in all, {:?}\n",
            rooms.rooms, rooms.tables, rooms.votes_per_second, rooms.duration
        );
        println!("| figure | median (min–max) | target |\n|---|---|---|");
        println!(
            "| connected clients | {} | |",
            spread(&|f| f.clients as f64)
        );
        println!("| votes measured | {} | |", spread(&|f| f.votes as f64));
        println!(
            "| server RSS per connected client (KiB) | {} | ≤ 12 |",
            spread(&|f| f.rss_per_client_kib)
        );
        println!(
            "| vote → all clients of its workshop p50 (ms) | {} | |",
            spread(&|f| f.to_all.0)
        );
        println!(
            "| vote → all clients of its workshop p99 (ms) | {} | ≤ 100 |",
            spread(&|f| f.to_all.1)
        );
        println!(
            "| the server's part: vote read → its delivery done, p50 / p99 (ms, bucket bound) | {} / {} | |",
            spread(&|f| f.server_shown.0),
            spread(&|f| f.server_shown.1)
        );
        println!(
            "| server CPU per delivered frame (µs) | {} | |",
            spread(&|f| f.cpu_per_frame_us)
        );
    }
    if matches!(args.scenario, Which::All | Which::Storm) {
        let storm = match args.size {
            Size::Smoke => scenarios::storm::Storm {
                workshops: 2,
                tables: 25,
            },
            Size::Full => scenarios::storm::Storm {
                workshops: 10,
                tables: 500,
            },
        };
        let mut runs = Vec::new();
        for run in 0..args.runs {
            let server = process::ServerProcess::start(&args.server, core).await?;
            let took = storm.run(server.port).await?;
            eprintln!("reconnect storm run {}: {took:?}", run + 1);
            runs.push(took.as_secs_f64());
            server.stop().await;
        }
        println!(
            "\n## Reconnect storm: {} tablets ({} workshops × {}) drop and come back at once\n",
            storm.workshops * storm.tables,
            storm.workshops,
            storm.tables
        );
        println!("| figure | median (min–max) | target |\n|---|---|---|");
        println!(
            "| all back and caught up (s) | {} | ≤ 3 |",
            Spread::of(&runs)
        );
    }
    if matches!(args.scenario, Which::All | Which::Recovery) {
        let events = match args.size {
            Size::Smoke => 5_000,
            Size::Full => 1_000_000,
        };
        let mut runs = Vec::new();
        for run in 0..args.runs {
            let (took, written) = scenarios::ingest::recovery(&args.server, core, events).await?;
            eprintln!("recovery run {}: {written} events, {took:?}", run + 1);
            runs.push((took.as_secs_f64(), written as f64));
        }
        println!(
            "\n## Recovery: start-up after kill -9 with at least {events} events in the log\n"
        );
        println!("| figure | median (min–max) | target |\n|---|---|---|");
        println!(
            "| events in the log | {} | |",
            Spread::of(&runs.iter().map(|r| r.1).collect::<Vec<_>>())
        );
        println!(
            "| start to serving (s) | {} | ≤ 1 s per million events |",
            Spread::of(&runs.iter().map(|r| r.0).collect::<Vec<_>>())
        );
    }
    Ok(())
}

/// The machine's cores (not this process's: it runs pinned to one).
fn cores() -> usize {
    std::fs::read_to_string("/proc/cpuinfo")
        .map(|info| info.lines().filter(|l| l.starts_with("processor")).count())
        .unwrap_or(0)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}
