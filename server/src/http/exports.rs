//! The facilitator's exports over HTTP, each behind the facilitator secret:
//! JSON (everything, the log included), CSV, the workbook and the synthesis.
//! All four are built from one [`Export`], computed from the workshop's log
//! replayed, so they say the same thing.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::export::{self, Export};
use super::{Access, ApiError, csv_export, facilitator_workshop, synthesis, xlsx_export};
use crate::AppState;
use crate::hub::WorkshopHandle;

/// A workshop the request may export, with its export.
struct Exported {
    handle: Arc<WorkshopHandle>,
    workshop: ruche_shared::Workshop,
    export: Export,
}

/// Checks the secret, then builds the export.
async fn exported(
    state: &AppState,
    peer: SocketAddr,
    id: &str,
    headers: &HeaderMap,
) -> Result<Exported, ApiError> {
    let (handle, workshop) = facilitator_workshop(state, peer, id, headers, Access::Read).await?;
    let export = export_of(state, &handle.id, &workshop).await;
    Ok(Exported {
        handle,
        workshop,
        export,
    })
}

/// The export of a workshop: from its whole log, replayed and chained, so
/// that anyone can re-count it; from its state in memory (without the log)
/// only if the log cannot be read beside the writer.
async fn export_of(state: &AppState, id: &str, live: &ruche_shared::Workshop) -> Export {
    let history = match state.hub.history(id).await {
        Ok(Some(history)) => history,
        Ok(None) => return export::export(id, live),
        Err(error) => {
            tracing::warn!(workshop = id, %error, "export without its log: the log cannot be read");
            return export::export(id, live);
        }
    };
    export::audited(id, &history).unwrap_or_else(|error| {
        tracing::error!(workshop = id, %error, "the log does not replay; export from memory, without it");
        export::export(id, live)
    })
}

/// A file to save, named after the workshop's title and today's date.
fn attachment(exported: &Exported, extension: &str, kind: &str, body: Vec<u8>) -> Response {
    let title = &exported.handle.config.setup().title;
    let name = csv_export::file_name(title, &csv_export::today(), extension);
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/workshops/{id}/export.json`.
pub async fn export_json(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Export>, ApiError> {
    Ok(Json(exported(&state, peer, &id, &headers).await?.export))
}

/// `GET /api/workshops/{id}/export.csv`.
pub async fn export_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let exported = exported(&state, peer, &id, &headers).await?;
    let csv = csv_export::to_csv(&exported.export, &exported.workshop)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(attachment(
        &exported,
        "csv",
        "text/csv; charset=utf-8",
        csv.into_bytes(),
    ))
}

/// `GET /api/workshops/{id}/export.xlsx`: the workbook.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let exported = exported(&state, peer, &id, &headers).await?;
    let bytes = xlsx_export::to_xlsx(&exported.export, &exported.workshop)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(attachment(
        &exported,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// `GET /api/workshops/{id}/export.html[?public=1][&utc_offset=60]`: the
/// synthesis, printable (`public=1`: for publication; `utc_offset`: the
/// reader's minutes from UTC, for the times printed).
pub async fn export_html(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let options = synthesis_options(query.as_deref().unwrap_or(""))?;
    let exported = exported(&state, peer, &id, &headers).await?;
    let html = synthesis::synthesis(&exported.export, &exported.workshop, options);
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// The synthesis's options from its query: `public=1`, `utc_offset=<minutes>`.
fn synthesis_options(query: &str) -> Result<synthesis::Options, ApiError> {
    let mut options = synthesis::Options::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "public" => options.public = matches!(value, "1" | "true" | ""),
            "utc_offset" => {
                let minutes = value
                    .parse::<i32>()
                    .ok()
                    .filter(|m| m.abs() <= 14 * 60)
                    .ok_or_else(|| {
                        ApiError::BadRequest(format!(
                            "utc_offset is minutes from UTC between -840 and 840, not {value:?}"
                        ))
                    })?;
                options.utc_offset_minutes = Some(minutes);
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown option {other:?} (public, utc_offset)"
                )));
            }
        }
    }
    Ok(options)
}
