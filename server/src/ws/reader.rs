//! A connection's task once it has said hello: turns the client's messages
//! into commands for the workshop's actor, answers bad ones at once,
//! enforces the message rate, pings the client, drains the outlet when the
//! socket had no room, and says why the connection ends.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use futures_util::StreamExt;
use governor::{Quota, RateLimiter};
use ruche_shared::protocol::{ClientMsg, ErrorCode};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::time::Instant;

use super::MAX_IN_FLIGHT;
use super::goodbye::Goodbye;
use super::halves::Inbound;
use super::handshake::Authenticated;
use super::incoming::{Incoming, error_frame, parse};
use super::outlet::{LetGo, Need, Outlet};
use crate::AppState;
use crate::hub::ActorMsg;
use crate::hub::outbox::Reply;

/// What the connection's task works with.
pub struct Connection<'a> {
    /// The client's messages.
    pub inbound: Inbound,
    /// The way out.
    pub outlet: &'a Arc<Outlet>,
    /// The server.
    pub state: &'a AppState,
    /// Who the client is.
    pub auth: &'a Authenticated,
    /// The workshop's actor.
    pub actor: &'a mpsc::Sender<ActorMsg>,
    /// The connection's id among the workshop's subscribers.
    pub subscription_id: u64,
    /// The client's address.
    pub ip: IpAddr,
}

/// Runs until the client leaves, falls silent, breaks a limit, reads
/// nothing for too long, or the server or the workshop lets it go; returns why.
pub async fn run(connection: Connection<'_>) -> Goodbye {
    let Connection {
        inbound: mut stream,
        outlet,
        state,
        auth,
        actor,
        subscription_id,
        ip,
    } = connection;
    // Commands waiting for their answer: each holds one of these.
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
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
    let mut ping = tokio::time::interval(settings.heartbeat_interval);
    ping.tick().await;
    loop {
        // A client that does not read its answers is not read either: what
        // waits for it stays bounded.
        let may_read = outlet.answers_waiting() < MAX_IN_FLIGHT;
        let next = tokio::select! {
            biased;
            _ = shutdown.changed() => return Goodbye::Restart,
            need = outlet.needs() => match need {
                Need::Drained => continue,
                Need::LetGo(LetGo::Restart) => return Goodbye::Restart,
                Need::LetGo(LetGo::TakenOver) => return Goodbye::TakenOver,
                Need::Gone => return Goodbye::Gone,
            },
            next = stream.next(), if may_read => next,
            _ = ping.tick() => {
                // A connection heard from within the last half period is
                // left unpinged: it is plainly there, and with thousands of
                // connections the pings and their pongs were a wave of
                // writes and wake-ups every period (BENCHMARKS.md). Half, so
                // that the pong to the last ping does not count as having
                // spoken: a silent client is still pinged every period.
                if last_heard.elapsed() >= settings.heartbeat_interval / 2 {
                    outlet.ping();
                }
                continue;
            }
            () = tokio::time::sleep_until(last_heard + silence_limit) => {
                tracing::debug!(workshop = %auth.handle.id, "client silent too long; dropping it");
                return Goodbye::Silent;
            }
        };
        last_heard = Instant::now();
        let read_at = std::time::Instant::now();
        match Incoming::from(next) {
            Incoming::Text(text) => {
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
                    outlet.send(error_frame(ErrorCode::RateLimited, sentence, op));
                    continue;
                }
                match parsed {
                    Ok(ClientMsg::Command { op, command }) => {
                        // A slot for the answer, taken before the command goes to
                        // the actor: answering never waits, and in-flight commands are bounded.
                        let Ok(slot) = in_flight.clone().acquire_owned().await else {
                            return Goodbye::ClientClosed;
                        };
                        let message = ActorMsg::Command {
                            role: auth.role,
                            op,
                            command,
                            reply: Reply::new(outlet.clone(), slot)
                                .timed(read_at, state.metrics.answer_seconds.clone()),
                        };
                        if actor.send(message).await.is_err() {
                            return Goodbye::Restart;
                        }
                    }
                    Ok(ClientMsg::Resync) => {
                        let resync = ActorMsg::Resync {
                            id: subscription_id,
                        };
                        let _ = actor.send(resync).await;
                    }
                    Ok(ClientMsg::Hello { .. }) => {
                        let code = ErrorCode::AlreadyAuthenticated;
                        errors.report(code);
                        outlet.send(error_frame(code, code.sentence(lang), None));
                    }
                    Err(unreadable) => {
                        errors.report(unreadable.code);
                        outlet.send(unreadable.frame(lang));
                    }
                }
            }
            Incoming::Ping(payload) => {
                if control_limiter.check().is_err() {
                    errors.report(ErrorCode::RateLimited);
                    return Goodbye::TooManyControlFrames;
                }
                outlet.pong(&payload);
            }
            Incoming::Ignore => {
                if control_limiter.check().is_err() {
                    errors.report(ErrorCode::RateLimited);
                    return Goodbye::TooManyControlFrames;
                }
            }
            Incoming::Binary => {
                let code = ErrorCode::BinaryNotSupported;
                errors.report(code);
                outlet.send(error_frame(code, code.sentence(lang), None));
            }
            Incoming::TooLarge => {
                let code = ErrorCode::MessageTooLarge;
                errors.report(code);
                let text = format!(
                    "{} ({} bytes at most)",
                    code.sentence(lang),
                    settings.max_message_bytes
                );
                outlet.send(error_frame(code, text, None));
                return Goodbye::TooLarge;
            }
            Incoming::Closed => return Goodbye::ClientClosed,
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

pub(super) fn command_quota(per_second: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).expect("at least 1");
    let burst = NonZeroU32::new(per_second.max(1).saturating_mul(2)).expect("at least 1");
    Quota::per_second(rate).allow_burst(burst)
}
