//! Ruche on the facilitator's own computer, started by a double-click as
//! often as from a terminal: where its data lives when no `--db` is given,
//! whether it was started without a terminal, and opening the facilitator's
//! page in the default browser. What differs on Windows is here too.

use std::path::{Path, PathBuf};

/// The database's file name, in whichever folder holds it.
pub const DB_FILE_NAME: &str = "ruche.db";

/// Where the database lives when `--db` is not given, and why there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultDb {
    /// The file.
    pub path: PathBuf,
    /// Whether it is the one earlier versions kept in the current folder.
    pub in_current_folder: bool,
}

/// The default database: `ruche.db` in the current folder if one is there
/// (earlier versions kept it there, and a facilitator who put one beside the
/// program means it), else `ruche.db` in the user's data folder.
///
/// The data folder rather than the program's folder, because the program is
/// downloaded and replaced: run from the Downloads folder, from inside a zip
/// (Windows unpacks it to a temporary folder that is later emptied), or from
/// a folder the user may not write to (`Program Files`), a database beside it
/// would be lost or refused; the data folder survives an upgrade.
pub fn default_db(current_folder: &Path, env: &dyn Fn(&str) -> Option<String>) -> DefaultDb {
    let here = current_folder.join(DB_FILE_NAME);
    if here.exists() {
        return DefaultDb {
            path: here,
            in_current_folder: true,
        };
    }
    match data_folder(env) {
        Some(folder) => DefaultDb {
            path: folder.join(DB_FILE_NAME),
            in_current_folder: false,
        },
        None => DefaultDb {
            path: here,
            in_current_folder: true,
        },
    }
}

