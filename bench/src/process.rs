//! The server under test as a separate process, pinned to its own core, and
//! what `/proc` says of it (CPU time, resident memory).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, anyhow};
use tokio::io::{AsyncBufReadExt, BufReader};

/// A running server process.
pub struct ServerProcess {
    child: tokio::process::Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    _dir: tempfile::TempDir,
    /// What it was given as `--db`.
    db: String,
}

/// `RUCHE_BENCH_POSTGRES=postgres://user@host:port` runs the servers on
/// PostgreSQL: each start gets a new, empty database of that server.
const POSTGRES_VARIABLE: &str = "RUCHE_BENCH_POSTGRES";

/// A new database on the PostgreSQL the bench was given: its address.
async fn new_postgres_database(server: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let server = server.trim_end_matches('/').to_owned();
        let mut client = postgres::Client::connect(&format!("{server}/postgres"), postgres::NoTls)
            .with_context(|| format!("connecting to {server} ({POSTGRES_VARIABLE})"))?;
        let name = format!("ruche_bench_{}", uuid_like());
        client.batch_execute(&format!("CREATE DATABASE {name}"))?;
        Ok(format!("{server}/{name}"))
    })
    .await?
}

/// A name unlikely to repeat: the time in nanoseconds and the process id.
fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos}_{}", std::process::id())
}

/// CPU time and memory of a process, read from `/proc`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// User + system CPU time, in seconds.
    pub cpu_seconds: f64,
    /// Resident memory, in KiB.
    pub rss_kib: u64,
}

impl std::ops::Sub for Usage {
    type Output = Usage;
    fn sub(self, earlier: Usage) -> Usage {
        Usage {
            cpu_seconds: self.cpu_seconds - earlier.cpu_seconds,
            rss_kib: self.rss_kib,
        }
    }
}

/// Reads a process's CPU time and RSS.
pub fn usage(pid: u32) -> anyhow::Result<Usage> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| anyhow!("bad /proc stat"))?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rss_kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0);
    Ok(Usage {
        cpu_seconds: ticks / clock_ticks_per_second(),
        rss_kib,
    })
}

/// USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`).
fn clock_ticks_per_second() -> f64 {
    100.0
}

/// Runs `program args…` pinned to `core` with `taskset` when it is there.
pub fn pinned(core: Option<usize>, program: &Path) -> tokio::process::Command {
    match core.filter(|_| Path::new("/usr/bin/taskset").exists()) {
        Some(core) => {
            let mut command = tokio::process::Command::new("taskset");
            command.arg("-c").arg(core.to_string()).arg(program);
            command
        }
        None => tokio::process::Command::new(program),
    }
}

impl ServerProcess {
    /// Starts the Ruche server binary with a fresh database and limits lifted
    /// for load (many joins from one address, many commands per connection).
    pub async fn start(binary: &Path, core: Option<usize>) -> anyhow::Result<ServerProcess> {
        let dir = tempfile::tempdir()?;
        let db = match std::env::var(POSTGRES_VARIABLE) {
            Ok(server) => new_postgres_database(server).await?,
            Err(_) => dir.path().join("bench.db").display().to_string(),
        };
        ServerProcess::start_on(binary, core, dir, db).await
    }

    /// `kill -9`s the server and starts it again on the same database;
    /// returns it and how long it took from start to serving (recovery included).
    pub async fn crash_and_restart(
        mut self,
        binary: &Path,
        core: Option<usize>,
    ) -> anyhow::Result<(ServerProcess, Duration)> {
        let _ = self.child.kill().await;
        let dir = self._dir;
        let started = std::time::Instant::now();
        let server = ServerProcess::start_on(binary, core, dir, self.db).await?;
        Ok((server, started.elapsed()))
    }

