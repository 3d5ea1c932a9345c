//! A connection's way out, as the hub sees it: frames handed over without
//! waiting, a refusal when the client is too far behind, and a word when the
//! workshop lets it go. The WebSocket connection implements it by writing to
//! its socket at once (`ws::outlet`); the core's unit tests by a channel.

use std::sync::Arc;
use std::time::Instant;

use prometheus_client::metrics::histogram::Histogram;

use tokio::sync::OwnedSemaphorePermit;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use super::Frame;

/// Why a frame was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The client is too far behind: it is marked lagging and gets a
    /// snapshot once it has room again.
    Full,
    /// The connection is gone.
    Closed,
}

/// Where the hub sends a connection's frames. Nothing here waits.
pub trait Outbox: Send + Sync {
    /// Hands over news (events, results), in order, all or none.
    fn offer(&self, frames: &[&Frame]) -> Result<(), Refused>;
    /// Hands over an answer to one of the connection's commands. Its room
    /// was reserved when the command was read (see [`Reply`]), so it is
    /// never refused for the client being behind.
    fn answer(&self, frame: Frame);
    /// Whether news would be taken now.
    fn has_room(&self) -> bool;
    /// The workshop lets go of the connection: what was handed over still
    /// goes out, then the connection ends.
    fn let_go(&self);
}

/// The answer slot of one command, reserved by the connection's reader
/// before the command goes to the actor: answering never waits, and the
/// commands a connection has in flight are bounded by the permits it has.
pub struct Reply {
    outbox: Arc<dyn Outbox>,
    _slot: Option<OwnedSemaphorePermit>,
    /// When the command was read, and where its answer's latency is counted.
    timer: Option<(Instant, Histogram)>,
}

impl Reply {
    /// A reply holding one of the connection's in-flight slots.
    pub fn new(outbox: Arc<dyn Outbox>, slot: OwnedSemaphorePermit) -> Reply {
        Reply {
            outbox,
            _slot: Some(slot),
            timer: None,
        }
    }

    /// Counts in `latency` the time from `read_at` to the answer.
    pub fn timed(self, read_at: Instant, latency: Histogram) -> Reply {
        Reply {
            timer: Some((read_at, latency)),
            ..self
        }
    }

    /// A reply that holds no slot (tests, internal senders).
    pub fn unbounded(outbox: Arc<dyn Outbox>) -> Reply {
        Reply {
            outbox,
            _slot: None,
            timer: None,
        }
    }

    /// When the command was read, if the reader said.
    pub fn read_at(&self) -> Option<Instant> {
        self.timer.as_ref().map(|(read_at, _)| *read_at)
    }

    /// Sends the answer, and frees the slot.
    pub fn send(self, frame: Frame) {
        self.outbox.answer(frame);
        if let Some((read_at, latency)) = self.timer {
            latency.observe(read_at.elapsed().as_secs_f64());
        }
    }
}

/// A channel as an outbox: what the core's tests read, frame by frame.
impl Outbox for mpsc::Sender<Frame> {
    fn offer(&self, frames: &[&Frame]) -> Result<(), Refused> {
        if self.is_closed() {
            return Err(Refused::Closed);
        }
        if self.capacity() < frames.len() {
            return Err(Refused::Full);
        }
        for frame in frames {
            match self.try_send((*frame).clone()) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => return Err(Refused::Full),
                Err(TrySendError::Closed(_)) => return Err(Refused::Closed),
            }
        }
        Ok(())
    }

    fn answer(&self, frame: Frame) {
        let _ = self.try_send(frame);
    }

    fn has_room(&self) -> bool {
        self.capacity() > 0
    }

    fn let_go(&self) {}
}
