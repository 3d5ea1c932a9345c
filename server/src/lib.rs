//! # ruche-server: Ruche's workshop server
//!
//! Hosts many workshops at once on one machine (a facilitator's laptop on the
//! venue's local network): an HTTP API to create workshops and export their
//! results, one WebSocket endpoint for tablets, facilitators and walls, and a
//! durable event log so that nothing acknowledged is ever lost.
//!
//! ## Layout
//! - [`settings`]: limits and defaults; [`cli`]: the command line;
//!   [`desktop`]: the default database folder, opening the browser, Windows;
//!   [`demo`]: the `--demo` workshops.
//! - [`http`]: the HTTP API, exports, health and metrics.
//! - [`ws`]: one WebSocket connection: handshake, reader, writer.
//! - [`hub`]: the registry of workshops and one actor per workshop.
//! - [`store`]: the event log trait, its SQLite backend, the group-commit writer.
//! - [`secrets`]: secrets, tokens and join codes; [`attempts`]: failed
//!   attempts at them, counted and held back.
//! - [`serve`]: the accept loop (no Nagle, a deadline on request headers).
//! - [`metrics`]: what `/metrics` reports.
//! - [`audit`]: the hash chain over an export's log, and `ruche-server
//!   verify`, which re-counts an export from it.
//!
//! The rules themselves are not here: they are `ruche-shared`'s engine, which
//! each workshop's actor calls.

pub mod attempts;
pub mod audit;
pub mod cli;
pub mod demo;
pub mod desktop;
pub mod http;
pub mod hub;
pub mod metrics;
pub mod secrets;
pub mod serve;
pub mod settings;
pub mod store;
pub mod ws;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;

use hub::Hub;
use metrics::Metrics;
use settings::Database;
use settings::Settings;
use store::postgres::PostgresLog;
use store::sqlite::SqliteLog;
use store::{EventLog, LogWriter};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The workshops.
    pub hub: Arc<Hub>,
    /// The settings.
    pub settings: Arc<Settings>,
    /// The figures for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Wrong join codes and table tokens, per address and in all.
    pub join_attempts: Arc<attempts::Attempts>,
    /// Wrong facilitator secrets, per address.
    pub secret_attempts: Arc<attempts::Attempts>,
    /// Workshop creations per address.
    pub creation_limiter: Arc<http::CreationLimiter>,
    /// Flips to `true` when the server stops: connections say goodbye.
    pub shutdown: watch::Receiver<bool>,
}

/// The HTTP routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(http::assets::serve))
        .route("/ws", get(ws::upgrade))
        .route(
            "/api/workshops",
            post(http::create_workshop).layer(DefaultBodyLimit::max(settings::MAX_SETUP_BYTES)),
        )
        .route("/api/join/{code}", get(http::public_info))
        .route(ruche_shared::api::SERVER_INFO, get(http::server_info))
        .route("/api/workshops/{id}", delete(http::delete_workshop))
        .route(
            "/api/workshops/{id}/tables/{table}/handover",
            post(http::handover::issue),
        )
        .route(
            "/api/workshops/{id}/export.json",
            get(http::exports::export_json),
        )
        .route(
            "/api/workshops/{id}/export.csv",
            get(http::exports::export_csv),
        )
        .route(
            "/api/workshops/{id}/export.html",
            get(http::exports::export_html),
        )
        .route(
            "/api/workshops/{id}/export.xlsx",
            get(http::exports::export_xlsx),
        )
        .route("/healthz", get(http::healthz))
        .route("/metrics", get(http::metrics))
        .fallback(http::assets::serve)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::host::check,
        ))
        .layer(axum::middleware::map_response(http::headers::add))
        .with_state(state)
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The event log could not be opened or read.
    #[error("the event log: {0}")]
    Store(#[from] store::StoreError),
    /// A workshop in the log could not be rebuilt.
    #[error("recovering the workshops: {0}")]
    Recovery(String),
    /// The network failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    /// Another server took this one's workshops over (it was paused or cut
    /// off past its leases, on PostgreSQL): it stopped, having written
    /// nothing more.
    #[error(
        "another Ruche server took over this one's workshops (this one was paused or cut off): stopped; start it again with --standby"
    )]
    SteppedDown,
}

/// A running server's address and how to stop it.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), StartError>>,
}

impl Running {
    /// Stops accepting, tells clients to reconnect, writes what is pending, and waits.
    pub async fn stop(self) -> Result<(), StartError> {
        let _ = self.stop.send(true);
        self.task
            .await
            .map_err(|e| StartError::Recovery(format!("server task: {e}")))?
    }

    /// Waits until the server stops by itself (e.g. on a signal).
    pub async fn wait(self) -> Result<(), StartError> {
        self.task
            .await
            .map_err(|e| StartError::Recovery(format!("server task: {e}")))?
    }

    /// A sender that stops the server when `true` is sent (for signal handlers).
    pub fn stopper(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }
}