    async fn start_on(
        binary: &Path,
        core: Option<usize>,
        dir: tempfile::TempDir,
        db: String,
    ) -> anyhow::Result<ServerProcess> {
        let mut child = pinned(core, binary)
            .args(["--bind", "127.0.0.1:0", "--log", "warn"])
            .args([
                "--commands-per-second",
                "100000",
                "--join-attempts-per-minute",
                "1000000",
                "--creations-per-hour",
                "1000000",
                "--max-workshops",
                "100000",
                // The fan-out scenario watches one workshop from thousands of walls.
                "--max-walls-per-workshop",
                "100000",
            ])
            .arg("--db")
            .arg(&db)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let port = tokio::time::timeout(Duration::from_secs(120), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.strip_prefix("Ruche is running: http://localhost:") {
                    return rest.split('/').next().and_then(|p| p.parse::<u16>().ok());
                }
            }
            None
        })
        .await
        .context("the server did not start in 120 s")?
        .ok_or_else(|| anyhow!("the server did not say where it listens"))?;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(ServerProcess {
            child,
            port,
            _dir: dir,
            db,
        })
    }

    /// The process id (of the server itself, under `taskset`, which execs it).
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// Stops it.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// The server's histograms so far, from its `/metrics`.
pub struct Histograms(String);

impl Histograms {
    /// Reads the server's `/metrics`.
    pub async fn read(port: u16) -> anyhow::Result<Histograms> {
        let text = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
            .await?
            .text()
            .await?;
        Ok(Histograms(text))
    }

    /// The group commits (write and fsync) so far.
    pub fn commits(&self) -> Vec<(f64, u64)> {
        buckets(&self.0, "commit_seconds")
    }

    /// The deliveries of news so far.
    pub fn flushes(&self) -> Vec<(f64, u64)> {
        buckets(&self.0, "flush_seconds")
    }

    /// The commands answered so far, timed from when the server read them.
    pub fn answers(&self) -> Vec<(f64, u64)> {
        buckets(&self.0, "answer_seconds")
    }

    /// The changes delivered so far, timed from when the server read the
    /// command that made them to the end of their delivery.
    pub fn shown(&self) -> Vec<(f64, u64)> {
        buckets(&self.0, "shown_seconds")
    }
}

/// The cumulative count per bucket of the histogram `ruche_<name>`, as
/// (upper bound in seconds, count).
fn buckets(metrics: &str, name: &str) -> Vec<(f64, u64)> {
    let prefix = format!("ruche_{name}_bucket{{le=\"");
    metrics
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(prefix.as_str())?;
            let (le, count) = rest.split_once("\"} ")?;
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            Some((le, count.trim().parse().ok()?))
        })
        .collect()
}

/// The `q`-th percentile (0–100) of what a histogram counted between two
/// readings, as the upper bound of its bucket, in milliseconds.
pub fn bucket_percentile_ms(before: &[(f64, u64)], after: &[(f64, u64)], q: f64) -> f64 {
    let counts: Vec<(f64, u64)> = after
        .iter()
        .map(|(le, n)| {
            let earlier = before.iter().find(|(b, _)| b == le).map_or(0, |(_, c)| *c);
            (*le, n.saturating_sub(earlier))
        })
        .collect();
    let total = counts.last().map_or(0, |(_, n)| *n);
    if total == 0 {
        return f64::NAN;
    }
    let wanted = (total as f64 * q / 100.0).ceil() as u64;
    counts
        .iter()
        .find(|(_, n)| *n >= wanted)
        .map_or(f64::NAN, |(le, _)| le * 1000.0)
}

#[cfg(test)]
mod histogram_tests {
    use super::{bucket_percentile_ms, buckets};

    #[test]
    fn the_percentile_is_the_bucket_that_holds_it_between_two_readings() {
        let before = [(0.001, 10), (0.002, 10), (f64::INFINITY, 10)];
        let after = [(0.001, 108), (0.002, 109), (f64::INFINITY, 110)];
        // 100 commits in the window: 98 under 1 ms, 1 under 2 ms, 1 above.
        assert_eq!(bucket_percentile_ms(&before, &after, 50.0), 1.0);
        assert_eq!(bucket_percentile_ms(&before, &after, 99.0), 2.0);
        assert!(bucket_percentile_ms(&before, &after, 100.0).is_infinite());
    }

    #[test]
    fn a_histogram_is_read_from_the_metrics_text() {
        let text = "ruche_commit_seconds_bucket{le=\"0.001\"} 3\n\
                    ruche_commit_seconds_bucket{le=\"+Inf\"} 4\n\
                    ruche_flush_seconds_bucket{le=\"0.001\"} 9\n";
        assert_eq!(
            buckets(text, "commit_seconds"),
            [(0.001, 3), (f64::INFINITY, 4)]
        );
        assert_eq!(buckets(text, "flush_seconds"), [(0.001, 9)]);
    }
}
