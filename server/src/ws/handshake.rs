//! The `hello` handshake: who a new connection is (facilitator, a table
//! joining or coming back, the wall), checked before anything else is read.

use std::net::IpAddr;
use std::sync::Arc;

use futures_util::StreamExt;
use ruche_shared::protocol::{Auth, ClientMsg, ErrorCode, PROTOCOL_VERSION, Seq, ServerMsg};
use ruche_shared::{Lang, Role, RuleViolation, TableId};
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::halves::Inbound;
use super::incoming::{Incoming, error_frame, parse};
use super::outlet::Outlet;
use crate::AppState;
use crate::hub::{ActorMsg, JoinError, ScreenPlace, WorkshopHandle, WorkshopKey, fanout};
use crate::secrets;
use crate::store::Ownership;

use super::goodbye::Goodbye;
use super::{CLOSE_POLICY, CLOSE_TOO_BIG};

/// Who the connection turned out to be.
pub struct Authenticated {
    /// The workshop.
    pub handle: Arc<WorkshopHandle>,
    /// Who it is.
    pub role: Role,
    /// The token of a table that just joined, for its welcome.
    pub table_token: Option<String>,
    /// The last event it saw, after a reconnect.
    pub last_seq: Option<Seq>,
}

/// How a handshake ended.
pub enum Handshake {
    /// The client is who it says, with its place among the workshop's screens.
    Done(Authenticated, ScreenPlace),
    /// Another server of the cluster runs the workshop: the connection is
    /// carried there, starting with this `hello`.
    Forward {
        /// Where that server listens (`host:port`).
        to: String,
        /// The client's `hello`, as it sent it.
        hello: String,
    },
    /// Refused (the client was told, and a close queued) or gone.
    Failed,
}

/// Waits for `hello`, checks the credentials and takes the connection's
/// place among its workshop's screens (held until it is dropped). On
/// failure the client gets an error (and, when fatal, a close, queued in
/// `outlet` for the caller to drain).
pub async fn handshake(
    inbound: &mut Inbound,
    outlet: &Outlet,
    state: &AppState,
    ip: IpAddr,
) -> Handshake {
    shake(inbound, outlet, state, ip)
        .await
        .unwrap_or(Handshake::Failed)
}

async fn shake(
    inbound: &mut Inbound,
    outlet: &Outlet,
    state: &AppState,
    ip: IpAddr,
) -> Option<Handshake> {
    let deadline = Instant::now() + state.settings.handshake_timeout;
    let mut control_frames = 0;
    loop {
        let next = tokio::time::timeout_at(deadline, inbound.next())
            .await
            .ok()?;
        let text = match Incoming::from(next) {
            Incoming::Text(text) => text,
            Incoming::Ping(_) | Incoming::Ignore => {
                // A client that pings instead of saying hello is closed
                // (its pings are not answered before it has said who it is).
                control_frames += 1;
                if control_frames > super::CONTROL_FRAMES_BEFORE_HELLO {
                    state.metrics.protocol_error(ErrorCode::RateLimited);
                    return None;
                }
                continue;
            }
            Incoming::Binary => {
                warn_client(
                    outlet,
                    state,
                    ErrorCode::BinaryNotSupported,
                    "send JSON text",
                );
                continue;
            }
            Incoming::TooLarge => {
                let refusal = (ErrorCode::MessageTooLarge, "message too large".to_owned());
                return refuse(outlet, state, refusal.into());
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
                    outlet,
                    state,
                    ErrorCode::NotAuthenticated,
                    "say hello first",
                );
                continue;
            }
            Err(unreadable) => {
                state.metrics.protocol_error(unreadable.code);
                let frame = unreadable.frame(Lang::default());
                outlet.send(frame);
                continue;
            }
        };
        if protocol != PROTOCOL_VERSION {
            let message = format!("this server speaks protocol {PROTOCOL_VERSION}");
            return refuse(
                outlet,
                state,
                (ErrorCode::UnsupportedProtocol, message).into(),
            );
        }
        // Boxed, and only in a cluster: its database lookup's future inline
        // would grow every connection's task.
        let elsewhere = if state.settings.cluster {
            Box::pin(run_elsewhere(state, ip, &auth)).await
        } else {
            None
        };
        if let Some(to) = elsewhere {
            return match to {
                Ok(to) => Some(Handshake::Forward { to, hello: text }),
                Err(()) => {
                    Goodbye::Restart.say(outlet);
                    None
                }
            };
        }
        let auth = match authenticate(state, ip, auth, last_seq).await {
            Ok(auth) => auth,
            Err(refusal) => return refuse(outlet, state, refusal),
        };
        let max_walls = state.settings.max_walls_per_workshop;
        return match auth.handle.open_screen(auth.role, max_walls) {
            Some(place) => Some(Handshake::Done(auth, place)),
            None => {
                let code = ErrorCode::TooManyScreens;
                let refusal = (code, code.sentence(auth.handle.lang()).to_owned());
                refuse(outlet, state, refusal.into())
            }
        };
    }
}

