//! The command line of `ruche-server`: options with environment fallbacks, a
//! `--help` written for the IT person who sets up the facilitator's laptop,
//! logs, signals, starting the server (the `--demo` workshops are in `demo.rs`)
//! and `ruche-server verify`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use ruche_shared::api::route::Route;
use tracing_subscriber::EnvFilter;

use crate::desktop;
use crate::settings::{Database, Settings};

/// Ruche: a real-time workshop server for public participation.
///
/// Run it on the facilitator's laptop; tablets, the facilitator's browser and
/// the wall screen connect to it over the local network (no internet needed).
/// Everything is kept in one SQLite file (--db): stop and restart the server at
/// any time, nothing acknowledged is lost.
#[derive(Debug, Parser)]
#[command(name = "ruche-server", version, about, long_about)]
pub struct Args {
    /// Address and port to listen on. 0.0.0.0 lets the tablets on the same
    /// network connect; 127.0.0.1 keeps it to this computer.
    #[arg(long, env = "RUCHE_BIND", default_value = "0.0.0.0:8080")]
    pub bind: SocketAddr,

    /// The database file (created if missing). Back it up to keep the
    /// workshops. By default: ruche.db in the current folder if there is one
    /// there, else in the user's data folder (%LOCALAPPDATA%\Ruche on Windows,
    /// ~/.local/share/ruche on Linux, ~/Library/Application Support/Ruche on
    /// macOS), which survives replacing the program by a newer one.
    ///
    /// Or a PostgreSQL database, for a hosted service:
    /// postgres://user:password@host:5432/dbname (Ruche creates its tables,
    /// in a schema named ruche, if they are missing).
    #[arg(long, env = "RUCHE_DB")]
    pub db: Option<PathBuf>,

    /// With a PostgreSQL --db: if another Ruche server runs the workshops,
    /// wait (without listening) until it stops or is lost, then take them
    /// over and start listening. Put both servers behind one balancer
    /// (deploy/README.md).
    #[arg(long, env = "RUCHE_STANDBY", conflicts_with = "cluster")]
    pub standby: bool,

    /// With a PostgreSQL --db: serve the database beside other Ruche
    /// servers. Each workshop runs on one server at a time (the first asked
    /// for it); the others forward its connections there, and take it over
    /// if that server is lost. Put them all behind one balancer that hashes
    /// on the workshop (deploy/README.md).
    #[arg(long, env = "RUCHE_CLUSTER")]
    pub cluster: bool,

    /// With --cluster: the address (IP:port) the other servers reach this
    /// one at. By default the address given to --bind, unless that is
    /// 0.0.0.0 (then this must be given). List the other servers with
    /// --trusted-proxy too: a screen carried from one then counts as the
    /// client's address, not that server's.
    #[arg(long, env = "RUCHE_ADVERTISE", requires = "cluster")]
    pub advertise: Option<String>,

