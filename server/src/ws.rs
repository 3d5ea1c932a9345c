//! One WebSocket connection: the `hello` handshake, then a reader loop that
//! turns messages into actor commands and a writer task that drains the
//! connection's two queues (answers first, then news) into the socket.
//!
//! Every socket error is sorted in one place ([`Incoming::from`]): a fatal one
//! ends the loop; a bad message gets an error reply and the loop goes on.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use governor::{Quota, RateLimiter};
use ruche_shared::protocol::{Auth, ClientMsg, ErrorCode, OpId, PROTOCOL_VERSION, Seq, ServerMsg};
use ruche_shared::{Role, RuleViolation, TableId};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, timeout};

use crate::AppState;
use crate::hub::{ActorMsg, Frame, JoinError, WorkshopHandle, fanout};
use crate::metrics::RoleLabel;
use crate::secrets;

/// Longest operation id accepted.
const MAX_OP_ID_LEN: usize = 64;
/// Commands a connection may have waiting for an answer.
const MAX_IN_FLIGHT: usize = 32;
/// Frames written to one client with one system call, at most.
const MAX_FRAMES_PER_WRITE: usize = 16;

/// `GET /ws`: checks the `Origin`, then upgrades.
pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if let Err(origin) = check_origin(&headers, &state.settings.allowed_origins) {
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

/// A browser page may open a WebSocket only from Ruche's own address or an
/// allowed origin (this stops cross-site WebSocket hijacking). Clients that are
/// not browsers send no `Origin` and are let through: they cannot be tricked
/// into using someone's credentials.
fn check_origin(headers: &HeaderMap, allowed: &[String]) -> Result<(), String> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("").trim_end_matches('/');
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let same_origin = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host));
    if same_origin
        || allowed
            .iter()
            .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        Ok(())
    } else {
        Err(origin.to_owned())
    }
}

/// What the reader made of one socket event.
enum Incoming {
    Text(String),
    Ignore,
    Binary,
    TooLarge,
    Closed,
}

impl From<Option<Result<Message, axum::Error>>> for Incoming {
    fn from(next: Option<Result<Message, axum::Error>>) -> Self {
        match next {
            Some(Ok(Message::Text(text))) => Incoming::Text(text.to_string()),
            Some(Ok(Message::Binary(_))) => Incoming::Binary,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => Incoming::Ignore,
            Some(Ok(Message::Close(_))) | None => Incoming::Closed,
            Some(Err(error)) => {
                let text = error.to_string();
                if text.contains("Space limit exceeded")
                    || text.contains("too long")
                    || text.contains("too big")
                {
                    Incoming::TooLarge
                } else {
                    tracing::debug!(%error, "socket error");
                    Incoming::Closed
                }
            }
        }
    }
}

fn error_frame(code: ErrorCode, message: impl Into<String>, op: Option<OpId>) -> Frame {
    fanout::encode(&ServerMsg::Error {
        code,
        message: message.into(),
        op,
        violation: None,
    })
}

/// Who the connection turned out to be.
struct Authenticated {
    handle: Arc<WorkshopHandle>,
    role: Role,
    table_token: Option<String>,
    last_seq: Option<Seq>,
}

