//! A connection carried to the server that runs its workshop (several
//! servers on one database, `--cluster`): the balancer sends a workshop's
//! screens to one server by hashing on it, but after a server was lost and
//! came back, or with a balancer that does not hash, a screen can reach a
//! server that does not run its workshop. That server opens a WebSocket to
//! the owner, sends it the client's `hello`, and copies messages both ways
//! until either side ends. The client sees one connection and one server.
//!
//! Pings stay on each leg: this server pings the client as any connection
//! does, and tungstenite answers the owner's pings on the other leg.

use std::time::Duration;

use std::net::IpAddr;

use futures_util::{SinkExt, StreamExt};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

use super::goodbye::{CLOSE_AWAY, CLOSE_NORMAL, Goodbye};
use super::halves::Inbound;
use super::incoming::Incoming;
use super::outlet::{Need, Outlet};
use crate::AppState;
use crate::hub::Frame;

/// How long reaching the owner may take before the client is told to come
/// back (a server just lost refuses at once; one cut off never answers).
const REACH_OWNER: Duration = Duration::from_secs(2);

/// Carries the connection to the server at `to` (`host:port`), starting
/// with the client's `hello`; returns how it ended, for the client.
pub async fn forward(
    mut inbound: Inbound,
    outlet: &Outlet,
    state: &AppState,
    client: IpAddr,
    to: &str,
    hello: String,
) -> Goodbye {
    let Ok(mut request) = format!("ws://{to}/ws").into_client_request() else {
        tracing::warn!(%to, "a server of the cluster gave an address that is not one");
        return Goodbye::Restart;
    };
    // The client's address, for the owner's per-address limits (it reads
    // it from servers listed with --trusted-proxy).
    if let Ok(value) = HeaderValue::from_str(&client.to_string()) {
        request.headers_mut().insert("x-forwarded-for", value);
    }
    let owner = match tokio::time::timeout(REACH_OWNER, tokio_tungstenite::connect_async(request))
        .await
    {
        Ok(Ok((owner, _))) => owner,
        Ok(Err(error)) => {
            tracing::info!(%to, %error, "cannot reach the server that runs the workshop; the client will try again");
            return Goodbye::Restart;
        }
        Err(_) => {
            tracing::info!(%to, "the server that runs the workshop does not answer; the client will try again");
            return Goodbye::Restart;
        }
    };
    state.metrics.connections_forwarded.inc();
    let (mut up, mut down) = owner.split();
    if up.send(Message::text(hello)).await.is_err() {
        return Goodbye::Restart;
    }
    let settings = &state.settings;
    let mut shutdown = state.shutdown.clone();
    let mut ping = tokio::time::interval(settings.heartbeat_interval);
    ping.tick().await;
    let silence_limit = settings.heartbeat_interval * 3;
    // Pings and pongs are answered here, not by the owner: limited here, as
    // a direct connection's are (the owner limits the messages).
    let control_limiter = governor::RateLimiter::direct(super::reader::command_quota(
        super::CONTROL_FRAMES_PER_SECOND,
    ));
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            _ = shutdown.changed() => {
                let _ = up.close().await;
                return Goodbye::Restart;
            }
            need = outlet.needs() => match need {
                Need::Drained => {}
                Need::LetGo(_) | Need::Gone => {
                    let _ = up.close().await;
                    return Goodbye::Gone;
                }
            },
            _ = ping.tick() => outlet.ping(),
            () = tokio::time::sleep_until(last_heard + silence_limit) => {
                let _ = up.close().await;
                return Goodbye::Silent;
            }
            from_client = inbound.next() => {
                last_heard = Instant::now();
                let carried = match Incoming::from(from_client) {
                    Incoming::Text(text) => up.send(Message::text(text)).await,
                    Incoming::Ping(_) | Incoming::Ignore if control_limiter.check().is_err() => {
                        let _ = up.close().await;
                        return Goodbye::TooManyControlFrames;
                    }
                    Incoming::Ping(payload) => {
                        outlet.pong(&payload);
                        Ok(())
                    }
                    Incoming::Ignore => Ok(()),
                    // The owner answers it as it answers a direct client.
                    Incoming::Binary => up.send(Message::binary(Vec::new())).await,
                    Incoming::TooLarge => {
                        let _ = up.close().await;
                        return Goodbye::TooLarge;
                    }
                    Incoming::Closed => {
                        let _ = up.close().await;
                        return Goodbye::ClientClosed;
                    }
                };
                if carried.is_err() {
                    return Goodbye::Restart;
                }
            }
            from_owner = down.next() => match from_owner {
                Some(Ok(Message::Text(text))) => outlet.send(Frame::text(text.as_str())),
                Some(Ok(Message::Close(frame))) => {
                    // The owner's close, as it said it (a refusal, a takeover,
                    // its own restart): the client acts on it as it would.
                    let (code, reason) = close_of(frame);
                    outlet.close(code, &reason);
                    return Goodbye::Gone;
                }
                Some(Ok(_)) => {}
                // The owner was lost: the client comes back through the
                // balancer, to whichever server takes the workshop over.
                Some(Err(_)) | None => return Goodbye::Restart,
            },
        }
    }
}

/// The close code and reason to pass on.
fn close_of(frame: Option<CloseFrame>) -> (u16, String) {
    match frame {
        Some(frame) => {
            let code = u16::from(frame.code);
            // 1005 and 1006 may not be sent in a close frame.
            let code = if matches!(code, 1005 | 1006) {
                CLOSE_AWAY
            } else {
                code
            };
            (code, frame.reason.to_string())
        }
        None => (CLOSE_NORMAL, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ws::goodbye::CLOSE_TOO_BIG;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    #[test]
    fn the_owners_close_is_passed_on_as_it_said_it() {
        let frame = CloseFrame {
            code: CloseCode::Restart,
            reason: "server restarting".into(),
        };
        assert_eq!(close_of(Some(frame)), (1012, "server restarting".into()));
        let too_big = CloseFrame {
            code: CloseCode::Size,
            reason: "message too big".into(),
        };
        assert_eq!(close_of(Some(too_big)).0, CLOSE_TOO_BIG);
        assert_eq!(close_of(None).0, CLOSE_NORMAL);
        let abnormal = CloseFrame {
            code: CloseCode::Abnormal,
            reason: "".into(),
        };
        assert_eq!(close_of(Some(abnormal)).0, CLOSE_AWAY);
    }
}
