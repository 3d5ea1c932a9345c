//! The programs `cargo xtask dist` publishes, run as a facilitator would:
//! started with no `--db` on a free loopback port, `/healthz`, the screens
//! served from inside the program, a workshop created over HTTP, a table
//! joining and voting over a WebSocket, the export, a clean stop on Ctrl+C,
//! and the database in the folder the lisez-moi names. The Linux program runs
//! here; the Windows one under Wine.
//!
//! Ignored by a plain `cargo test`: they need the programs built first.
//! `cargo xtask dist --smoke` builds them and runs these (CI does).

use std::path::{Path, PathBuf};
use std::time::Duration;

use ruche_tests::scene::Scene;
use ruche_tests::{Client, ServerProcess, export_json};

/// Long enough for Wine to start a Windows program in a prepared prefix.
const START: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs `cargo xtask dist`: run by `cargo xtask dist --smoke`"]
async fn linux_program_runs_a_workshop() {
    let program = dist_file("ruche-server-linux-x86_64");
    assert_static(&program);
    let home = tempfile::tempdir().unwrap();
    let started_in = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(&program);
    command
        .args(["--bind", "127.0.0.1:0", "--open=never", "--log", "warn"])
        .current_dir(started_in.path())
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("RUCHE_DB");
    let server = ServerProcess::launch(command, START).await;

    // Where the lisez-moi says: ~/.local/share/ruche/ruche.db.
    let expected = home.path().join(".local/share/ruche/ruche.db");
    assert_eq!(PathBuf::from(server.database().await), expected);
    run_a_workshop(&server).await;

    let status = server.stop_with("INT").await;
    assert!(status.success(), "Ctrl+C ends it cleanly: {status}");
    assert_votes_kept(&expected);
    assert!(
        std::fs::read_dir(started_in.path())
            .unwrap()
            .next()
            .is_none(),
        "nothing is written in the folder it was started from"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs `cargo xtask dist` and Wine: run by `cargo xtask dist --smoke`"]
async fn windows_program_runs_a_workshop() {
    let wine = Wine::new();
    // Started from a folder of its own, as from the Downloads folder.
    let folder = tempfile::tempdir().unwrap();
    let program = folder.path().join("ruche-server.exe");
    std::fs::copy(dist_file("ruche-server.exe"), &program).unwrap();
    wine.add_process_prng(folder.path());

    let mut command = wine.command(&program);
    command
        .args(["--bind", "127.0.0.1:0", "--open=never", "--log", "warn"])
        .current_dir(folder.path())
        .env_remove("RUCHE_DB");
    let server = ServerProcess::launch(command, START).await;

    // Where the lisez-moi says: %LOCALAPPDATA%\Ruche\ruche.db.
    let printed = server.database().await;
    assert!(
        printed.to_lowercase().starts_with(r"c:\users\")
            && printed.ends_with(r"\AppData\Local\Ruche\ruche.db"),
        "{printed}"
    );
    run_a_workshop(&server).await;

    let status = server.stop_with("INT").await;
    assert!(status.success(), "Ctrl+C ends it cleanly: {status}");
    assert_votes_kept(&wine.unix_path(&printed));
    wine.stop();
}

/// The steps every program must take: health, screens, a workshop, a vote,
/// its export.
async fn run_a_workshop(server: &ServerProcess) {
    let url = |path: &str| format!("http://{}{path}", server.addr);
    let health: serde_json::Value = reqwest::get(url("/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok", "{health}");

    // The screens are inside the program.
    let page = reqwest::get(url("/")).await.unwrap().text().await.unwrap();
    assert!(page.contains("boot.js"), "the client's page: {page}");
    let wasm = reqwest::get(url("/ruche_room_bg.wasm")).await.unwrap();
    assert_eq!(wasm.status(), 200);
    assert!(wasm.bytes().await.unwrap().starts_with(b"\0asm"));

    let mut scene = Scene::vote_on_facilitator_ideas(server.addr, 3).await;
    let mut table = Client::join(server.addr, scene.code(), "Table des Lilas").await;
    table.vote(1, 3).await;
    table.vote(2, 2).await;
    scene.facilitator.show_results(true).await;

    let export = export_json(server.addr, &scene.created).await;
    let bars = &export["votes"][0]["histogram"]["bars"];
    assert_eq!(bars[0]["item"], "i1", "{export}");
    assert_eq!(bars[0]["points"], 3);
    assert_eq!(bars[1]["points"], 2);
}

/// The two votes are in the database once the program has stopped.
fn assert_votes_kept(db: &Path) {
    let connection = rusqlite::Connection::open(db)
        .unwrap_or_else(|e| panic!("the database {}: {e}", db.display()));
    let votes: i64 = connection
        .query_row(
            "SELECT count(*) FROM events WHERE body LIKE '%vote_set%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(votes, 2, "both votes are in {}", db.display());
}

/// A file of `target/dist/`.
fn dist_file(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/dist")
        .join(name);
    assert!(
        path.is_file(),
        "{} is missing: build it with `cargo xtask dist`",
        path.display()
    );
    path
}

/// The Linux program needs no C library of the system's: it has no ELF
/// interpreter (`PT_INTERP`) to load one.
fn assert_static(program: &Path) {
    let elf = std::fs::read(program).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    let field = |at: usize, len: usize| {
        let mut bytes = [0u8; 8];
        bytes[..len].copy_from_slice(&elf[at..at + len]);
        u64::from_le_bytes(bytes) as usize
    };
    let (table, entry_size, entries) = (field(0x20, 8), field(0x36, 2), field(0x38, 2));
    const PT_INTERP: usize = 3;
    let interpreted = (0..entries).any(|n| field(table + n * entry_size, 4) == PT_INTERP);
    assert!(!interpreted, "{} is dynamically linked", program.display());
}

/// A Wine prefix of its own, in a temporary folder, removed at the end.
struct Wine {
    loader: PathBuf,
    prefix: tempfile::TempDir,
}

impl Wine {
    /// Finds Wine (Debian's `wine64`) and prepares a prefix, so that the
    /// program's start is not the prefix's creation.
    fn new() -> Wine {
        let loader = ["/usr/lib/wine/wine64", "/usr/bin/wine64", "/usr/bin/wine"]
            .iter()
            .map(PathBuf::from)
            .find(|path| path.is_file())
            .expect("Wine is missing: apt-get install wine64 (CI installs it)");
        let wine = Wine {
            loader,
            prefix: tempfile::tempdir().unwrap(),
        };
        let status = std::process::Command::new(&wine.loader)
            .args(["wineboot", "--init"])
            .envs(wine.environment())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("Wine starts");
        assert!(status.success(), "wineboot --init: {status}");
        wine
    }

    /// Quiet, no Mono or Gecko to offer (they would be downloaded), its own prefix.
    fn environment(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("WINEPREFIX", self.prefix.path().into()),
            ("WINEDEBUG", "-all".into()),
            ("WINEDLLOVERRIDES", "mscoree,mshtml=".into()),
        ]
    }

    /// `wine64 program`.
    fn command(&self, program: &Path) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.loader);
        command
            .arg(program)
            .envs(self.environment())
            .stdin(std::process::Stdio::null());
        command
    }

    /// Builds the `ProcessPrng` stand-in (`tests/wine/`) into `folder`:
    /// Wine 8 lacks it, Windows 10 and 11 have it.
    fn add_process_prng(&self, folder: &Path) {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("wine/bcryptprimitives.c");
        let status = std::process::Command::new("x86_64-w64-mingw32-gcc")
            .args(["-shared", "-O2", "-o"])
            .arg(folder.join("bcryptprimitives.dll"))
            .arg(&source)
            .arg("-ladvapi32")
            .status()
            .expect("x86_64-w64-mingw32-gcc is missing: apt-get install gcc-mingw-w64-x86-64");
        assert!(
            status.success(),
            "building the ProcessPrng stand-in: {status}"
        );
    }

    /// Where a `C:\…` path of the prefix is on this machine.
    fn unix_path(&self, windows: &str) -> PathBuf {
        let rest = windows
            .get(3..)
            .filter(|_| windows.to_lowercase().starts_with(r"c:\"))
            .unwrap_or_else(|| panic!("{windows} is not on C:"));
        rest.split('\\')
            .fold(self.prefix.path().join("drive_c"), |path, part| {
                path.join(part)
            })
    }

    /// Ends the prefix's wineserver (it lingers a few seconds otherwise).
    fn stop(self) {
        let server = self.loader.with_file_name("wineserver");
        let _ = std::process::Command::new(server)
            .arg("-k")
            .envs(self.environment())
            .status();
    }
}
