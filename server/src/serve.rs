//! Serving HTTP on the listener, as `axum::serve` does, hardened for a venue's
//! Wi-Fi where anyone may connect:
//! - Nagle's algorithm off on every connection (small frames leave at once);
//! - HTTP/1.1 only (no client of Ruche speaks HTTP/2, and idle HTTP/2
//!   connections were never closed);
//! - a deadline on a request's headers, which is also the idle timeout of a
//!   kept-alive connection waiting for its next request (slowloris);
//! - a deadline on the whole request, body included (a body sent one byte
//!   every 20 s);
//! - a cap on open connections, below the process's limit on open files, so
//!   that a flood is refused cleanly (`503`) and never takes the file
//!   descriptors the log, running workshops and `/healthz` need.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt;

/// The longest a client may take to send a request's headers, and the
/// longest a kept-alive connection may wait idle for its next request.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest a request may take, its body included (WebSockets are
/// upgraded well within it and are not bound by it afterwards).
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(30);

/// File descriptors kept free of connections: the log's files, its
/// checkpointer, accepted-but-refused sockets.
const RESERVED_DESCRIPTORS: usize = 64;

/// How long a stop waits for HTTP requests in flight (WebSockets are closed by the hub).
const DRAIN: Duration = Duration::from_secs(5);

/// The limits [`serve`] applies, and whom it trusts to name the client.
#[derive(Debug, Clone)]
pub struct ServeLimits {
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// See [`REQUEST_DEADLINE`].
    pub request_deadline: Duration,
    /// Open connections at most (HTTP and WebSocket together).
    pub max_connections: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client: behind
    /// one, every request comes from the proxy's address, and the limits
    /// per address would hold back everyone at once.
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
}

impl ServeLimits {
    /// The defaults, with the connection cap set from the process's limit on
    /// open files (raised first: see [`raise_open_files_limit`]), unless
    /// `max_connections` is given.
    pub fn new(max_connections: Option<usize>) -> ServeLimits {
        let ceiling = raise_open_files_limit().saturating_sub(RESERVED_DESCRIPTORS);
        ServeLimits {
            header_read_timeout: HEADER_READ_TIMEOUT,
            request_deadline: REQUEST_DEADLINE,
            max_connections: max_connections
                .map_or(ceiling, |m| m.min(ceiling))
                .clamp(1, 1 << 20),
            trusted_proxies: Arc::new([]),
        }
    }
}

/// Raises the soft limit on open files to the hard limit (a desktop session
/// often starts programs at 1,024 when the system allows far more), logs it,
/// and returns the limit now in force. Where there is no such limit
/// (Windows), a large number.
pub fn raise_open_files_limit() -> usize {
    static RAISED: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *RAISED.get_or_init(|| match raise_now() {
        Ok(limit) => {
            tracing::info!(open_files = limit, "limit on open files");
            limit
        }
        Err(error) => {
            tracing::warn!(%error, "cannot read or raise the limit on open files; assuming 1024");
            1024
        }
    })
}

/// Accepts connections until `stop` turns true, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    mut stop: watch::Receiver<bool>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    // Each HTTP connection's task holds a clone; once all are dropped, every
    // request in flight at the stop has finished (or been upgraded).
    let (in_flight, mut all_done) = tokio::sync::mpsc::channel::<()>(1);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                // Out of file descriptors, most likely: wait a little rather than spin.
                tracing::warn!(%error, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            refuse_busy(stream, limits.max_connections);
            continue;
        };
        // Small frames must leave at once: with Nagle's algorithm on, an answer
        // written while the previous frame is unacknowledged waits for the
        // client's delayed ACK (40 ms on Linux).
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot turn off Nagle's algorithm on a connection");
        }
        let router = router.clone();
        let deadline = limits.request_deadline;
        let trusted = limits.trusted_proxies.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            let client = client_address(peer, request.headers(), &trusted);
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(client));
            let router = router.clone();
            async move {
                let response = match tokio::time::timeout(deadline, router.oneshot(request)).await {
                    Ok(response) => response.unwrap_or_else(|e| match e {}),
                    Err(_) => too_slow(),
                };
                Ok::<_, Infallible>(response)
            }
        });
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout);
        let io = TokioIo::new(Counted {
            stream,
            _permit: permit,
        });
        let connection = builder.serve_connection(io, service).with_upgrades();
        let in_flight = in_flight.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let stopped = async move {
                let _ = stop.wait_for(|stop| *stop).await;
            };
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stopped => {
                    // Finish the request in flight, take no other.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                tracing::debug!(%peer, error = %error, "connection ended with an error");
            }
            drop(in_flight);
        });
    }
    drop(listener);
    drop(in_flight);
    if tokio::time::timeout(DRAIN, all_done.recv()).await.is_err() {
        tracing::debug!("some HTTP requests were still running at the stop");
    }
}