    /// Open the facilitator's page in the default browser once started:
    /// auto does when Ruche was started without a terminal (a double-click).
    #[arg(long, env = "RUCHE_OPEN", value_enum, default_value_t = OpenBrowser::Auto,
          num_args = 0..=1, require_equals = true, default_missing_value = "always")]
    pub open: OpenBrowser,

    /// A web address (origin) allowed to open Ruche's WebSocket besides Ruche's
    /// own pages, e.g. https://participation.example.org. Repeat for several.
    #[arg(
        long = "allowed-origin",
        env = "RUCHE_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,

    /// The address tablets should open, as they reach this computer, e.g.
    /// http://192.168.1.10:8080 or https://ruche.mairie.example behind a
    /// proxy. By default, this computer's address on the local network.
    /// The wall's QR code and the console's links show it.
    #[arg(long, env = "RUCHE_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// What to log: error, warn, info, debug, or a tracing filter like "ruche_server=debug".
    #[arg(long, env = "RUCHE_LOG", default_value = "info")]
    pub log: String,

    /// Live results are sent at most once per this many milliseconds per screen.
    #[arg(long, env = "RUCHE_COALESCE_MS", default_value_t = 50)]
    pub coalesce_ms: u64,

    /// Largest message accepted from a client, in bytes.
    #[arg(long, env = "RUCHE_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024)]
    pub max_message_bytes: usize,

    /// Commands per second one tablet or browser may send.
    #[arg(long, env = "RUCHE_COMMANDS_PER_SECOND", default_value_t = 20)]
    pub commands_per_second: u32,

    /// Wrong join codes (or secrets) per minute from one address before it
    /// is held back for the rest of the minute (stops code guessing; right
    /// codes are never counted, so many tablets may share an address).
    #[arg(long, env = "RUCHE_JOIN_ATTEMPTS_PER_MINUTE", default_value_t = 30)]
    pub join_attempts_per_minute: u32,

    /// Wrong join codes per minute from all addresses together before new
    /// joins are held back for the rest of the minute.
    #[arg(long, env = "RUCHE_JOIN_FAILURES_PER_MINUTE", default_value_t = 600)]
    pub join_failures_per_minute: u32,

    /// Digits in new join codes: 6 suits a local network; a server on the
    /// internet may want 8 to 12.
    #[arg(long, env = "RUCHE_JOIN_CODE_DIGITS", default_value_t = 6,
          value_parser = clap::value_parser!(u8).range(6..=12))]
    pub join_code_digits: u8,

    /// Workshops one address may create per hour.
    #[arg(long, env = "RUCHE_CREATIONS_PER_HOUR", default_value_t = 60)]
    pub creations_per_hour: u32,

    /// Most workshops this server holds; delete old ones (or use
    /// --retention-days) to make room.
    #[arg(long, env = "RUCHE_MAX_WORKSHOPS", default_value_t = 1000)]
    pub max_workshops: usize,

    /// The address of a reverse proxy in front of Ruche (nginx, HAProxy),
    /// whose X-Forwarded-For header then names the client. Repeat for
    /// several. Without it the header is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "RUCHE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Walls (read-only screens: projectors, phones following along) one
    /// workshop may have open at once.
    #[arg(long, env = "RUCHE_MAX_WALLS_PER_WORKSHOP", default_value_t = 32)]
    pub max_walls_per_workshop: usize,

    /// Most open connections (tablets, screens and HTTP requests together).
    /// By default as many as the system's limit on open files allows.
    #[arg(long, env = "RUCHE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,

    /// Let a workshop nobody has watched for this many minutes go from
    /// memory (it is loaded again from the database the moment a screen
    /// connects). 0 keeps every workshop in memory.
    #[arg(long, env = "RUCHE_IDLE_MINUTES", default_value_t = 10)]
    pub idle_minutes: u64,

    /// Delete workshops (with everything they recorded) after this many days
    /// without activity. By default they are kept until deleted by hand.
    #[arg(long, env = "RUCHE_RETENTION_DAYS")]
    pub retention_days: Option<u64>,

    /// Create the source's two workshops (ideation and evaluation) on start and
    /// print how to open them.
    #[arg(long)]
    pub demo: bool,

    /// Instead of serving: a tool.
    #[command(subcommand)]
    pub tool: Option<Tool>,
}

/// What `ruche-server` does instead of serving.
#[derive(Debug, clap::Subcommand)]
pub enum Tool {
    /// Re-count a workshop's JSON export: replays the log it carries with
    /// Ruche's rules, checks its hash chain and every figure, and says
    /// whether they match (exit status 0) or what differs (1).
    Verify {
        /// The JSON export (the console's « Exporter (JSON) »).
        export: PathBuf,
        /// The final hash printed in the workshop's report: checks that the
        /// export's log is that one.
        #[arg(long)]
        hash: Option<String>,
    },
}

/// `--open`: whether to open the facilitator's page in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OpenBrowser {
    /// When started without a terminal (a double-click).
    Auto,
    /// Always (`--open` alone).
    Always,
    /// Never.
    Never,
}

impl Args {
    /// The database: `--db`, or the default file ([`desktop::default_db`]).
    pub fn database(&self) -> Database {
        Database::from_arg(self.db_path())
    }

    /// The database file: `--db`, or the default ([`desktop::default_db`]).
    pub fn db_path(&self) -> PathBuf {
        match &self.db {
            Some(path) => path.clone(),
            None => {
                let current = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                desktop::default_db(&current, &|name| std::env::var(name).ok()).path
            }
        }
    }

    /// The server settings these options give, with the database `db`.
    pub fn settings(&self, db: Database) -> Settings {
        Settings {
            db,
            standby: self.standby,
            cluster: self.cluster,
            advertise: self.advertise.clone(),
            allowed_origins: self.allowed_origins.clone(),
            coalesce_window: Duration::from_millis(self.coalesce_ms),
            max_message_bytes: self.max_message_bytes,
            commands_per_second: self.commands_per_second,
            join_attempts_per_minute: self.join_attempts_per_minute,
            join_failures_per_minute: self.join_failures_per_minute,
            join_code_digits: self.join_code_digits,
            creations_per_hour: self.creations_per_hour,
            max_workshops: self.max_workshops,
            max_connections: self.max_connections,
            max_walls_per_workshop: self.max_walls_per_workshop,
            trusted_proxies: self.trusted_proxies.clone(),
            idle_release: (self.idle_minutes > 0)
                .then(|| Duration::from_secs(self.idle_minutes * 60)),
            retention: self
                .retention_days
                .map(|days| Duration::from_secs(days * 86_400)),
            ..Settings::default()
        }
    }
}

