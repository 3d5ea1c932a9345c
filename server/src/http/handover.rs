//! `POST /api/workshops/{id}/tables/{table}/handover`: a code for a new
//! tablet to take over a table whose tablet died (behind the facilitator
//! secret). The code is made here, handed to the workshop's actor as a hash,
//! and shown once to the facilitator; see `hub::handovers`.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::HeaderMap;
use ruche_shared::TableId;
use ruche_shared::api::{HANDOVER_DIGITS, HANDOVER_SECONDS, Handover};
use tokio::sync::oneshot;

use super::{Access, ApiError, facilitator_workshop};
use crate::AppState;
use crate::hub::ActorMsg;
use crate::secrets;

/// Gives table `table` a new handover code (replacing its previous one).
pub async fn issue(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((id, table)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Handover>, ApiError> {
    let (handle, workshop) =
        facilitator_workshop(&state, peer, &id, &headers, Access::Change).await?;
    // Parsed after the secret: an unknown workshop answers 401 whatever the table.
    let table = table
        .parse::<u32>()
        .map(TableId)
        .map_err(|_| ApiError::NotFound)?;
    let name = workshop
        .table(table)
        .map(|t| t.name.clone())
        .ok_or(ApiError::NotFound)?;
    let code = secrets::new_join_code(HANDOVER_DIGITS as u8);
    let (reply, issued) = oneshot::channel();
    let message = ActorMsg::IssueHandover {
        table,
        code_hash: secrets::hash_secret(&code),
        reply,
    };
    let stopped = || ApiError::Internal("workshop stopped".into());
    handle.send(message).await.map_err(|()| stopped())?;
    issued.await.map_err(|_| stopped())?;
    tracing::info!(workshop = %handle.id, table = table.0, "handover code issued");
    Ok(Json(Handover {
        table,
        name,
        code,
        expires_in_s: HANDOVER_SECONDS,
    }))
}
