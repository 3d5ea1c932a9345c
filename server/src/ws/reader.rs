//! A connection's reader: turns the client's messages into commands for the
//! workshop's actor, answers bad ones at once, enforces the message rate, and
//! tells the writer why it stopped.

use std::net::IpAddr;
use std::num::NonZeroU32;

use axum::extract::ws::{Message, WebSocket};
use futures_util::StreamExt;
use futures_util::stream::SplitStream;
use governor::{Quota, RateLimiter};
use ruche_shared::protocol::{ClientMsg, ErrorCode};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::handshake::Authenticated;
use super::incoming::{Incoming, error_frame, parse};
use super::writer::Goodbye;
use crate::AppState;
use crate::hub::{ActorMsg, Frame};

/// Reads until the client leaves, falls silent, breaks the size limit, or the
/// server stops (then `None`: the writer says goodbye on its own).
pub async fn read_loop(
    mut stream: SplitStream<WebSocket>,
    state: &AppState,
    auth: &Authenticated,
    actor: &mpsc::Sender<ActorMsg>,
    subscription_id: u64,
    ip: IpAddr,
    reply_tx: &mpsc::Sender<Frame>,
) -> Option<Goodbye> {
    let settings = &state.settings;
    let lang = auth.handle.lang();
    let limiter = RateLimiter::direct(command_quota(settings.commands_per_second));
    let control_limiter = RateLimiter::direct(command_quota(super::CONTROL_FRAMES_PER_SECOND));
    let mut errors = ErrorLog {
        state,
        workshop: &auth.handle.id,
        ip,
        logged: Vec::new(),
    };
    let mut last_heard = Instant::now();
    let silence_limit = settings.heartbeat_interval * 3;
    let mut shutdown: watch::Receiver<bool> = state.shutdown.clone();
    loop {
        let next: Option<Result<Message, axum::Error>> = tokio::select! {
            next = stream.next() => next,
            () = tokio::time::sleep_until(last_heard + silence_limit) => {
                tracing::debug!(workshop = %auth.handle.id, "client silent too long; dropping it");
                return Some(Goodbye::Silent);
            }
            _ = shutdown.changed() => return None,
        };
        last_heard = Instant::now();
        match Incoming::from(next) {
            Incoming::Text(text) => {
                // A slot for the answer, reserved before the command goes to
                // the actor: answering never waits, and in-flight commands are bounded.
                let Ok(permit) = reply_tx.clone().reserve_owned().await else {
                    return Some(Goodbye::ClientClosed);
                };
                let parsed = parse(&text);
                // Every message counts, junk included: a flood of malformed
                // messages costs the server no more than a flood of commands.
                if limiter.check().is_err() {
                    errors.report(ErrorCode::RateLimited);
                    let op = match parsed {
                        Ok(ClientMsg::Command { op, .. }) => Some(op),
                        Ok(_) => None,
                        Err(unreadable) => unreadable.op,
                    };
                    let sentence = ErrorCode::RateLimited.sentence(lang);
                    permit.send(error_frame(ErrorCode::RateLimited, sentence, op));
                    continue;
                }
                match parsed {
                    Ok(ClientMsg::Command { op, command }) => {
                        let message = ActorMsg::Command {
                            role: auth.role,
                            op,
                            command,
                            reply: permit,
                        };
                        if actor.send(message).await.is_err() {
                            return Some(Goodbye::ClientClosed);
                        }
                    }
                    Ok(ClientMsg::Resync) => {
                        drop(permit);
                        let resync = ActorMsg::Resync {
                            id: subscription_id,
                        };
                        let _ = actor.send(resync).await;
                    }
                    Ok(ClientMsg::Hello { .. }) => {
                        let code = ErrorCode::AlreadyAuthenticated;
                        errors.report(code);
                        permit.send(error_frame(code, code.sentence(lang), None));
                    }
                    Err(unreadable) => {
                        errors.report(unreadable.code);
                        permit.send(unreadable.frame(lang));
                    }
                }
            }
            Incoming::Ignore => {
                if control_limiter.check().is_err() {
                    errors.report(ErrorCode::RateLimited);
                    return Some(Goodbye::TooManyControlFrames);
                }
            }
            Incoming::Binary => {
                let code = ErrorCode::BinaryNotSupported;
                errors.report(code);
                let frame = error_frame(code, code.sentence(lang), None);
                if reply_tx.send(frame).await.is_err() {
                    return Some(Goodbye::ClientClosed);
                }
            }
            Incoming::TooLarge => {
                let code = ErrorCode::MessageTooLarge;
                errors.report(code);
                let text = format!(
                    "{} ({} bytes at most)",
                    code.sentence(lang),
                    settings.max_message_bytes
                );
                let _ = reply_tx.send(error_frame(code, text, None)).await;
                return Some(Goodbye::TooLarge);
            }
            Incoming::Closed => return Some(Goodbye::ClientClosed),
        }
    }
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

fn command_quota(per_second: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).expect("at least 1");
    let burst = NonZeroU32::new(per_second.max(1).saturating_mul(2)).expect("at least 1");
    Quota::per_second(rate).allow_burst(burst)
}
