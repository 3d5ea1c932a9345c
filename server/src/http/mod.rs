//! The HTTP side: create a workshop, the join screen's public info, health
//! and metrics; the facilitator's exports are in [`exports`], the web
//! client's files in [`assets`].
//!
//! Every error is JSON `{"code": …, "message": …}` with a stable code
//! ([`ApiError`]); nothing here panics on bad input.

pub mod assets;
pub mod csv_export;
pub mod export;
pub mod exports;
pub mod handover;
pub mod headers;
pub mod host;
pub mod synthesis;
pub mod xlsx_export;

use std::net::SocketAddr;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ruche_shared::api::{CreateWorkshop, CreatedWorkshop, ErrorBody, PublicInfo};
use ruche_shared::{ConfigError, Lang, WorkshopConfig};

use crate::AppState;
use crate::hub::{Hub, WorkshopHandle, WorkshopKey};
use crate::secrets;
use crate::store::Ownership;

/// An HTTP error with a stable code.
#[derive(Debug)]
pub enum ApiError {
    /// The body is not the JSON expected.
    BadRequest(String),
    /// The workshop's settings are not valid.
    InvalidConfig(ConfigError, Lang),
    /// No such workshop or code.
    NotFound,
    /// Missing or wrong facilitator secret.
    Unauthorized,
    /// Too many attempts from this address.
    TooManyRequests,
    /// Too many workshops created from this address.
    TooManyCreations,
    /// The server holds as many workshops as it may.
    TooManyWorkshops(usize),
    /// The request's body is larger than allowed.
    TooLarge(usize),
    /// Another server of the cluster runs this workshop, and this request
    /// changes it: it is sent there (through the balancer) instead.
    ServedElsewhere,
    /// The server failed.
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, details) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m, None),
            // Said in the workshop's language, naming the step and the setting.
            ApiError::InvalidConfig(e, lang) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_config",
                e.message(lang),
                Some(e),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "no such workshop".into(),
                None,
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send the facilitator secret as `Authorization: Bearer <secret>`".into(),
                None,
            ),
            ApiError::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "too many wrong attempts from this address: wait a minute".into(),
                None,
            ),
            ApiError::TooManyCreations => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_creations",
                "too many workshops created from this address: wait before creating another".into(),
                None,
            ),
            ApiError::TooManyWorkshops(max) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "too_many_workshops",
                format!(
                    "this server holds {max} workshops, its limit: delete old workshops (or start it with --retention-days) to make room"
                ),
                None,
            ),
            ApiError::TooLarge(max) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the request is larger than {max} bytes"),
                None,
            ),
            ApiError::ServedElsewhere => (
                StatusCode::SERVICE_UNAVAILABLE,
                "served_elsewhere",
                "another Ruche server of this cluster runs this workshop: send this request through the balancer, which sends it there".into(),
                None,
            ),
            ApiError::Internal(m) => {
                tracing::error!(error = %m, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server failed; nothing was changed".into(),
                    None,
                )
            }
        };
        let body = ErrorBody {
            code: code.to_owned(),
            message,
            details,
        };
        (status, Json(body)).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(crate::settings::MAX_SETUP_BYTES)
        } else {
            ApiError::BadRequest(rejection.body_text())
        }
    }
}

/// The per-address limiter of workshop creations.
pub type CreationLimiter = governor::DefaultKeyedRateLimiter<std::net::IpAddr>;

/// A limiter allowing `per_hour` creations per address (all at once, then
/// one every hour / `per_hour`).
pub fn creation_limiter(per_hour: u32) -> CreationLimiter {
    let per_hour = std::num::NonZeroU32::new(per_hour.max(1)).expect("at least 1");
    governor::RateLimiter::keyed(governor::Quota::per_hour(per_hour))
}