/// `main` of the `ruche-server` binary: [`main`], its error printed (and,
/// after a double-click, kept on screen until the facilitator has read it).
pub async fn entry() -> std::process::ExitCode {
    match main().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:#}");
            if desktop::window_closes_with_program() {
                // The window would vanish with the reason in it.
                eprintln!("\nAppuyez sur Entrée pour fermer. (Press Enter to close.)");
                let _ = std::io::stdin().read_line(&mut String::new());
            }
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs the server until a signal stops it (or the tool asked for).
pub async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(Tool::Verify { export, hash }) = &args.tool {
        return verify(export, hash.as_deref());
    }
    let filter = EnvFilter::try_new(&args.log)
        .map_err(|e| anyhow::anyhow!("--log {:?} is not a log filter: {e}", args.log))?;
    // Colours only for a person at a terminal: escape codes in a log file or
    // a service's journal are noise (and could be abused to garble it).
    // (Not on Windows: its classic console shows the codes as text.)
    let colours = std::io::IsTerminal::is_terminal(&std::io::stdout()) && !cfg!(windows);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(colours)
        .init();

    let db = match args.database() {
        Database::File(path) => {
            if args.db.is_none() {
                // The user's data folder may not exist yet (a first start).
                if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
                    std::fs::create_dir_all(folder).map_err(|e| {
                        anyhow::anyhow!(
                            "cannot create the folder {} for the database: {e} (choose another file with --db)",
                            folder.display()
                        )
                    })?;
                }
            }
            // Printed in full: it is the file to back up, and people look for it.
            Database::File(std::path::absolute(&path).unwrap_or(path))
        }
        postgres => postgres,
    };
    let cannot_start = |e| anyhow::anyhow!("cannot start with the database {db}: {e}");
    let mut settings = args.settings(db.clone());
    // A standby takes the workshops before it listens: a balancer sends no
    // one to it until then (its port refuses), and at once after.
    if settings.cluster && !matches!(db, Database::Postgres(_)) {
        anyhow::bail!(
            "--cluster needs a PostgreSQL database (--db postgres://…): a file has one server"
        );
    }
    let opened = if settings.standby {
        if !matches!(db, Database::Postgres(_)) {
            anyhow::bail!(
                "--standby needs a PostgreSQL database (--db postgres://…): a file has one server"
            );
        }
        println!(
            "Standing by: taking over the workshops of {db} as soon as no other Ruche server runs them."
        );
        Some(crate::open(&settings).await.map_err(cannot_start)?)
    } else {
        None
    };
    let listener = listen(args.bind).map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {}: {e} (is another server using this port? try --bind)",
            args.bind
        )
    })?;
    let port = listener.local_addr()?.port();
    let tablet_base = args
        .public_url
        .clone()
        .or_else(|| tablet_base_for(args.bind, port));
    settings.tablet_base = tablet_base.clone();
    let running = match opened {
        Some(opened) => crate::serve_opened(listener, settings, opened).await,
        None => crate::run(listener, settings).await,
    }
    .map_err(cannot_start)?;
    println!("Ruche is running: http://localhost:{port}/  (database: {db})");
    let tablets_base = match &tablet_base {
        Some(base) => {
            println!("Tablets on the same network open {base}/");
            base.clone()
        }
        None if args.bind.ip().is_loopback() => {
            println!(
                "Warning: Ruche listens on this computer only ({}): tablets cannot reach it. \
                 Start it with --bind 0.0.0.0:{port} to let them in.",
                args.bind
            );
            format!("http://localhost:{port}")
        }
        None => {
            println!(
                "Warning: this computer is on no network yet. Connect it to the venue's Wi-Fi, \
                 then tablets open its address, port {port} (or give it with --public-url)."
            );
            format!("http://localhost:{port}")
        }
    };
    if !crate::http::assets::CLIENT_BUILT {
        println!(
            "Note: this build has no screens (tablet, facilitator, wall). Start Ruche with `cargo xtask run`, which builds them."
        );
    }
    if args.demo {
        crate::demo::create_demo(port, &tablets_base).await?;
    }
    let without_terminal = desktop::started_without_terminal();
    // The facilitator's page: creating a workshop (`/` is how to join).
    let page = format!(
        "{}/{}",
        local_base(args.bind, port),
        Route::Create.fragment()
    );
    let open = match args.open {
        OpenBrowser::Always => true,
        OpenBrowser::Never => false,
        OpenBrowser::Auto => without_terminal,
    };
    if open {
        match desktop::open_browser(&page) {
            Ok(()) => println!("Opening the facilitator's page in your browser: {page}"),
            Err(e) => println!("Could not open a browser ({e}): open {page} yourself."),
        }
    }
    println!("To stop Ruche: Ctrl+C, or close this window. Nothing recorded is lost.");
    if without_terminal {
        print!(
            "\n{}",
            desktop::french_banner(&page, tablet_base.as_deref(), &db)
        );
    }

    let stopper = running.stopper();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("stopping: finishing writes and telling clients to reconnect");
        let _ = stopper.send(true);
    });
    running.wait().await?;
    Ok(())
}

