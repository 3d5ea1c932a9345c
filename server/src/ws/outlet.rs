//! A connection's way out: every byte the server sends on a WebSocket goes
//! through its outlet, written to the socket at once by whichever task hands
//! the frame over (the workshop's actor for news and answers, the reader for
//! its own answers), with no task woken per frame and no copy per client:
//! a frame is shared, already encoded with its header (`hub::frame`), and
//! several go out in one `sendmsg`.
//!
//! Only when the socket would block does what is left wait in the outlet's
//! backlog, drained by the connection's task once the socket is writable
//! again ([`Outlet::needs`]). News waiting there is bounded: past the limit
//! the client is refused news (the hub marks it lagging and sends it a
//! snapshot once it has caught up); a client that reads nothing for the
//! write deadline is let go.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::sync::Mutex;
use std::time::Duration;

use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::hub::frame::{Opcode, header};
use crate::hub::outbox::{Outbox, Refused};
use crate::hub::{Frame, fanout};

/// Frames gathered into one `writev` at most.
const MAX_FRAMES_PER_WRITE: usize = 32;

/// What a frame carries.
enum Payload {
    /// A message of the protocol, header included, shared with every
    /// client that gets it.
    Text(Frame),
    /// A control frame, header included.
    Control(Vec<u8>),
}

/// A frame not yet fully written.
struct Queued {
    payload: Payload,
    /// Bytes already written.
    written: usize,
    /// News (counted against the limit), or an answer or control frame.
    news: bool,
}

impl Queued {
    fn text(frame: Frame, news: bool) -> Queued {
        Queued {
            payload: Payload::Text(frame),
            written: 0,
            news,
        }
    }

    fn control(opcode: Opcode, payload: &[u8]) -> Queued {
        let (head, used) = header(opcode, payload.len());
        let mut bytes = head[..used].to_vec();
        bytes.extend_from_slice(payload);
        Queued {
            payload: Payload::Control(bytes),
            written: 0,
            news: false,
        }
    }

    fn bytes(&self) -> &[u8] {
        match &self.payload {
            Payload::Text(frame) => frame.wire(),
            Payload::Control(bytes) => bytes,
        }
    }

    /// The bytes left to write.
    fn remaining(&self) -> &[u8] {
        &self.bytes()[self.written..]
    }
}

/// Why the workshop let the connection go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetGo {
    /// The workshop stops, or its log failed: come back in a moment.
    Restart,
    /// Another tablet took the table over: do not come back.
    TakenOver,
}

/// What the connection's task must do about its outlet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The workshop let go of the connection, and all it was handed is written.
    LetGo(LetGo),
    /// A backlog was written out: the reader may read again if it had
    /// stopped for the client's unread answers.
    Drained,
    /// The client read nothing for the write deadline, or the socket failed.
    Gone,
}

#[derive(Default)]
struct State {
    backlog: VecDeque<Queued>,
    /// News frames in the backlog.
    news_waiting: usize,
    /// Answers in the backlog (the reader stops reading past a limit).
    answers_waiting: usize,
    /// Since when the backlog has waited for the socket.
    blocked_since: Option<Instant>,
    /// The last news was the goodbye of a table taken over.
    taken_over: bool,
    let_go: Option<LetGo>,
    /// A close frame is queued: nothing more after it.
    closing: bool,
    /// A write failed: the connection is over.
    failed: bool,
}

/// What a pass of writing left.
#[derive(Debug, PartialEq, Eq)]
enum Pumped {
    Drained,
    Blocked,
    Failed,
}

/// A connection's writing half, shared by the hub and the connection's task.
pub struct Outlet {
    socket: OwnedWriteHalf,
    state: Mutex<State>,
    /// Wakes the connection's task: a backlog to drain, or the workshop let go.
    wake: Notify,
    /// News frames a client may have waiting.
    news_limit: usize,
    /// The longest the backlog may wait for the client to read.
    write_deadline: Duration,
}

