//! A PostgreSQL server of the test's own, from the system's packages
//! (Debian's `postgresql`): `initdb` in a temporary folder, started on a free
//! loopback port with its socket in that folder, stopped (fast) when dropped.
//! Nothing is installed or left behind; without PostgreSQL the test says it
//! was skipped, loudly, and CI (`CI=true`) fails instead.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// A running PostgreSQL, its data in a temporary folder.
pub struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Who runs it: PostgreSQL refuses to run as root, so as root the
    /// package's `postgres` user does.
    run_as: Option<String>,
    databases: AtomicU32,
}

/// The folder of `initdb` and `pg_ctl`: Debian keeps them out of the PATH,
/// in /usr/lib/postgresql/<version>/bin.
fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop().or_else(|| {
        let output = Command::new("pg_config").arg("--bindir").output().ok()?;
        let bin = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
        bin.join("initdb").is_file().then_some(bin)
    })
}

fn unavailable(why: &str) -> Option<Postgres> {
    crate::browser::skip_loudly("PostgreSQL", why, "postgresql");
    None
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

impl Postgres {
    /// Starts a PostgreSQL of its own, or says why it cannot.
    pub fn start() -> Option<Postgres> {
        let Some(bin) = binaries() else {
            return unavailable("PostgreSQL is not installed");
        };
        let run_as = is_root().then(|| "postgres".to_owned());
        let dir = tempfile::Builder::new()
            .prefix("ruche-pg-")
            .tempdir()
            .expect("a temporary folder");
        if let Some(user) = &run_as {
            let owned = Command::new("chown")
                .arg(format!("{user}:{user}"))
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(owned.success(), "the folder is given to {user}");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let postgres = Postgres {
            bin,
            dir,
            port,
            run_as,
            databases: AtomicU32::new(0),
        };
        postgres.run(
            "initdb",
            &[
                "-D",
                &postgres.data().to_string_lossy(),
                "-A",
                "trust",
                "-U",
                "ruche",
                "--no-sync",
            ],
        );
        postgres.start_server();
        Some(postgres)
    }

    /// Stops it (fast: connections are cut), as a restart would.
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
    }

    /// Starts its server: at first, and again after [`Postgres::stop`], on
    /// the same port.
    pub fn start_server(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-o",
                &format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
                    self.port,
                    self.dir.path().display()
                ),
                "-l",
                &self.dir.path().join("log").to_string_lossy(),
                "-w",
                "start",
            ],
        );
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{program} cannot start: {e}"));
        assert!(
            output.status.success(),
            "{program} failed: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
        );
    }

    /// The address of its database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://ruche@127.0.0.1:{}/{name}", self.port)
    }

    /// A new, empty database: its address.
    pub fn new_database(&self) -> String {
        let name = format!("ruche_{}", self.databases.fetch_add(1, Ordering::Relaxed));
        self.sql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// Runs `sql` in the database `name` with `psql`; what it printed,
    /// unaligned, without headers.
    pub fn sql(&self, name: &str, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(self.url(name))
            .args(["-c", sql])
            .stdin(Stdio::null())
            .output()
            .expect("psql runs");
        assert!(
            output.status.success(),
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
