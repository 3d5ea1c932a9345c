//! The web client's files, embedded at build time (`build.rs`): `GET /` is the
//! app's page, `GET /ruche_room_bg.wasm` and the others its files. Each is sent
//! gzipped when the browser accepts it, with an `ETag` so a tablet that has it
//! already gets `304 Not Modified`.

use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// One embedded file.
pub struct Asset {
    /// Its path, e.g. `/index.html`.
    pub path: &'static str,
    /// Its content type.
    pub mime: &'static str,
    /// Its `ETag` header value (a content hash, quoted).
    pub etag: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
    /// Its bytes, gzipped.
    pub gzip: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// The embedded file at `path`, if there is one.
pub fn find(path: &str) -> Option<&'static Asset> {
    let path = if path == "/" { "/index.html" } else { path };
    ASSETS.iter().find(|asset| asset.path == path)
}

/// `GET /` and every path no route claims: an embedded file, or a JSON 404.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let Some(asset) = find(uri.path()) else {
        return ApiError::NotFound.into_response();
    };
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == asset.etag));
    let common = [
        (header::ETAG, asset.etag),
        // Revalidate each time (a cheap 304): a new server version must not
        // meet an old client cached on a tablet.
        (header::CACHE_CONTROL, "no-cache"),
        (header::VARY, "Accept-Encoding"),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accepted| accepted.split(',').any(|e| e.trim().starts_with("gzip")));
    if gzip {
        (
            common,
            [
                (header::CONTENT_TYPE, asset.mime),
                (header::CONTENT_ENCODING, "gzip"),
            ],
            asset.gzip,
        )
            .into_response()
    } else {
        (common, [(header::CONTENT_TYPE, asset.mime)], asset.body).into_response()
    }
}