impl Outlet {
    /// An outlet writing to `socket`.
    pub fn new(socket: OwnedWriteHalf, news_limit: usize, write_deadline: Duration) -> Outlet {
        Outlet {
            socket,
            state: Mutex::new(State::default()),
            wake: Notify::new(),
            news_limit: news_limit.max(1),
            write_deadline,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Nothing panics while holding it; a poisoned lock still holds a sound queue.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues frames, then writes what the socket takes now.
    fn push(&self, mut state: std::sync::MutexGuard<'_, State>, frames: Vec<Queued>) {
        let was_idle = state.backlog.is_empty();
        for frame in frames {
            if frame.news {
                state.news_waiting += 1;
            } else {
                state.answers_waiting += 1;
            }
            state.backlog.push_back(frame);
        }
        // A backlog already waiting is the connection's task's to drain, in order.
        if was_idle && self.pump(&mut state) != Pumped::Drained {
            drop(state);
            self.wake.notify_one();
        }
    }

    /// One `sendmsg` of `slices`, without waiting: straight to the socket
    /// layer, where `writev` (tokio's `try_write_vectored`) first goes
    /// through the VFS and its file-position lock, which a socket does not
    /// use (7% of the server's samples in the fan-out, BENCHMARKS.md).
    fn send_now(&self, slices: &[IoSlice<'_>]) -> io::Result<usize> {
        let stream: &tokio::net::TcpStream = self.socket.as_ref();
        stream.try_io(tokio::io::Interest::WRITABLE, || {
            socket2::SockRef::from(stream).send_vectored(slices)
        })
    }

    /// Writes as much of the backlog as the socket takes without waiting.
    fn pump(&self, state: &mut State) -> Pumped {
        while !state.backlog.is_empty() {
            let mut slices = [IoSlice::new(&[]); MAX_FRAMES_PER_WRITE];
            let mut count = 0;
            for frame in state.backlog.iter().take(MAX_FRAMES_PER_WRITE) {
                slices[count] = IoSlice::new(frame.remaining());
                count += 1;
            }
            match self.send_now(&slices[..count]) {
                Ok(0) => {
                    state.failed = true;
                    break;
                }
                Ok(mut written) => {
                    while written > 0 {
                        let Some(front) = state.backlog.front_mut() else {
                            break;
                        };
                        let left = front.remaining().len();
                        if written < left {
                            front.written += written;
                            break;
                        }
                        written -= left;
                        if front.news {
                            state.news_waiting -= 1;
                        } else {
                            state.answers_waiting -= 1;
                        }
                        state.backlog.pop_front();
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    state.blocked_since.get_or_insert_with(Instant::now);
                    return Pumped::Blocked;
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    tracing::debug!(%error, "a write to a client failed");
                    state.failed = true;
                    break;
                }
            }
        }
        if state.failed {
            state.backlog.clear();
            state.news_waiting = 0;
            state.answers_waiting = 0;
            return Pumped::Failed;
        }
        state.blocked_since = None;
        Pumped::Drained
    }

    /// Sends an answer, an error or a welcome: never refused for the client
    /// being behind (what the connection's own reader sends is bounded by
    /// [`Outlet::answers_waiting`]).
    pub fn send(&self, frame: Frame) {
        let state = self.state();
        if state.failed || state.closing {
            return;
        }
        self.push(state, vec![Queued::text(frame, false)]);
    }

    /// Sends a ping.
    pub fn ping(&self) {
        self.control(Opcode::Ping, &[]);
    }

    /// Answers a client's ping.
    pub fn pong(&self, payload: &[u8]) {
        self.control(Opcode::Pong, payload);
    }

    /// Queues a close frame: the last frame this connection sends.
    pub fn close(&self, code: u16, reason: &str) {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(reason.as_bytes());
        // Marked closing under the same lock: no news slips in after it.
        let mut state = self.state();
        if state.failed || state.closing {
            return;
        }
        state.closing = true;
        self.push(state, vec![Queued::control(Opcode::Close, &payload)]);
    }

    fn control(&self, opcode: Opcode, payload: &[u8]) {
        let state = self.state();
        if state.failed || state.closing {
            return;
        }
        self.push(state, vec![Queued::control(opcode, payload)]);
    }

    /// Answers queued and not yet written.
    pub fn answers_waiting(&self) -> usize {
        self.state().answers_waiting
    }

    /// Waits until the connection's task has something to do: drains the
    /// backlog as the socket takes it meanwhile. Cancel-safe (nothing is
    /// lost when another branch of a `select!` wins).
    pub async fn needs(&self) -> Need {
        loop {
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let blocked_since = {
                let mut state = self.state();
                let had_backlog = !state.backlog.is_empty();
                if had_backlog && self.pump(&mut state) == Pumped::Failed {
                    return Need::Gone;
                }
                if state.failed {
                    return Need::Gone;
                }
                match (state.backlog.is_empty(), state.let_go) {
                    (true, Some(why)) => return Need::LetGo(why),
                    (true, None) if had_backlog => return Need::Drained,
                    (true, None) => None,
                    (false, _) => state.blocked_since,
                }
            };
            match blocked_since {
                None => notified.await,
                Some(since) => {
                    tokio::select! {
                        _ = self.socket.writable() => {}
                        () = notified => {}
                        () = tokio::time::sleep_until(since + self.write_deadline) => {
                            tracing::debug!("a client read nothing within the write deadline; dropped");
                            self.state().failed = true;
                            return Need::Gone;
                        }
                    }
                }
            }
        }
    }

    /// Writes what is left (a goodbye, a close) within `deadline`; false if
    /// the client did not read it in time.
    pub async fn drain(&self, deadline: Duration) -> bool {
        let until = Instant::now() + deadline;
        loop {
            {
                let mut state = self.state();
                match self.pump(&mut state) {
                    Pumped::Drained => return true,
                    Pumped::Failed => return false,
                    Pumped::Blocked => {}
                }
            }
            if tokio::time::timeout_at(until, self.socket.writable())
                .await
                .is_err()
            {
                return false;
            }
        }
    }
}

impl Outbox for Outlet {
    fn offer(&self, frames: &[&Frame]) -> Result<(), Refused> {
        let mut state = self.state();
        if state.failed || state.closing || state.let_go.is_some() {
            return Err(Refused::Closed);
        }
        if state.news_waiting + frames.len() > self.news_limit {
            return Err(Refused::Full);
        }
        if let Some(last) = frames.last() {
            state.taken_over = fanout::is_taken_over(last);
        }
        let queued = frames
            .iter()
            .map(|frame| Queued::text((*frame).clone(), true))
            .collect();
        self.push(state, queued);
        Ok(())
    }

    fn answer(&self, frame: Frame) {
        self.send(frame);
    }

    fn has_room(&self) -> bool {
        self.state().news_waiting < self.news_limit
    }

    fn let_go(&self) {
        {
            let mut state = self.state();
            if state.let_go.is_none() {
                state.let_go = Some(if state.taken_over {
                    LetGo::TakenOver
                } else {
                    LetGo::Restart
                });
            }
        }
        self.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partly_written_frame_resumes_where_it_stopped() {
        let mut frame = Queued::control(Opcode::Pong, b"hello");
        assert_eq!(frame.remaining(), b"\x8a\x05hello");
        frame.written = 1;
        assert_eq!(frame.remaining(), b"\x05hello");
        frame.written = 4;
        assert_eq!(frame.remaining(), b"llo");
    }

    /// A client socket and the server's outlet on the other end of it.
    async fn connected(news_limit: usize, deadline: Duration) -> (tokio::net::TcpStream, Outlet) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        // The reading half may go: the socket closes when both halves have.
        let (_, write) = server.into_split();
        (client, Outlet::new(write, news_limit, deadline))
    }

    /// Reads one text frame as the server wrote it.
    async fn read_frame(client: &mut tokio::net::TcpStream) -> String {
        use tokio::io::AsyncReadExt;
        let mut head = [0u8; 2];
        client.read_exact(&mut head).await.unwrap();
        assert_eq!(head[0], 0x81, "a final, unmasked text frame");
        let len = match head[1] {
            126 => usize::from(client.read_u16().await.unwrap()),
            127 => client.read_u64().await.unwrap() as usize,
            short => usize::from(short),
        };
        let mut payload = vec![0; len];
        client.read_exact(&mut payload).await.unwrap();
        String::from_utf8(payload).unwrap()
    }

    fn numbered(n: usize) -> Frame {
        Frame::from(format!("{n:06}{}", "x".repeat(60_000)))
    }

    #[tokio::test]
    async fn news_for_a_client_that_stops_reading_is_bounded_then_arrives_whole_and_in_order() {
        let (mut client, outlet) = connected(4, Duration::from_secs(10)).await;
        let outlet = std::sync::Arc::new(outlet);
        // The client reads nothing: the kernel's buffers fill, then the
        // outlet's backlog, then news is refused (the hub marks it lagging).
        let mut offered = 0;
        loop {
            match outlet.offer(&[&numbered(offered)]) {
                Ok(()) => offered += 1,
                Err(Refused::Full) => break,
                Err(Refused::Closed) => panic!("the connection is open"),
            }
            assert!(offered < 100_000, "news is never refused");
        }
        assert_eq!(outlet.state().news_waiting, 4, "at most the limit waits");
        assert!(!outlet.has_room());
        // An answer is still taken: its room was reserved with its command.
        outlet.answer(Frame::from("answer"));

        // The client reads again; the connection's task drains the backlog.
        let draining = {
            let outlet = outlet.clone();
            tokio::spawn(async move { outlet.drain(Duration::from_secs(10)).await })
        };
        for n in 0..offered {
            let frame = read_frame(&mut client).await;
            assert_eq!(&frame[..6], format!("{n:06}"), "frames whole and in order");
            assert_eq!(frame.len(), 60_006);
        }
        assert_eq!(read_frame(&mut client).await, "answer");
        assert!(draining.await.unwrap(), "everything written");
        assert!(outlet.has_room());
    }

    #[tokio::test]
    async fn a_client_that_reads_nothing_for_the_write_deadline_is_let_go() {
        let (_client, outlet) = connected(1_000, Duration::from_millis(300)).await;
        let mut n = 0;
        while outlet.state().backlog.is_empty() {
            outlet.offer(&[&numbered(n)]).unwrap();
            n += 1;
        }
        let started = Instant::now();
        let need = tokio::time::timeout(Duration::from_secs(5), outlet.needs())
            .await
            .expect("the deadline ends the wait");
        assert_eq!(need, Need::Gone);
        assert!(started.elapsed() >= Duration::from_millis(250));
        assert_eq!(outlet.offer(&[&numbered(n)]), Err(Refused::Closed));
    }

    #[tokio::test]
    async fn a_connection_let_go_ends_once_what_it_was_handed_is_written() {
        let (mut client, outlet) = connected(8, Duration::from_secs(5)).await;
        outlet.offer(&[&Frame::from("last news")]).unwrap();
        outlet.let_go();
        assert_eq!(outlet.needs().await, Need::LetGo(LetGo::Restart));
        assert_eq!(read_frame(&mut client).await, "last news");
        assert_eq!(
            outlet.offer(&[&Frame::from("too late")]),
            Err(Refused::Closed),
            "nothing after the end"
        );
    }
}