/// `ruche-server verify`: prints the report; an error when not verified.
fn verify(export: &std::path::Path, hash: Option<&str>) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(export)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", export.display()))?;
    let report = crate::audit::verify::verify(&text, hash)
        .map_err(|e| anyhow::anyhow!("{}: {e}", export.display()))?;
    print!("{}", report.render());
    if report.verified() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} does not match its log ({} problem(s))",
            export.display(),
            report.problems.len()
        )
    }
}

/// Listens with a long accept queue: when the venue's Wi-Fi comes back, every
/// tablet reconnects in the same second, and connections beyond a short queue
/// would wait a whole SYN retry (1 s, then 3 s) to get in.
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // On Unix, lets a restarted server listen at once despite connections of
    // the previous one in TIME_WAIT. Not on Windows, where the same option
    // would let a second program take the port Ruche is using.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM can be handled");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    // Closing the console window, logging off or shutting down Windows:
    // tokio holds Windows back (a few seconds) while the server stops.
    #[cfg(windows)]
    {
        use tokio::signal::windows;
        let (mut close, mut shutdown, mut logoff, mut ctrl_break) = (
            windows::ctrl_close().expect("closing the window can be handled"),
            windows::ctrl_shutdown().expect("a shutdown can be handled"),
            windows::ctrl_logoff().expect("a log-off can be handled"),
            windows::ctrl_break().expect("Ctrl+Break can be handled"),
        );
        tokio::select! {
            _ = ctrl_c => {}
            _ = close.recv() => {}
            _ = shutdown.recv() => {}
            _ = logoff.recv() => {}
            _ = ctrl_break.recv() => {}
        }
    }
}

/// The address to open Ruche at on this computer: `localhost` when it
/// listens on every address or on the loopback one, else that address.
fn local_base(bind: SocketAddr, port: u16) -> String {
    match bind.ip() {
        ip if ip.is_unspecified() || ip.is_loopback() => format!("http://localhost:{port}"),
        std::net::IpAddr::V4(v4) => format!("http://{v4}:{port}"),
        std::net::IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
    }
}

/// The address tablets open when none is given: the one Ruche listens on, or
/// this computer's address on the local network when it listens on all of
/// them; `None` when it listens on this computer only.
fn tablet_base_for(bind: SocketAddr, port: u16) -> Option<String> {
    let ip = bind.ip();
    if ip.is_loopback() {
        return None;
    }
    let ip = if ip.is_unspecified() {
        lan_address()?
    } else {
        ip
    };
    Some(match ip {
        std::net::IpAddr::V4(v4) => format!("http://{v4}:{port}"),
        std::net::IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
    })
}

/// `--public-url`: an http(s) address, kept without its trailing slash.
fn parse_public_url(text: &str) -> Result<String, String> {
    let url = text.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or("it must start with http:// or https://, e.g. http://192.168.1.10:8080")?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err("give the address only, e.g. http://192.168.1.10:8080 (no path)".into());
    }
    Ok(url.to_owned())
}

/// This computer's address on the local network: the one it would use to
/// reach another host (a UDP "connect" sends nothing; it only picks a route).
fn lan_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::{parse_public_url, tablet_base_for};

    #[test]
    fn tablets_are_given_an_address_they_can_reach() {
        assert_eq!(
            tablet_base_for("127.0.0.1:8080".parse().unwrap(), 8080),
            None
        );
        assert_eq!(tablet_base_for("[::1]:8080".parse().unwrap(), 8080), None);
        assert_eq!(
            tablet_base_for("192.168.1.10:8080".parse().unwrap(), 8080).as_deref(),
            Some("http://192.168.1.10:8080")
        );
        // On every address: this computer's address on the network, if it has one.
        if let Some(base) = tablet_base_for("0.0.0.0:8080".parse().unwrap(), 8080) {
            assert!(
                !base.contains("0.0.0.0") && !base.contains("127.0.0.1"),
                "{base}"
            );
        }
    }

    #[test]
    fn a_public_url_is_an_address_without_a_path() {
        assert_eq!(
            parse_public_url("https://ruche.mairie.example/").as_deref(),
            Ok("https://ruche.mairie.example")
        );
        assert_eq!(
            parse_public_url(" http://192.168.1.10:8080 ").as_deref(),
            Ok("http://192.168.1.10:8080")
        );
        assert!(parse_public_url("192.168.1.10:8080").is_err());
        assert!(parse_public_url("http://x/ruche").is_err());
        assert!(parse_public_url("http://").is_err());
    }
}