#[cfg(unix)]
fn raise_now() -> io::Result<usize> {
    rlimit::increase_nofile_limit(u64::MAX)
        .map(|limit| usize::try_from(limit).unwrap_or(usize::MAX))
}

/// Windows has no limit on open sockets to raise (they are not C runtime
/// files); a ceiling still keeps a flood of connections from taking the
/// laptop's memory. Far above a town hall's tablets and screens.
#[cfg(not(unix))]
fn raise_now() -> io::Result<usize> {
    Ok(WINDOWS_CONNECTION_CEILING + RESERVED_DESCRIPTORS)
}

/// See [`raise_now`] on Windows.
#[cfg(not(unix))]
const WINDOWS_CONNECTION_CEILING: usize = 10_000;

/// The client's address: the peer's, or, when the peer is a trusted reverse
/// proxy, the last address its `X-Forwarded-For` adds (the one it saw; those
/// before it are whatever the client claimed).
pub fn client_address(
    peer: SocketAddr,
    headers: &axum::http::HeaderMap,
    trusted_proxies: &[std::net::IpAddr],
) -> SocketAddr {
    if !trusted_proxies.contains(&peer.ip()) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .next_back()
        .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok())
        .map_or(peer, |ip| SocketAddr::new(ip, peer.port()))
}

/// The answer to a request that overran [`REQUEST_DEADLINE`].
fn too_slow() -> axum::response::Response {
    let body = ruche_shared::api::ErrorBody {
        code: "request_timeout".into(),
        message: "the request took too long to arrive".into(),
        details: None,
    };
    (
        StatusCode::REQUEST_TIMEOUT,
        [(axum::http::header::CONNECTION, "close")],
        axum::Json(body),
    )
        .into_response()
}

/// Refuses a connection over the cap: a short `503` written without
/// waiting (if the socket cannot take it at once, it is just closed).
fn refuse_busy(stream: TcpStream, max: usize) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        tracing::warn!(
            max_connections = max,
            "too many open connections: new ones are refused until some close"
        );
    }
    let body = r#"{"code":"server_busy","message":"too many connections: try again in a moment"}"#;
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.try_write(response.as_bytes());
}

/// A connection's socket holding its place under the cap until it closes,
/// through an upgrade to a WebSocket too (hyper hands this same value on).
pub(crate) struct Counted {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl Counted {
    /// The socket and its place under the cap, for a WebSocket that takes
    /// its socket back from hyper (`ws::upgrade`).
    pub(crate) fn into_parts(self) -> (TcpStream, OwnedSemaphorePermit) {
        (self.stream, self._permit)
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod address_tests {
    use super::client_address;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy: std::net::SocketAddr = "127.0.0.1:50000".parse().unwrap();
        let stranger: std::net::SocketAddr = "192.168.1.66:50000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 192.168.1.23"),
        );
        let trusted = ["127.0.0.1".parse().unwrap()];
        assert_eq!(
            client_address(proxy, &headers, &trusted).ip().to_string(),
            "192.168.1.23",
            "the address the proxy saw, not what the client claimed"
        );
        assert_eq!(client_address(stranger, &headers, &trusted), stranger);
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
        assert_eq!(client_address(proxy, &headers, &[]), proxy);
    }
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn the_soft_limit_on_open_files_is_raised_to_the_hard_limit() {
        let (soft, hard) = rlimit::Resource::NOFILE.get().unwrap();
        // Start low, as a desktop session does, whatever this machine gives.
        let low = soft.min(hard).min(256);
        rlimit::Resource::NOFILE.set(low, hard).unwrap();
        let raised = super::raise_now().unwrap();
        let (now_soft, now_hard) = rlimit::Resource::NOFILE.get().unwrap();
        assert_eq!(now_hard, hard);
        assert!(
            now_soft > low || hard == low,
            "soft {now_soft}, hard {hard}"
        );
        assert_eq!(raised as u64, now_soft);
        rlimit::Resource::NOFILE.set(soft, hard).unwrap();
    }
}