/// `POST /api/workshops`: limited per address and in number, and its body
/// in size ([`crate::settings::MAX_SETUP_BYTES`]).
pub async fn create_workshop(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<CreateWorkshop>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedWorkshop>), ApiError> {
    let Json(request) = body?;
    if state.hub.len() >= state.settings.max_workshops {
        return Err(ApiError::TooManyWorkshops(state.settings.max_workshops));
    }
    if state.creation_limiter.check_key(&peer.ip()).is_err() {
        tracing::warn!(ip = %peer.ip(), "too many workshops created from one address");
        return Err(ApiError::TooManyCreations);
    }
    let setup = request.into_setup().map_err(ApiError::BadRequest)?;
    let lang = setup.lang;
    let config = WorkshopConfig::new(setup).map_err(|e| ApiError::InvalidConfig(e, lang))?;
    let created = state
        .hub
        .create(config)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWorkshop {
            workshop: created.id,
            join_code: created.code,
            facilitator_secret: created.secret,
        }),
    ))
}

/// `GET /api/join/{code}`: rate-limited like joining, since it tells whether a code exists.
pub async fn public_info(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
) -> Result<Json<PublicInfo>, ApiError> {
    if !state.join_attempts.may_try(peer.ip()) {
        return Err(ApiError::TooManyRequests);
    }
    let Some(handle) = state.hub.find(WorkshopKey::Code(&code)).await else {
        state.join_attempts.failed(peer.ip());
        return Err(ApiError::NotFound);
    };
    let setup = handle.config.setup();
    Ok(Json(PublicInfo {
        title: setup.title.clone(),
        question: setup.question.clone(),
        lang: setup.lang,
        joining_open: Hub::joining_open(&handle),
    }))
}

/// What a request does to its workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Reads it (an export): any server of a cluster answers, from the log.
    Read,
    /// Changes it: only the server that runs it.
    Change,
}

/// The workshop named in the path, if the request carries its facilitator
/// secret. Wrong secrets are counted per address and held back.
pub(super) async fn facilitator_workshop(
    state: &AppState,
    peer: SocketAddr,
    id: &str,
    headers: &HeaderMap,
    access: Access,
) -> Result<(std::sync::Arc<WorkshopHandle>, ruche_shared::Workshop), ApiError> {
    if !state.secret_attempts.may_try(peer.ip()) {
        return Err(ApiError::TooManyRequests);
    }
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let handle = state.hub.find(WorkshopKey::Id(id)).await.filter(|handle| {
        secret.is_some_and(|secret| secrets::secret_matches(secret.trim(), &handle.secret_hash))
    });
    let Some(handle) = handle else {
        state.secret_attempts.failed(peer.ip());
        return Err(ApiError::Unauthorized);
    };
    let here = state
        .hub
        .locate(&handle)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let workshop = match (here, access) {
        (Ownership::Mine, _) => handle.read().await,
        (Ownership::Gone, _) => return Err(ApiError::NotFound),
        (Ownership::Elsewhere { .. }, Access::Change) => return Err(ApiError::ServedElsewhere),
        // What the log holds is what was acknowledged: an export from here
        // is the owner's, up to the last commit.
        (Ownership::Elsewhere { .. }, Access::Read) => state.hub.read_logged(&handle.id).await,
    };
    let workshop = workshop.ok_or_else(|| ApiError::Internal("workshop stopped".into()))?;
    Ok((handle, workshop))
}

/// `DELETE /api/workshops/{id}`: the workshop and all its events, for good.
pub async fn delete_workshop(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let (handle, _) = facilitator_workshop(&state, peer, &id, &headers, Access::Change).await?;
    state
        .hub
        .delete(&handle.id)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/server`: the address tablets should open.
pub async fn server_info(State(state): State<AppState>) -> Json<ruche_shared::api::ServerInfo> {
    Json(ruche_shared::api::ServerInfo {
        tablet_base: state.settings.tablet_base.clone(),
    })
}

/// `GET /healthz`: `ok`, or `degraded` with the stopped workshops (still
/// 200: the server serves every other workshop, and a load balancer must
/// not take it out of service for one).
pub async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    let stopped: Vec<serde_json::Value> = state
        .hub
        .stopped()
        .into_iter()
        .map(|(workshop, reason)| serde_json::json!({ "workshop": workshop, "reason": reason }))
        .collect();
    let status = if stopped.is_empty() { "ok" } else { "degraded" };
    Json(serde_json::json!({
        "status": status,
        "workshops": state.hub.len(),
        "stopped": stopped,
    }))
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
