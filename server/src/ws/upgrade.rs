//! The HTTP upgrade to a WebSocket (RFC 6455, 4.2), done here rather than
//! by axum's extractor so that the connection gets its TCP socket back:
//! its reading half goes to tungstenite, which parses the client's frames;
//! its writing half to the connection's [`Outlet`](super::outlet::Outlet),
//! which writes every frame the server sends straight to the socket.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use crate::serve::Counted;

/// A request asking for a WebSocket, checked.
pub struct UpgradeRequest {
    accept: HeaderValue,
    on_upgrade: OnUpgrade,
}

/// The socket of an upgraded connection, and what the client sent past its request.
pub struct Upgraded {
    /// The TCP connection.
    pub stream: TcpStream,
    /// Its place under the server's cap on connections, held until it closes.
    pub place: OwnedSemaphorePermit,
    /// Bytes the client sent right after its request (the start of a frame).
    pub read_ahead: Vec<u8>,
}

impl UpgradeRequest {
    /// Checks that `request` asks for a WebSocket of version 13; `Err` is
    /// the status and the sentence to answer instead.
    pub fn check(request: &mut Request) -> Result<UpgradeRequest, (StatusCode, &'static str)> {
        let headers = request.headers();
        if !header_has_token(headers, header::CONNECTION, "upgrade")
            || !header_is(headers, header::UPGRADE, "websocket")
        {
            return Err((
                StatusCode::UPGRADE_REQUIRED,
                "this address takes WebSocket connections only",
            ));
        }
        if !header_is(headers, header::SEC_WEBSOCKET_VERSION, "13") {
            return Err((StatusCode::BAD_REQUEST, "WebSocket version 13 is required"));
        }
        let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY) else {
            return Err((
                StatusCode::BAD_REQUEST,
                "the Sec-WebSocket-Key header is missing",
            ));
        };
        let accept = HeaderValue::from_str(&derive_accept_key(key.as_bytes()))
            .expect("base64 is a valid header value");
        let Some(on_upgrade) = request.extensions_mut().remove::<OnUpgrade>() else {
            return Err((
                StatusCode::UPGRADE_REQUIRED,
                "this connection cannot be upgraded",
            ));
        };
        Ok(UpgradeRequest { accept, on_upgrade })
    }

    /// The `101 Switching Protocols` answer, and the socket once hyper has sent it.
    pub fn accept(
        self,
    ) -> (
        Response,
        impl std::future::Future<Output = Option<Upgraded>> + Send,
    ) {
        let response = Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header(header::CONNECTION, "upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_ACCEPT, self.accept)
            .body(Body::empty())
            .expect("a valid response");
        let upgraded = async move {
            let upgraded = self.on_upgrade.await.ok()?;
            // Our own server (`serve.rs`) hands hyper this type: anything else is a bug.
            match upgraded.downcast::<TokioIo<Counted>>() {
                Ok(parts) => {
                    let (stream, place) = parts.io.into_inner().into_parts();
                    Some(Upgraded {
                        stream,
                        place,
                        read_ahead: parts.read_buf.to_vec(),
                    })
                }
                Err(_) => {
                    tracing::error!("an upgraded connection is not a counted TCP socket");
                    None
                }
            }
        };
        (response, upgraded)
    }
}

/// Whether `name` is `value` (ASCII case ignored).
fn header_is(headers: &HeaderMap, name: HeaderName, value: &str) -> bool {
    headers
        .get(name)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(value.as_bytes()))
}

/// Whether the comma-separated list `name` holds `token` (case ignored).
fn header_has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_key_is_the_rfc_example() {
        // RFC 6455, 1.3.
        assert_eq!(
            derive_accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn connection_tokens_are_found_in_a_list() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, Upgrade"),
        );
        assert!(header_has_token(&headers, header::CONNECTION, "upgrade"));
        assert!(!header_has_token(&headers, header::CONNECTION, "close"));
    }
}