async fn connection(mut socket: WebSocket, state: AppState, ip: IpAddr) {
    let settings = state.settings.clone();
    let Some(auth) = handshake(&mut socket, &state, ip).await else {
        return;
    };
    let role_label = RoleLabel {
        role: match auth.role {
            Role::Facilitator => "facilitator",
            Role::Table(_) => "table",
            _ => "wall",
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
    let Ok(subscription) = async {
        auth.handle.tx.send(subscribe).await.ok()?;
        subscription.await.ok()
    }
    .await
    .ok_or(()) else {
        gauge.dec();
        return;
    };
    let welcome = fanout::encode(&ServerMsg::Welcome {
        protocol: PROTOCOL_VERSION,
        workshop: auth.handle.id.clone(),
        role: auth.role,
        table_token: auth.table_token,
        join_code: (auth.role == Role::Facilitator).then(|| auth.handle.code.clone()),
    });
    let (mut sink, mut stream) = socket.split();
    let mut first = vec![welcome];
    first.extend(subscription.initial);
    let mut shutdown = state.shutdown.clone();
    let heartbeat = settings.heartbeat_interval;
    let writer = tokio::spawn(async move {
        for frame in first {
            if sink.send(Message::Text(frame)).await.is_err() {
                return;
            }
        }
        write_loop(sink, reply_rx, news_rx, heartbeat, &mut shutdown).await;
    });

    let limiter = RateLimiter::direct(command_quota(settings.commands_per_second));
    let mut errors = ErrorLog {
        state: &state,
        workshop: &auth.handle.id,
        ip,
        logged: Vec::new(),
    };
    let mut last_heard = Instant::now();
    let silence_limit = heartbeat * 3;
    let mut shutdown = state.shutdown.clone();
    loop {
        let next = tokio::select! {
            next = stream.next() => next,
            () = tokio::time::sleep_until(last_heard + silence_limit) => {
                tracing::debug!(workshop = %auth.handle.id, "client silent too long; dropping it");
                break;
            }
            _ = shutdown.changed() => break,
        };
        last_heard = Instant::now();
        let reply = |frame: Frame| {
            let reply_tx = reply_tx.clone();
            async move { reply_tx.send(frame).await.is_ok() }
        };
        match Incoming::from(next) {
            Incoming::Text(text) => {
                let Some(permit) = reply_tx.clone().reserve_owned().await.ok() else {
                    break;
                };
                let parsed = parse(&text);
                // Every message counts, junk included: a flood of malformed
                // messages costs the server no more than a flood of commands.
                if limiter.check().is_err() {
                    errors.report(ErrorCode::RateLimited);
                    let op = match parsed {
                        Ok(ClientMsg::Command { op, .. }) => Some(op),
                        _ => None,
                    };
                    permit.send(error_frame(
                        ErrorCode::RateLimited,
                        "too many messages: slow down",
                        op,
                    ));
                    continue;
                }
                match parsed {
                    Ok(ClientMsg::Command { op, command }) => {
                        if op.0.is_empty() || op.0.len() > MAX_OP_ID_LEN {
                            errors.report(ErrorCode::MalformedMessage);
                            permit.send(error_frame(
                                ErrorCode::MalformedMessage,
                                "op must have 1 to 64 characters",
                                None,
                            ));
                        } else {
                            let message = ActorMsg::Command {
                                role: auth.role,
                                op,
                                command,
                                reply: permit,
                            };
                            if auth.handle.tx.send(message).await.is_err() {
                                break;
                            }
                        }
                    }
                    Ok(ClientMsg::Resync) => {
                        drop(permit);
                        let _ = auth
                            .handle
                            .tx
                            .send(ActorMsg::Resync {
                                id: subscription.id,
                            })
                            .await;
                    }
                    Ok(ClientMsg::Hello { .. }) => {
                        errors.report(ErrorCode::AlreadyAuthenticated);
                        permit.send(error_frame(
                            ErrorCode::AlreadyAuthenticated,
                            "this connection has already said hello",
                            None,
                        ));
                    }
                    Err((code, message)) => {
                        errors.report(code);
                        permit.send(error_frame(code, message, None));
                    }
                }
            }
            Incoming::Ignore => {}
            Incoming::Binary => {
                errors.report(ErrorCode::BinaryNotSupported);
                let text = "binary frames are not supported: send JSON text";
                if !reply(error_frame(ErrorCode::BinaryNotSupported, text, None)).await {
                    break;
                }
            }
            Incoming::TooLarge => {
                errors.report(ErrorCode::MessageTooLarge);
                let text = format!(
                    "messages are limited to {} bytes",
                    settings.max_message_bytes
                );
                let _ = reply(error_frame(ErrorCode::MessageTooLarge, text, None)).await;
                break;
            }
            Incoming::Closed => break,
        }
    }
    let _ = auth
        .handle
        .tx
        .send(ActorMsg::Unsubscribe {
            id: subscription.id,
        })
        .await;
    drop(reply_tx);
    let _ = timeout(Duration::from_secs(2), writer).await;
    gauge.dec();
}

/// Counts every protocol error a connection gets, and logs the first of each
/// kind: a line in the log without a flood of them when a client misbehaves.
struct ErrorLog<'a> {
    state: &'a AppState,
    workshop: &'a str,
    ip: IpAddr,
    logged: Vec<ErrorCode>,
}

impl ErrorLog<'_> {
    fn report(&mut self, code: ErrorCode) {
        self.state.metrics.protocol_error(code);
        if !self.logged.contains(&code) {
            self.logged.push(code);
            tracing::info!(
                workshop = %self.workshop,
                ip = %self.ip,
                ?code,
                "protocol error (more of this kind on this connection are only counted)"
            );
        }
    }
}

