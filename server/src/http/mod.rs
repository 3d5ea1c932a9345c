//! The HTTP side: create a workshop, the join screen's public info, the
//! facilitator's exports, health and metrics; the web client's files are in [`assets`].
//!
//! Every error is JSON `{"code": …, "message": …}` with a stable code
//! ([`ApiError`]); nothing here panics on bad input.

pub mod assets;
pub mod export;

use std::net::SocketAddr;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ruche_shared::config::StepConfig;
use ruche_shared::{
    ConfigError, Criterion, Lang, Template, WorkshopConfig, WorkshopSetup, source_criteria,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::hub::{Hub, WorkshopHandle};
use crate::secrets;
use ruche_shared::methods::budget_vote;

/// An HTTP error with a stable code.
#[derive(Debug)]
pub enum ApiError {
    /// The body is not the JSON expected.
    BadRequest(String),
    /// The workshop's settings are not valid.
    InvalidConfig(ConfigError),
    /// No such workshop or code.
    NotFound,
    /// Missing or wrong facilitator secret.
    Unauthorized,
    /// Too many attempts from this address.
    TooManyRequests,
    /// The server failed.
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, details) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m, None),
            ApiError::InvalidConfig(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_config",
                e.to_string(),
                serde_json::to_value(&e).ok(),
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
                "too many attempts: wait a minute".into(),
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
        let mut body = json!({ "code": code, "message": message });
        if let Some(details) = details {
            body["details"] = details;
        }
        (status, Json(body)).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

/// What a facilitator asks for: a template and its settings, or a full setup.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkshop {
    /// `ideation`, `evaluation` or `ideation_then_evaluation`.
    pub template: Option<Template>,
    /// A complete setup instead of a template.
    pub setup: Option<WorkshopSetup>,
    /// Title (with a template).
    pub title: Option<String>,
    /// Question (with a template).
    pub question: Option<String>,
    /// Screens' language (default fr).
    pub lang: Option<Lang>,
    /// Criteria of the scoring step (default: acceptabilité, coût, humanisme).
    pub criteria: Option<Vec<Criterion>>,
    /// Ideas to score (evaluation template).
    pub items: Option<Vec<String>>,
    /// Points per table (default 30).
    pub budget: Option<u32>,
    /// Points per item at most (default 3).
    pub cap_per_item: Option<u32>,
    /// Whether tables may vote for their own ideas (default no).
    pub allow_self_vote: Option<bool>,
    /// Seats per table (default 3).
    pub seats: Option<u8>,
}

impl CreateWorkshop {
    /// The setup this request describes.
    pub fn into_setup(self) -> Result<WorkshopSetup, ApiError> {
        if let Some(setup) = self.setup {
            return Ok(setup);
        }
        let template = self
            .template
            .ok_or_else(|| ApiError::BadRequest("give a `template` (or a full `setup`)".into()))?;
        let title = self.title.unwrap_or_default();
        let question = self.question.unwrap_or_default();
        let criteria = self.criteria.unwrap_or_else(source_criteria);
        let mut setup = template.setup(&title, &question, criteria, self.items.unwrap_or_default());
        if let Some(lang) = self.lang {
            setup.lang = lang;
        }
        if let Some(seats) = self.seats {
            setup.seats = seats;
        }
        for step in &mut setup.steps {
            if let StepConfig::BudgetVote(budget_vote::Config {
                budget,
                cap_per_item,
                allow_self_vote,
            }) = step
            {
                *budget = self.budget.unwrap_or(*budget);
                *cap_per_item = self.cap_per_item.unwrap_or(*cap_per_item);
                *allow_self_vote = self.allow_self_vote.unwrap_or(*allow_self_vote);
            }
        }
        Ok(setup)
    }
}

/// The answer to a creation: shown once.
#[derive(Debug, Serialize, Deserialize)]
pub struct CreatedWorkshop {
    /// The workshop's id.
    pub workshop: String,
    /// The code tables type to join.
    pub join_code: String,
    /// The facilitator secret: shown once, keep it.
    pub facilitator_secret: String,
}

/// `POST /api/workshops`.
pub async fn create_workshop(
    State(state): State<AppState>,
    body: Result<Json<CreateWorkshop>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedWorkshop>), ApiError> {
    let Json(request) = body?;
    let config = WorkshopConfig::new(request.into_setup()?).map_err(ApiError::InvalidConfig)?;
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

/// What the join screen shows before joining.
#[derive(Debug, Serialize, Deserialize)]
pub struct PublicInfo {
    /// Title.
    pub title: String,
    /// Question.
    pub question: String,
    /// Language.
    pub lang: Lang,
    /// Whether new tables may join.
    pub joining_open: bool,
}

/// `GET /api/join/{code}`: rate-limited like joining, since it tells whether a code exists.
pub async fn public_info(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
) -> Result<Json<PublicInfo>, ApiError> {
    if state.join_limiter.check_key(&peer.ip()).is_err() {
        return Err(ApiError::TooManyRequests);
    }
    let handle = state.hub.by_code(&code).ok_or(ApiError::NotFound)?;
    let setup = handle.config.setup();
    Ok(Json(PublicInfo {
        title: setup.title.clone(),
        question: setup.question.clone(),
        lang: setup.lang,
        joining_open: Hub::joining_open(&handle),
    }))
}

/// The workshop named in the path, if the request carries its facilitator secret.
async fn facilitator_workshop(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<(std::sync::Arc<WorkshopHandle>, ruche_shared::Workshop), ApiError> {
    let handle = state.hub.by_id(id).ok_or(ApiError::Unauthorized)?;
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)?;
    if !secrets::secret_matches(secret.trim(), &handle.secret_hash) {
        return Err(ApiError::Unauthorized);
    }
    let workshop = handle
        .read()
        .await
        .ok_or_else(|| ApiError::Internal("workshop stopped".into()))?;
    Ok((handle, workshop))
}

/// `GET /api/workshops/{id}/export.json`.
pub async fn export_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<export::Export>, ApiError> {
    let (handle, workshop) = facilitator_workshop(&state, &id, &headers).await?;
    Ok(Json(export::export(&handle.id, &workshop)))
}

/// `GET /api/workshops/{id}/export.csv`.
pub async fn export_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (handle, workshop) = facilitator_workshop(&state, &id, &headers).await?;
    let csv = export::to_csv(&export::export(&handle.id, &workshop), &workshop)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"ruche-{}.csv\"", handle.code);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response())
}

/// `DELETE /api/workshops/{id}`: the workshop and all its events, for good.
pub async fn delete_workshop(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let (handle, _) = facilitator_workshop(&state, &id, &headers).await?;
    state
        .hub
        .delete(&handle.id)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /healthz`.
pub async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({ "status": "ok", "workshops": state.hub.len() }))
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
