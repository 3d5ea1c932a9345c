//! How a connection ends: why, and the last frames the client gets for it
//! (a client that reconnects on 1012 « restarting » must not be told that
//! when its message was too large, nor when another tablet took its table).

use ruche_shared::protocol::ErrorCode;

use super::incoming::error_frame;
use super::outlet::Outlet;

/// Close codes the server sends (RFC 6455, 7.4.1).
pub const CLOSE_NORMAL: u16 = 1000;
/// The client stopped answering.
pub const CLOSE_AWAY: u16 = 1001;
/// A policy violation: refused, flooding, or the table taken over.
pub const CLOSE_POLICY: u16 = 1008;
/// A message over the limit.
pub const CLOSE_TOO_BIG: u16 = 1009;
/// The server restarts: come back in a moment.
pub const CLOSE_RESTART: u16 = 1012;

/// Why a connection ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goodbye {
    /// The client sent a message over the limit: 1009 (message too big).
    TooLarge,
    /// The client stopped answering pings: 1001 (going away).
    Silent,
    /// The client closed, or its socket failed: 1000 (normal).
    ClientClosed,
    /// The client flooded the server with pings: 1008 (policy violation).
    TooManyControlFrames,
    /// The server stops, or the workshop let go of the connection: an
    /// error saying so, then 1012 (restarting).
    Restart,
    /// Another tablet took the table over: 1008, without « reconnect ».
    TakenOver,
    /// The client read nothing for the write deadline, or a write failed:
    /// nothing more can be sent.
    Gone,
}

impl Goodbye {
    /// Queues the last frames for this reason in `outlet`.
    pub fn say(self, outlet: &Outlet) {
        let (code, reason) = match self {
            Goodbye::TooLarge => (CLOSE_TOO_BIG, "message too big"),
            Goodbye::Silent => (CLOSE_AWAY, "no answer to pings"),
            Goodbye::ClientClosed => (CLOSE_NORMAL, "bye"),
            Goodbye::TooManyControlFrames => (CLOSE_POLICY, "too many pings"),
            Goodbye::TakenOver => (CLOSE_POLICY, "taken over by another tablet"),
            Goodbye::Restart => {
                outlet.send(error_frame(
                    ErrorCode::ShuttingDown,
                    "the server is stopping: reconnect in a moment",
                    None,
                ));
                (CLOSE_RESTART, "server restarting")
            }
            Goodbye::Gone => return,
        };
        outlet.close(code, reason);
    }
}