/// The user's data folder for Ruche: `%LOCALAPPDATA%\Ruche` on Windows (local,
/// not roaming: a database must not follow the user between computers),
/// `~/Library/Application Support/Ruche` on macOS, `$XDG_DATA_HOME/ruche`
/// (`~/.local/share/ruche`) elsewhere. `None` when the environment names none.
pub fn data_folder(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |name: &str| {
        env(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        set("LOCALAPPDATA").map(|folder| folder.join("Ruche"))
    } else if cfg!(target_os = "macos") {
        set("HOME").map(|home| home.join("Library/Application Support/Ruche"))
    } else {
        set("XDG_DATA_HOME")
            .or_else(|| set("HOME").map(|home| home.join(".local/share")))
            .map(|folder| folder.join("ruche"))
    }
}

/// Whether Ruche was started without a terminal to read it in: by a
/// double-click on Windows (it then owns the console window it prints in),
/// from a file manager on a Linux desktop.
pub fn started_without_terminal() -> bool {
    #[cfg(windows)]
    {
        windows_console::owns_its_window()
    }
    #[cfg(not(windows))]
    {
        use std::io::IsTerminal;
        let graphical = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
        graphical
            && !std::io::stdin().is_terminal()
            && !std::io::stdout().is_terminal()
            && !std::io::stderr().is_terminal()
    }
}

/// Whether closing the program also closes the window the user reads its
/// messages in (a double-click on Windows): then an error must wait for a
/// key, or the window vanishes before anyone reads why.
pub fn window_closes_with_program() -> bool {
    #[cfg(windows)]
    {
        windows_console::owns_its_window()
    }
    #[cfg(not(windows))]
    {
        false
    }
}

/// What a facilitator who double-clicked Ruche reads in its window, in
/// French (the lines above it are for whoever reads logs): the two
/// addresses, where the data is, how to stop.
pub fn french_banner(
    facilitator_page: &str,
    tablets: Option<&str>,
    db: &dyn std::fmt::Display,
) -> String {
    let rule = "=".repeat(66);
    let tablets = match tablets {
        Some(base) => format!("{base}/"),
        None => "aucun réseau : connectez l'ordinateur au Wi-Fi de la salle".to_owned(),
    };
    format!(
        "{rule}\n\
         \x20 Ruche est lancé. Gardez cette fenêtre ouverte pendant l'atelier.\n\
         \x20 Page de l'animateur (cet ordinateur) : {facilitator_page}\n\
         \x20 Tablettes (sur le même Wi-Fi)        : {tablets}\n\
         \x20 Données : {db}\n\
         \x20 Pour arrêter Ruche : fermez cette fenêtre, ou tapez Ctrl+C.\n\
         {rule}\n"
    )
}

/// The program that opens `url` in the default browser on this system.
pub fn browser_command(url: &str) -> std::process::Command {
    let (program, args): (&str, &[&str]) = if cfg!(windows) {
        // Not `cmd /C start`, which would read `&` in a URL as a command separator.
        ("rundll32", &["url.dll,FileProtocolHandler"])
    } else if cfg!(target_os = "macos") {
        ("open", &[])
    } else {
        ("xdg-open", &[])
    };
    let mut command = std::process::Command::new(program);
    command.args(args).arg(url);
    command
}

/// Opens `url` in the default browser, without waiting for it.
pub fn open_browser(url: &str) -> std::io::Result<()> {
    let mut child = browser_command(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reaped aside: `xdg-open` returns at once, the browser lives on.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(windows)]
#[allow(unsafe_code)]
mod windows_console {
    //! The one call into Windows that Rust's standard library does not offer.

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetConsoleProcessList(process_ids: *mut u32, count: u32) -> u32;
    }

    /// Whether this process is the only one attached to its console: Windows
    /// made the console for it (a double-click, a shortcut), rather than
    /// Ruche being started from a Command Prompt or PowerShell window.
    pub fn owns_its_window() -> bool {
        let mut ids = [0u32; 2];
        // SAFETY: the buffer is valid for `ids.len()` writes of u32; the call
        // writes at most that many and returns how many processes there are.
        let attached = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
        attached == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn the_data_folder_follows_xdg_then_home() {
        let xdg = env_of(&[("XDG_DATA_HOME", "/d"), ("HOME", "/h")]);
        assert_eq!(data_folder(&xdg), Some(PathBuf::from("/d/ruche")));
        let home = env_of(&[("XDG_DATA_HOME", ""), ("HOME", "/h")]);
        assert_eq!(
            data_folder(&home),
            Some(PathBuf::from("/h/.local/share/ruche"))
        );
        assert_eq!(data_folder(&env_of(&[])), None);
    }

    #[test]
    fn a_database_in_the_current_folder_is_kept_else_the_data_folder() {
        let current = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let data_path = data.path().to_str().unwrap();
        let env = env_of(&[
            ("XDG_DATA_HOME", data_path),
            ("HOME", data_path),
            ("LOCALAPPDATA", data_path),
        ]);
        let chosen = default_db(current.path(), &env);
        assert!(!chosen.in_current_folder);
        assert!(chosen.path.starts_with(data.path()), "{chosen:?}");
        assert!(chosen.path.ends_with(DB_FILE_NAME));

        std::fs::write(current.path().join(DB_FILE_NAME), b"").unwrap();
        let chosen = default_db(current.path(), &env);
        assert_eq!(
            chosen,
            DefaultDb {
                path: current.path().join(DB_FILE_NAME),
                in_current_folder: true
            }
        );

        // No data folder known at all: the current folder.
        let nowhere = tempfile::tempdir().unwrap();
        let chosen = default_db(nowhere.path(), &env_of(&[]));
        assert_eq!(chosen.path, nowhere.path().join(DB_FILE_NAME));
    }

    #[test]
    fn the_french_banner_gives_both_addresses_and_the_data_file() {
        let banner = french_banner(
            "http://localhost:8080/",
            Some("http://192.168.1.10:8080"),
            &Path::new("/d/ruche.db").display(),
        );
        assert!(banner.contains("animateur (cet ordinateur) : http://localhost:8080/\n"));
        assert!(banner.contains("Wi-Fi)        : http://192.168.1.10:8080/\n"));
        assert!(banner.contains("Données : /d/ruche.db\n"));
        let offline = french_banner("http://localhost:8080/", None, &"r.db");
        assert!(offline.contains("connectez l'ordinateur au Wi-Fi"));
    }

    #[test]
    fn the_browser_is_opened_with_the_url_as_one_argument() {
        let url = "http://localhost:8080/?a=1&b=2";
        let command = browser_command(url);
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args.last().and_then(|a| a.to_str()), Some(url));
    }
}