/// Drains answers (first) and news into the socket, pings the client, and
/// says goodbye on shutdown. Ends when both queues end or the socket fails.
async fn write_loop(
    mut sink: futures_util::stream::SplitSink<WebSocket, Message>,
    mut replies: mpsc::Receiver<Frame>,
    mut news: mpsc::Receiver<Frame>,
    heartbeat: Duration,
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
) {
    let mut ping = tokio::time::interval(heartbeat);
    ping.tick().await;
    let mut replies_open = true;
    loop {
        let message = tokio::select! {
            biased;
            _ = shutdown.changed() => break,
            frame = replies.recv(), if replies_open => match frame {
                Some(frame) => Message::Text(frame),
                None => { replies_open = false; continue; }
            },
            frame = news.recv() => match frame {
                Some(frame) => Message::Text(frame),
                // The workshop let go of us: it is stopping, or its log failed.
                None => break,
            },
            _ = ping.tick() => Message::Ping(Default::default()),
        };
        // Whatever else is already queued for this client goes out in the same
        // write: one system call for a flush's events, results and answers,
        // not one per frame.
        if sink.feed(message).await.is_err() {
            return;
        }
        for _ in 0..MAX_FRAMES_PER_WRITE {
            let queued = match replies.try_recv() {
                Ok(frame) => Some(frame),
                Err(_) => news.try_recv().ok(),
            };
            let Some(frame) = queued else { break };
            if sink.feed(Message::Text(frame)).await.is_err() {
                return;
            }
        }
        if sink.flush().await.is_err() {
            return;
        }
    }
    // Tell the client to come back: the server is stopping, or this workshop restarts.
    let bye = error_frame(
        ErrorCode::ShuttingDown,
        "the server is stopping: reconnect in a moment",
        None,
    );
    let _ = sink.send(Message::Text(bye)).await;
    let close = CloseFrame {
        code: close_code::RESTART,
        reason: "server restarting".into(),
    };
    let _ = sink.send(Message::Close(Some(close))).await;
    let _ = sink.close().await;
}

fn command_quota(per_second: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).expect("at least 1");
    let burst = NonZeroU32::new(per_second.max(1).saturating_mul(2)).expect("at least 1");
    Quota::per_second(rate).allow_burst(burst)
}

/// Parses a client message, telling a malformed one from an unknown type.
fn parse(text: &str) -> Result<ClientMsg, (ErrorCode, String)> {
    serde_json::from_str::<ClientMsg>(text).map_err(|error| {
        let known = ["hello", "command", "resync"];
        let kind = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
        match kind {
            Some(kind) if !known.contains(&kind.as_str()) => (
                ErrorCode::UnknownMessageType,
                format!("unknown message type {kind:?}"),
            ),
            _ => (ErrorCode::MalformedMessage, error.to_string()),
        }
    })
}