/// Whether another server of the cluster runs the workshop `auth` names:
/// `Some(Ok(address))` to carry the connection there, `Some(Err(()))` when
/// it runs elsewhere but cannot be reached from here (the client comes back
/// in a moment), `None` to go on here (this server's, or unknown: the
/// credentials' check answers that). Asked only of a server in a cluster.
async fn run_elsewhere(state: &AppState, ip: IpAddr, auth: &Auth) -> Option<Result<String, ()>> {
    // An address held back for wrong codes or secrets does not make this
    // server look workshops up in the database either (the check that
    // follows refuses it).
    let key = match auth {
        Auth::Facilitator { .. } if !state.secret_attempts.may_try(ip) => return None,
        Auth::JoinTable { .. } | Auth::TakeOverTable { .. } | Auth::Wall { .. }
            if !state.join_attempts.may_try(ip) =>
        {
            return None;
        }
        Auth::Facilitator { workshop, .. } => WorkshopKey::Id(workshop),
        Auth::JoinTable { code, .. }
        | Auth::RejoinTable { code, .. }
        | Auth::TakeOverTable { code, .. }
        | Auth::Wall { code } => WorkshopKey::Code(code),
    };
    let handle = state.hub.find(key).await?;
    match state.hub.locate(&handle).await {
        Ok(Ownership::Mine | Ownership::Gone) => None,
        Ok(Ownership::Elsewhere {
            address: Some(address),
            ..
        }) if Some(&address) != state.settings.advertise.as_ref() => Some(Ok(address)),
        Ok(Ownership::Elsewhere { node, .. }) => {
            tracing::warn!(workshop = %handle.id, %node, "a workshop is run by a server that gave no address to reach it; the client will try again");
            Some(Err(()))
        }
        Err(error) => {
            tracing::warn!(workshop = %handle.id, %error, "cannot claim a workshop; the client will try again");
            Some(Err(()))
        }
    }
}

