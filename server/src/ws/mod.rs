//! One WebSocket connection, split by job:
//!
//! - [`origin`]: which web pages may open one.
//! - [`handshake`]: the `hello`, checked before anything else is read.
//! - [`incoming`]: socket events sorted by type, messages parsed.
//! - [`reader`]: the client's messages turned into commands for the actor.
//! - [`writer`]: the task that drains the connection's queues into the socket.
//!
//! This file upgrades the request and wires them together: subscribe to the
//! workshop, start the writer, run the reader, clean up.

mod handshake;
mod incoming;
mod origin;
mod reader;
mod writer;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::ws::WebSocket;
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use ruche_shared::Role;
use ruche_shared::protocol::{PROTOCOL_VERSION, ServerMsg};
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

use crate::AppState;
use crate::hub::{ActorMsg, Frame, fanout};
use crate::metrics::RoleLabel;

/// Pings and pongs a client may send before `hello`.
pub const CONTROL_FRAMES_BEFORE_HELLO: u32 = 8;

/// Pings and pongs per second a client may send (burst: twice this). A
/// browser sends none of its own; each ping costs the server a pong, so a
/// flood of them is closed rather than answered.
pub const CONTROL_FRAMES_PER_SECOND: u32 = 10;

/// Commands a connection may have waiting for an answer.
const MAX_IN_FLIGHT: usize = 32;

/// `GET /ws`: checks the `Origin`, then upgrades.
pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if let Err(origin) = origin::check_origin(&headers, &state.settings.allowed_origins) {
        tracing::warn!(%peer, origin, "WebSocket from a foreign origin refused");
        return (
            StatusCode::FORBIDDEN,
            "this origin may not open a Ruche WebSocket",
        )
            .into_response();
    }
    let limit = state.settings.max_message_bytes;
    // A small read buffer (it grows for a large message): a tablet sends little,
    // and thousands of connections must stay cheap.
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(4 * 1024)
        .on_upgrade(move |socket| connection(socket, state, peer.ip()))
}

async fn connection(mut socket: WebSocket, state: AppState, ip: IpAddr) {
    let settings = state.settings.clone();
    let Some((auth, _place)) = handshake::handshake(&mut socket, &state, ip).await else {
        return;
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

    let (news_tx, news_rx) = mpsc::channel::<Frame>(settings.client_queue_frames);
    let (reply_tx, reply_rx) = mpsc::channel::<Frame>(MAX_IN_FLIGHT);
    let (subscribed, subscription) = oneshot::channel();
    let subscribe = ActorMsg::Subscribe {
        role: auth.role,
        last_seq: auth.last_seq,
        outbox: news_tx,
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
        gauge.dec();
        return;
    };
    let welcome = fanout::encode(&ServerMsg::Welcome {
        protocol: PROTOCOL_VERSION,
        workshop: auth.handle.id.clone(),
        role: auth.role,
        table_token: auth.table_token.clone(),
        join_code: (auth.role == Role::Facilitator).then(|| auth.handle.code.clone()),
    });
    let (sink, stream) = socket.split();
    let mut first = vec![welcome];
    first.extend(subscription.initial);
    let (goodbye_tx, goodbye_rx) = oneshot::channel();
    let inputs = writer::WriterInputs {
        replies: reply_rx,
        news: news_rx,
        goodbye: goodbye_rx,
        shutdown: state.shutdown.clone(),
        heartbeat: settings.heartbeat_interval,
        write_deadline: settings.write_deadline,
    };
    let mut writer = tokio::spawn(writer::write_loop(sink, first, inputs));

    // A writer that ends first (the client stopped reading past the write
    // deadline, or the socket failed) ends the reading too: the connection
    // and everything it held are let go at once.
    let mut writer_done = false;
    tokio::select! {
        goodbye = reader::read_loop(stream, &state, &auth, &actor, subscription.id, ip, &reply_tx) => {
            if let Some(goodbye) = goodbye {
                let _ = goodbye_tx.send(goodbye);
            }
        }
        _ = &mut writer => writer_done = true,
    }
    let _ = actor
        .send(ActorMsg::Unsubscribe {
            id: subscription.id,
        })
        .await;
    drop(reply_tx);
    if !writer_done {
        let _ = timeout(Duration::from_secs(2), writer).await;
    }
    gauge.dec();
}