/// Waits for `hello` and checks the credentials. On failure the client gets
/// an error (and, when fatal, a close) and `None` is returned.
async fn handshake(socket: &mut WebSocket, state: &AppState, ip: IpAddr) -> Option<Authenticated> {
    let deadline = Instant::now() + state.settings.handshake_timeout;
    loop {
        let next = tokio::time::timeout_at(deadline, socket.recv())
            .await
            .ok()?;
        let text = match Incoming::from(next) {
            Incoming::Text(text) => text,
            Incoming::Ignore => continue,
            Incoming::Binary => {
                warn_client(
                    socket,
                    state,
                    ErrorCode::BinaryNotSupported,
                    "send JSON text",
                )
                .await?;
                continue;
            }
            Incoming::TooLarge => {
                let refusal = (ErrorCode::MessageTooLarge, "message too large".to_owned());
                return refuse(socket, state, refusal.into()).await;
            }
            Incoming::Closed => return None,
        };
        let (protocol, auth, last_seq) = match parse(&text) {
            Ok(ClientMsg::Hello {
                protocol,
                auth,
                last_seq,
            }) => (protocol, auth, last_seq),
            Ok(_) => {
                warn_client(
                    socket,
                    state,
                    ErrorCode::NotAuthenticated,
                    "say hello first",
                )
                .await?;
                continue;
            }
            Err((code, message)) => {
                warn_client(socket, state, code, &message).await?;
                continue;
            }
        };
        if protocol != PROTOCOL_VERSION {
            let message = format!("this server speaks protocol {PROTOCOL_VERSION}");
            return refuse(
                socket,
                state,
                (ErrorCode::UnsupportedProtocol, message).into(),
            )
            .await;
        }
        return match authenticate(state, ip, auth, last_seq).await {
            Ok(auth) => Some(auth),
            Err(refusal) => refuse(socket, state, refusal).await,
        };
    }
}

/// Sends an error and lets the client try again; `None` if the socket died.
async fn warn_client(
    socket: &mut WebSocket,
    state: &AppState,
    code: ErrorCode,
    message: &str,
) -> Option<()> {
    state.metrics.protocol_error(code);
    socket
        .send(Message::Text(error_frame(code, message, None)))
        .await
        .ok()
}

/// Why a handshake failed.
struct Refusal {
    code: ErrorCode,
    message: String,
    violation: Option<RuleViolation>,
}

impl From<(ErrorCode, String)> for Refusal {
    fn from((code, message): (ErrorCode, String)) -> Self {
        Refusal {
            code,
            message,
            violation: None,
        }
    }
}

/// Sends the refusal and closes the socket: the handshake has failed.
async fn refuse<T>(socket: &mut WebSocket, state: &AppState, refusal: Refusal) -> Option<T> {
    state.metrics.protocol_error(refusal.code);
    tracing::info!(code = ?refusal.code, "handshake refused");
    let Refusal {
        code,
        message,
        violation,
    } = refusal;
    let frame = fanout::encode(&ServerMsg::Error {
        code,
        message,
        op: None,
        violation,
    });
    socket.send(Message::Text(frame)).await.ok()?;
    let close = CloseFrame {
        code: close_code::POLICY,
        reason: "refused".into(),
    };
    let _ = socket.send(Message::Close(Some(close))).await;
    None
}

