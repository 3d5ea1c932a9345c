//! Ruche on the facilitator's own computer, with the real binary: where the
//! database goes when no `--db` is given (the user's data folder, or a
//! `ruche.db` already in the current folder), and `--open`, which opens the
//! facilitator's page in the browser (by default only when started without
//! a terminal). The browser is a stand-in `xdg-open` that writes down what
//! it was asked to open.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use ruche_tests::{ServerProcess, WAIT, create_workshop};
use serde_json::json;

const BINARY: &str = env!("CARGO_BIN_EXE_ruche-server-under-test");

/// The server, started from `folder` with `home` as the user's home, no
/// terminal on any of its streams, and `args`.
fn server_command(folder: &Path, home: &Path, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(BINARY);
    command
        .args(["--bind", "127.0.0.1:0", "--log", "warn"])
        .args(args)
        .current_dir(folder)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("RUCHE_DB")
        .env_remove("RUCHE_OPEN")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_db_the_database_is_in_the_data_folder_unless_one_is_here() {
    let home = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let server = ServerProcess::launch(
        server_command(folder.path(), home.path(), &["--open=never"]),
        WAIT,
    )
    .await;
    // The folder did not exist: it was made.
    let in_data_folder = home.path().join(".local/share/ruche/ruche.db");
    assert_eq!(PathBuf::from(server.database().await), in_data_folder);
    let created = create_workshop(
        server.addr,
        json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }),
    )
    .await;
    // As after an evening: the background checkpoints have run (a server
    // stopped within one never had its WAL kept open by them).
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(server.stop_with("TERM").await.success());
    assert!(in_data_folder.is_file());
    // Stopped, the file alone holds everything: a backup copies just it.
    let wal = in_data_folder.with_extension("db-wal");
    assert_eq!(
        std::fs::metadata(&wal).map_or(0, |m| m.len()),
        0,
        "the WAL is folded in"
    );
    assert!(
        std::fs::read_dir(folder.path()).unwrap().next().is_none(),
        "nothing is written in the current folder"
    );

    // A ruche.db in the current folder (where earlier versions kept it) is
    // the one used, workshops and all.
    std::fs::rename(&in_data_folder, folder.path().join("ruche.db")).unwrap();
    let _ = std::fs::remove_file(&wal);
    let _ = std::fs::remove_file(in_data_folder.with_extension("db-shm"));
    let server = ServerProcess::launch(
        server_command(folder.path(), home.path(), &["--open=never"]),
        WAIT,
    )
    .await;
    assert_eq!(
        PathBuf::from(server.database().await),
        folder.path().join("ruche.db")
    );
    let join = reqwest::get(format!(
        "http://{}/api/join/{}",
        server.addr, created.join_code
    ))
    .await
    .unwrap();
    assert_eq!(join.status(), 200, "the workshop is still there");
    assert!(server.stop_with("TERM").await.success());
    assert!(!in_data_folder.exists(), "no second database was made");
}

/// A stand-in for the desktop's `xdg-open`: writes its arguments to `opened`.
struct FakeBrowser {
    folder: tempfile::TempDir,
}

impl FakeBrowser {
    fn new() -> FakeBrowser {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().unwrap();
        let script = folder.path().join("xdg-open");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$@\" > '{}'\n",
                folder.path().join("opened").display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        FakeBrowser { folder }
    }

    /// Puts the stand-in first on the command's PATH.
    fn install(&self, command: &mut tokio::process::Command) {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![self.folder.path().to_path_buf()];
        paths.extend(std::env::split_paths(&path));
        command.env("PATH", std::env::join_paths(paths).unwrap());
    }

    /// What it was asked to open, waiting a little for the script to run.
    async fn opened(&self) -> Option<String> {
        let file = self.folder.path().join("opened");
        for _ in 0..100 {
            if let Ok(text) = std::fs::read_to_string(&file)
                && text.ends_with('\n')
            {
                return Some(text.trim().to_owned());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_opens_the_facilitators_page_in_the_browser() {
    let (home, folder) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let browser = FakeBrowser::new();
    let mut command = server_command(folder.path(), home.path(), &["--open", "--db", "ruche.db"]);
    browser.install(&mut command);
    let server = ServerProcess::launch(command, WAIT).await;
    let page = format!("http://localhost:{}/#/create", server.addr.port());
    assert_eq!(browser.opened().await.as_deref(), Some(page.as_str()));
    server
        .printed_line("Opening the facilitator's page in your browser")
        .await;
    assert!(server.stop_with("TERM").await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_the_browser_opens_only_for_a_desktop_start_without_terminal() {
    let (home, folder) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    // Started from a file manager: a graphical session, no terminal.
    let browser = FakeBrowser::new();
    let mut command = server_command(folder.path(), home.path(), &["--db", "a.db"]);
    command.env("DISPLAY", ":0");
    browser.install(&mut command);
    let server = ServerProcess::launch(command, WAIT).await;
    assert!(browser.opened().await.is_some(), "opened on a desktop");
    // The window a double-click opened speaks French too.
    let banner = server.printed_line("Page de l'animateur").await;
    let page = format!("http://localhost:{}/#/create", server.addr.port());
    assert!(banner.ends_with(&page), "{banner}");
    server
        .printed_line("Pour arrêter Ruche : fermez cette fenêtre")
        .await;
    assert!(server.stop_with("TERM").await.success());

    // A service, or a server with no screen: nothing to open.
    let browser = FakeBrowser::new();
    let mut command = server_command(folder.path(), home.path(), &["--db", "b.db"]);
    command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    browser.install(&mut command);
    let server = ServerProcess::launch(command, WAIT).await;
    // Printed after the browser is (or is not) opened.
    server.printed_line("To stop Ruche").await;
    let said_opening = server
        .printed_line_now("Opening the facilitator's page")
        .is_some();
    assert!(!said_opening, "no browser without a graphical session");
    assert!(server.printed_line_now("Ruche est lancé").is_none());
    assert!(server.stop_with("TERM").await.success());
    assert!(!browser.folder.path().join("opened").exists());
}