/// Deletes workshops idle for longer than `retention`, now and every hour.
async fn purge_regularly(
    hub: Arc<Hub>,
    retention: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = every_hour.tick() => {
                let purged = hub.purge_older_than(retention).await;
                if purged > 0 {
                    tracing::info!(purged, retention_days = retention.as_secs() / 86_400, "old workshops deleted");
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}

/// Opens the log at `settings.db`, recovers every workshop, and serves on
/// `listener` until stopped.
pub async fn run(listener: TcpListener, mut settings: Settings) -> Result<Running, StartError> {
    if settings.cluster && settings.advertise.is_none() {
        let bound = listener.local_addr()?;
        if bound.ip().is_unspecified() {
            return Err(StartError::Io(std::io::Error::other(format!(
                "--cluster: this server listens on every address ({bound}); say which one the other servers reach it at with --advertise host:port"
            ))));
        }
        settings.advertise = Some(bound.to_string());
    }
    let opened = open(&settings).await?;
    serve_opened(listener, settings, opened).await
}

/// A log opened and read back, ready to serve: [`open`] then
/// [`serve_opened`] lets a server take its workshops before it listens (a
/// standby on PostgreSQL listens only once it runs them).
pub struct Opened {
    log: Box<dyn EventLog>,
    loaded: store::Loaded,
    reader: Option<Box<dyn store::LogReader>>,
    started: std::time::Instant,
}

/// Opens the log at `settings.db` and reads every workshop back.
pub async fn open(settings: &Settings) -> Result<Opened, StartError> {
    let log: Box<dyn EventLog> = match &settings.db {
        Database::File(path) => Box::new(SqliteLog::open(path)?),
        Database::Postgres(url) => {
            // The client blocks (and runs a runtime of its own): off this one.
            let (url, standby) = (url.clone(), settings.standby);
            let cluster = settings
                .cluster
                .then(|| settings.advertise.clone().unwrap_or_default());
            Box::new(
                tokio::task::spawn_blocking(move || {
                    PostgresLog::open(&url).map(|log| match cluster {
                        Some(address) => log.in_cluster(address),
                        None => log.standing_by(standby),
                    })
                })
                .await
                .map_err(|e| StartError::Recovery(format!("connecting task: {e}")))??,
            )
        }
    };
    read_back(log).await
}

/// [`run`] with any event log backend.
pub async fn start(
    listener: TcpListener,
    settings: Settings,
    log: Box<dyn EventLog>,
) -> Result<Running, StartError> {
    let opened = read_back(log).await?;
    serve_opened(listener, settings, opened).await
}

async fn read_back(log: Box<dyn EventLog>) -> Result<Opened, StartError> {
    let started = std::time::Instant::now();
    let (log, loaded, reader) = tokio::task::spawn_blocking(move || {
        let mut log = log;
        let loaded = log.load_all();
        let reader = log.reader();
        (log, loaded, reader)
    })
    .await
    .map_err(|e| StartError::Recovery(format!("loading task: {e}")))?;
    Ok(Opened {
        log,
        loaded: loaded?,
        reader,
        started,
    })
}

/// Serves an [`open`]ed log on `listener` until stopped.
pub async fn serve_opened(
    listener: TcpListener,
    settings: Settings,
    opened: Opened,
) -> Result<Running, StartError> {
    let Opened {
        log,
        loaded,
        reader,
        started,
    } = opened;
    let events: usize = loaded.workshops.iter().map(|w| w.events.len()).sum();
    let metrics = Arc::new(Metrics::default());
    let (stop, shutdown) = watch::channel(false);
    // A server another one took a workshop from (it was paused or cut off
    // past its lease, on PostgreSQL) steps down: it stops, and its clients
    // reconnect to whichever server runs the workshops now.
    let stepped_down = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let step_down = {
        let (stop, stepped_down) = (stop.clone(), stepped_down.clone());
        Box::new(move |workshop: &str| {
            tracing::error!(%workshop, "another Ruche server took over a workshop of this one: stepping down");
            stepped_down.store(true, std::sync::atomic::Ordering::Relaxed);
            let _ = stop.send(true);
        })
    };
    let (writer, writer_thread) = LogWriter::start(log, metrics.clone(), step_down);
    let settings = Arc::new(settings);
    let hub = Arc::new(Hub::new(writer, reader, settings.clone(), metrics.clone()));
    let workshops = loaded.workshops.len();
    for (id, why) in loaded.damaged {
        hub.mark_damaged(id, why);
    }
    // One workshop that does not rebuild (a hole left by a full disk, a
    // damaged row) is reported and left stopped; the others start.
    for workshop in loaded.workshops {
        let id = workshop.record.id.clone();
        if let Err(why) = hub.recover(workshop) {
            hub.mark_damaged(id, why);
        }
    }
    tracing::info!(
        workshops = workshops - hub.stopped().len(),
        stopped = hub.stopped().len(),
        events_replayed = events,
        took_ms = started.elapsed().as_millis() as u64,
        "recovered from the log"
    );

    if let Some(retention) = settings.retention {
        tokio::spawn(purge_regularly(hub.clone(), retention, shutdown.clone()));
    }
    let state = AppState {
        hub: hub.clone(),
        join_attempts: Arc::new(attempts::Attempts::new(
            "join code or table token",
            settings.join_attempts_per_minute,
            settings.join_failures_per_minute,
        )),
        secret_attempts: Arc::new(attempts::Attempts::new(
            "facilitator secret",
            settings.join_attempts_per_minute,
            u32::MAX,
        )),
        creation_limiter: Arc::new(http::creation_limiter(settings.creations_per_hour)),
        settings,
        metrics,
        shutdown: shutdown.clone(),
    };
    let addr = listener.local_addr()?;
    let limits = serve::ServeLimits {
        header_read_timeout: state.settings.header_read_timeout,
        request_deadline: state.settings.request_deadline,
        trusted_proxies: state.settings.trusted_proxies.clone().into(),
        ..serve::ServeLimits::new(state.settings.max_connections)
    };
    let router = app(state);
    let stopped = shutdown.clone();
    let task = tokio::spawn(async move {
        serve::serve(listener, router, limits, stopped).await;
        hub.shutdown().await;
        let _ = tokio::task::spawn_blocking(move || writer_thread.stop()).await;
        tracing::info!("stopped; everything acknowledged is written");
        if stepped_down.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(StartError::SteppedDown);
        }
        Ok(())
    });
    Ok(Running { addr, stop, task })
}