async fn authenticate(
    state: &AppState,
    ip: IpAddr,
    auth: Auth,
    last_seq: Option<Seq>,
) -> Result<Authenticated, Refusal> {
    let bad = || {
        (
            ErrorCode::BadCredentials,
            "unknown workshop, code, secret or token".to_owned(),
        )
    };
    if let Auth::Facilitator { workshop, secret } = auth {
        let handle = state.hub.by_id(&workshop).ok_or_else(bad)?;
        if !secrets::secret_matches(&secret, &handle.secret_hash) {
            tracing::info!(%ip, "wrong facilitator secret");
            return Err(bad().into());
        }
        return Ok(Authenticated {
            handle,
            role: Role::Facilitator,
            table_token: None,
            last_seq,
        });
    }
    // Everything else starts with a join code, which must not be guessable by trying.
    if state.join_limiter.check_key(&ip).is_err() {
        tracing::warn!(%ip, "too many join attempts");
        let refusal = (
            ErrorCode::TooManyJoinAttempts,
            "too many attempts: wait a minute".to_owned(),
        );
        return Err(refusal.into());
    }
    let code = match &auth {
        Auth::JoinTable { code, .. } | Auth::RejoinTable { code, .. } | Auth::Wall { code } => code,
        Auth::Facilitator { .. } => unreachable!("handled above"),
    };
    let handle = state.hub.by_code(code).ok_or_else(bad)?;
    match auth {
        Auth::Wall { .. } => Ok(Authenticated {
            handle,
            role: Role::Wall,
            table_token: None,
            last_seq,
        }),
        Auth::RejoinTable { token, .. } => {
            let table = find_table(&handle, secrets::hash_secret(&token))
                .await
                .ok_or_else(bad)?;
            Ok(Authenticated {
                handle,
                role: Role::Table(table),
                table_token: None,
                last_seq,
            })
        }
        Auth::JoinTable { name, token, .. } => {
            let token = match token {
                Some(token) if secrets::is_well_formed_token(&token) => token,
                Some(_) => {
                    let message = "a table token has 32 to 64 hexadecimal digits".to_owned();
                    return Err((ErrorCode::MalformedMessage, message).into());
                }
                None => secrets::new_secret(),
            };
            let token_hash = secrets::hash_secret(&token);
            // The same join sent again (its welcome was lost): the same table.
            if let Some(table) = find_table(&handle, token_hash.clone()).await {
                return Ok(Authenticated {
                    handle,
                    role: Role::Table(table),
                    table_token: Some(token),
                    last_seq,
                });
            }
            let (reply, answer) = oneshot::channel();
            handle
                .tx
                .send(ActorMsg::Join {
                    name,
                    token_hash,
                    reply,
                })
                .await
                .map_err(|_| bad())?;
            match answer.await {
                Ok(Ok(table)) => Ok(Authenticated {
                    role: Role::Table(table),
                    table_token: Some(token),
                    last_seq: None,
                    handle,
                }),
                Ok(Err(JoinError::Rule(violation))) => Err(join_refused(violation, &handle)),
                Ok(Err(JoinError::Internal)) | Err(_) => {
                    let message = "the server could not record the join; try again".to_owned();
                    Err((ErrorCode::Internal, message).into())
                }
            }
        }
        Auth::Facilitator { .. } => unreachable!("handled above"),
    }
}

/// The table whose token has this hash in the workshop, if any (none too if
/// the workshop's actor is gone).
async fn find_table(handle: &WorkshopHandle, token_hash: String) -> Option<TableId> {
    let (reply, answer) = oneshot::channel();
    handle
        .tx
        .send(ActorMsg::FindTable { token_hash, reply })
        .await
        .ok()?;
    answer.await.ok().flatten()
}

/// A join the rules refused: the rule's code and numbers, and its sentence.
fn join_refused(violation: RuleViolation, handle: &WorkshopHandle) -> Refusal {
    let message = violation.message(handle.lang());
    Refusal {
        code: ErrorCode::JoinRefused,
        message,
        violation: Some(violation),
    }
}

/// The per-address limiter of join attempts.
pub type JoinLimiter = governor::DefaultKeyedRateLimiter<IpAddr>;

/// A limiter allowing `per_minute` attempts per address.
pub fn join_limiter(per_minute: u32) -> JoinLimiter {
    let per_minute = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
    RateLimiter::keyed(Quota::per_minute(per_minute))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers
    }

    #[test]
    fn origins_are_checked_against_the_host_and_the_allowlist() {
        let allowed = vec!["https://ruche.mairie.example".to_owned()];
        assert!(check_origin(&headers(None, "10.0.0.2:8080"), &[]).is_ok());
        assert!(check_origin(&headers(Some("http://10.0.0.2:8080"), "10.0.0.2:8080"), &[]).is_ok());
        assert!(
            check_origin(
                &headers(Some("https://evil.example"), "10.0.0.2:8080"),
                &allowed
            )
            .is_err()
        );
        assert!(
            check_origin(
                &headers(Some("https://ruche.mairie.example"), "10.0.0.2:8080"),
                &allowed
            )
            .is_ok()
        );
        assert!(check_origin(&headers(Some("null"), "10.0.0.2:8080"), &[]).is_err());
    }

    #[test]
    fn bad_messages_are_told_apart() {
        assert_eq!(parse("{").unwrap_err().0, ErrorCode::MalformedMessage);
        assert_eq!(
            parse(r#"{"type":"dance"}"#).unwrap_err().0,
            ErrorCode::UnknownMessageType
        );
        assert_eq!(
            parse(r#"{"type":"command"}"#).unwrap_err().0,
            ErrorCode::MalformedMessage
        );
        assert!(matches!(
            parse(r#"{"type":"resync"}"#),
            Ok(ClientMsg::Resync)
        ));
    }
}
