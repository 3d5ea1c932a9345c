//! One WebSocket connection, split by job:
//!
//! - [`upgrade`]: the HTTP upgrade, which hands the connection its socket.
//! - [`halves`]: the socket split: tungstenite reads, the outlet writes.
//! - [`outlet`]: every frame out, written to the socket at once by whoever
//!   sends it, queued only when the socket would block.
//! - [`origin`]: which web pages may open one.
//! - [`handshake`]: the `hello`, checked before anything else is read.
//! - [`incoming`]: socket events sorted by type, messages parsed.
//! - [`reader`]: the connection's task: the client's messages turned into
//!   commands for the actor, pings, the outlet's backlog.
//! - [`goodbye`]: why a connection ends, and its last frames.
//! - [`forward`]: a connection carried to the server of a cluster that runs
//!   its workshop.
//!
//! This file upgrades the request and wires them together: subscribe to the
//! workshop, send the first frames, run the reader, clean up.

mod forward;
mod goodbye;
mod halves;
mod handshake;
mod incoming;
mod origin;
pub mod outlet;
mod reader;
mod upgrade;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ruche_shared::Role;
use ruche_shared::protocol::{PROTOCOL_VERSION, ServerMsg};
use tokio::sync::oneshot;

use crate::AppState;
use crate::hub::outbox::Outbox;
use crate::hub::{ActorMsg, fanout};
use crate::metrics::RoleLabel;
pub use goodbye::{CLOSE_POLICY, CLOSE_TOO_BIG};

/// Pings and pongs a client may send before `hello`.
pub const CONTROL_FRAMES_BEFORE_HELLO: u32 = 8;

/// Pings and pongs per second a client may send (burst: twice this). A
/// browser sends none of its own; each ping costs the server a pong, so a
/// flood of them is closed rather than answered.
pub const CONTROL_FRAMES_PER_SECOND: u32 = 10;

/// Commands a connection may have waiting for an answer.
const MAX_IN_FLIGHT: usize = 32;

/// How long the last frames of a connection (an error, a close) may take to leave.
const GOODBYE_DEADLINE: Duration = Duration::from_secs(2);

/// `GET /ws`: checks the `Origin`, then upgrades.
pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
) -> Response {
    if let Err(origin) = origin::check_origin(request.headers(), &state.settings.allowed_origins) {
        tracing::warn!(%peer, origin, "WebSocket from a foreign origin refused");
        return (
            StatusCode::FORBIDDEN,
            "this origin may not open a Ruche WebSocket",
        )
            .into_response();
    }
    let asked = match upgrade::UpgradeRequest::check(&mut request) {
        Ok(asked) => asked,
        Err(refusal) => return refusal.into_response(),
    };
    let (response, upgraded) = asked.accept();
    tokio::spawn(async move {
        if let Some(upgraded) = upgraded.await {
            connection(upgraded, state, peer.ip()).await;
        }
    });
    response
}

async fn connection(upgraded: upgrade::Upgraded, state: AppState, ip: IpAddr) {
    let upgrade::Upgraded {
        stream,
        place: _place,
        read_ahead,
    } = upgraded;
    let settings = state.settings.clone();
    let (mut inbound, outlet) = halves::split(stream, read_ahead, &settings).await;
    let (auth, _screen) = match handshake::handshake(&mut inbound, &outlet, &state, ip).await {
        handshake::Handshake::Done(auth, screen) => (auth, screen),
        handshake::Handshake::Forward { to, hello } => {
            // Boxed: carrying is rare (a cluster's misrouted screen), and
            // its future (a WebSocket client) inline would grow every
            // connection's task by kilobytes.
            Box::pin(forward::forward(inbound, &outlet, &state, ip, &to, hello))
                .await
                .say(&outlet);
            outlet.drain(GOODBYE_DEADLINE).await;
            return;
        }
        handshake::Handshake::Failed => {
            outlet.drain(GOODBYE_DEADLINE).await;
            return;
        }
    };
    let role_label = RoleLabel {
        role: match auth.role {
            Role::Facilitator => "facilitator",
            Role::Table(_) => "table",
            Role::Wall | Role::Guest => "wall",
        },
    };
    let gauge = state.metrics.connections.get_or_create(&role_label).clone();
    gauge.inc();

    // The welcome first: the actor then puts the first frames behind it, and news after them.
    outlet.send(fanout::encode(&ServerMsg::Welcome {
        protocol: PROTOCOL_VERSION,
        workshop: auth.handle.id.clone(),
        role: auth.role,
        table_token: auth.table_token.clone(),
        join_code: (auth.role == Role::Facilitator).then(|| auth.handle.code.clone()),
    }));
    let (subscribed, subscription) = oneshot::channel();
    let subscribe = ActorMsg::Subscribe {
        role: auth.role,
        last_seq: auth.last_seq,
        outbox: outlet.clone() as Arc<dyn Outbox>,
        reply: subscribed,
    };
    // The actor's inbox, kept for the connection's life: while it watches,
    // the workshop stays in memory, so this inbox stays the right one.
    let subscription = async {
        let actor = auth.handle.actor().await?;
        actor.send(subscribe).await.ok()?;
        Some((actor, subscription.await.ok()?))
    }
    .await;
    let Some((actor, subscription)) = subscription else {
        goodbye::Goodbye::Restart.say(&outlet);
        outlet.drain(GOODBYE_DEADLINE).await;
        gauge.dec();
        return;
    };
    let goodbye = reader::run(reader::Connection {
        inbound,
        outlet: &outlet,
        state: &state,
        auth: &auth,
        actor: &actor,
        subscription_id: subscription.id,
        ip,
    })
    .await;
    let _ = actor
        .send(ActorMsg::Unsubscribe {
            id: subscription.id,
        })
        .await;
    goodbye.say(&outlet);
    outlet.drain(GOODBYE_DEADLINE).await;
    gauge.dec();
}