/// Sends an error and lets the client try again.
fn warn_client(outlet: &Outlet, state: &AppState, code: ErrorCode, message: &str) {
    state.metrics.protocol_error(code);
    outlet.send(error_frame(code, message, None));
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
fn refuse<T>(outlet: &Outlet, state: &AppState, refusal: Refusal) -> Option<T> {
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
    outlet.send(frame);
    match code {
        ErrorCode::MessageTooLarge => outlet.close(CLOSE_TOO_BIG, "message too big"),
        _ => outlet.close(CLOSE_POLICY, "refused"),
    }
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
    let held_back = || {
        (
            ErrorCode::TooManyJoinAttempts,
            "too many wrong attempts from this address: wait a minute".to_owned(),
        )
    };
    if let Auth::Facilitator { workshop, secret } = auth {
        if !state.secret_attempts.may_try(ip) {
            return Err(held_back().into());
        }
        let handle = state.hub.find(WorkshopKey::Id(&workshop)).await;
        let Some(handle) = handle.filter(|h| secrets::secret_matches(&secret, &h.secret_hash))
        else {
            state.secret_attempts.failed(ip);
            return Err(bad().into());
        };
        return Ok(Authenticated {
            handle,
            role: Role::Facilitator,
            table_token: None,
            last_seq,
        });
    }
    // A table coming back with its token is never held back: the token is
    // the secret (128 bits), and a wrong code or a wrong token get the same
    // answer, so trying tells nothing about codes. Its failures still count.
    if let Auth::RejoinTable { code, token } = &auth {
        let table = match state.hub.find(WorkshopKey::Code(code)).await {
            Some(handle) => find_table(&handle, secrets::hash_secret(token))
                .await
                .map(|table| (handle, table)),
            None => None,
        };
        let Some((handle, table)) = table else {
            state.join_attempts.failed(ip);
            return Err(bad().into());
        };
        return Ok(Authenticated {
            handle,
            role: Role::Table(table),
            table_token: None,
            last_seq,
        });
    }
    // A join code alone (a new table, a wall) must not be guessable by
    // trying, nor a handover code.
    if !state.join_attempts.may_try(ip) {
        return Err(held_back().into());
    }
    let code = match &auth {
        Auth::JoinTable { code, .. } | Auth::Wall { code } | Auth::TakeOverTable { code, .. } => {
            code
        }
        Auth::Facilitator { .. } | Auth::RejoinTable { .. } => unreachable!("handled above"),
    };
    let Some(handle) = state.hub.find(WorkshopKey::Code(code)).await else {
        state.join_attempts.failed(ip);
        return Err(bad().into());
    };
    match auth {
        Auth::Wall { .. } => Ok(Authenticated {
            handle,
            role: Role::Wall,
            table_token: None,
            last_seq,
        }),
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
                .send(ActorMsg::Join {
                    name,
                    token_hash,
                    reply,
                })
                .await
                .map_err(|()| bad())?;
            match answer.await {
                Ok(Ok(table)) => Ok(Authenticated {
                    role: Role::Table(table),
                    table_token: Some(token),
                    last_seq: None,
                    handle,
                }),
                Ok(Err(JoinError::Rule(violation))) => Err(join_refused(violation, &handle)),
                // (A join gives no handover error.)
                Ok(Err(JoinError::Internal | JoinError::UnknownHandover)) | Err(_) => {
                    let message = "the server could not record the join; try again".to_owned();
                    Err((ErrorCode::Internal, message).into())
                }
            }
        }
        Auth::TakeOverTable {
            handover, token, ..
        } => {
            if !secrets::is_well_formed_token(&token) {
                let message = "a table token has 32 to 64 hexadecimal digits".to_owned();
                return Err((ErrorCode::MalformedMessage, message).into());
            }
            let (reply, answer) = oneshot::channel();
            let take_over = ActorMsg::TakeOver {
                code_hash: secrets::hash_secret(&secrets::normalise_code(&handover)),
                token_hash: secrets::hash_secret(&token),
                reply,
            };
            handle.send(take_over).await.map_err(|()| bad())?;
            match answer.await {
                Ok(Ok(table)) => Ok(Authenticated {
                    role: Role::Table(table),
                    table_token: Some(token),
                    last_seq: None,
                    handle,
                }),
                Ok(Err(JoinError::UnknownHandover)) => {
                    state.join_attempts.failed(ip);
                    Err(bad().into())
                }
                Ok(Err(JoinError::Rule(violation))) => Err(join_refused(violation, &handle)),
                Ok(Err(JoinError::Internal)) | Err(_) => {
                    let message = "the server could not record the handover; try again".to_owned();
                    Err((ErrorCode::Internal, message).into())
                }
            }
        }
        Auth::Facilitator { .. } | Auth::RejoinTable { .. } => unreachable!("handled above"),
    }
}

/// The table whose token has this hash in the workshop, if any (none too if
/// the workshop's actor is gone).
async fn find_table(handle: &WorkshopHandle, token_hash: String) -> Option<TableId> {
    let (reply, answer) = oneshot::channel();
    handle
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
