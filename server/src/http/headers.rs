//! Security headers on every answer. The page runs only its own script and
//! WebAssembly (`'wasm-unsafe-eval'` lets the browser compile the client;
//! nothing is evaluated from text), talks only to its own server (HTTP and
//! WebSocket: `'self'` covers `ws:` and `wss:` on the same host), shows only
//! its own images and drawn SVG, and may not be framed by another site
//! (clickjacking the facilitator's console).

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// What the page may load and run.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; \
     connect-src 'self'; \
     object-src 'none'; \
     base-uri 'none'; \
     form-action 'self'; \
     frame-ancestors 'none'";

/// Adds the security headers to `response`.
pub async fn add(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let mut set = |name, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // The facilitator's links carry the secret in the fragment, which is
    // never sent; no page of Ruche needs to tell another site where it was.
    set(header::REFERRER_POLICY, "no-referrer");
    response
}
