//! A connection's writer task: drains its two queues (answers first, then
//! news) into the socket, pings the client, and says goodbye with the close
//! code that fits why the connection ends.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use ruche_shared::protocol::ErrorCode;
use tokio::sync::{mpsc, oneshot, watch};

use super::incoming::error_frame;
use crate::hub::{Frame, fanout};

/// Frames written to one client with one system call, at most.
const MAX_FRAMES_PER_WRITE: usize = 16;

/// Why the reader ended the connection: it tells the writer, which sends the
/// close frame that fits (a client that reconnects on 1012 "restarting" must
/// not be told that when its message was too large).
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
}

impl Goodbye {
    fn close_frame(self) -> CloseFrame {
        let (code, reason) = match self {
            Goodbye::TooLarge => (close_code::SIZE, "message too big"),
            Goodbye::Silent => (close_code::AWAY, "no answer to pings"),
            Goodbye::ClientClosed => (close_code::NORMAL, "bye"),
            Goodbye::TooManyControlFrames => (close_code::POLICY, "too many pings"),
        };
        CloseFrame {
            code,
            reason: reason.into(),
        }
    }
}

/// The writer's queues and signals.
pub struct WriterInputs {
    /// Answers to this connection's commands.
    pub replies: mpsc::Receiver<Frame>,
    /// News from the workshop; it ends when the workshop lets go of us.
    pub news: mpsc::Receiver<Frame>,
    /// Why the reader ended, if it did.
    pub goodbye: oneshot::Receiver<Goodbye>,
    /// Flips when the server stops.
    pub shutdown: watch::Receiver<bool>,
    /// How often to ping.
    pub heartbeat: Duration,
    /// The longest one write may wait for the client to read.
    pub write_deadline: Duration,
}

/// Runs one write (a send, a feed, a flush) under the write deadline
/// (`Settings::write_deadline`); false if it failed or overran (the
/// connection then ends).
async fn within_deadline<E>(
    deadline: Duration,
    write: impl std::future::Future<Output = Result<(), E>>,
) -> bool {
    matches!(tokio::time::timeout(deadline, write).await, Ok(Ok(())))
}

/// Sends `first`, then drains answers (first) and news into the socket until
/// the reader, the workshop or the server ends the connection.
pub async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    first: Vec<Frame>,
    inputs: WriterInputs,
) {
    let WriterInputs {
        mut replies,
        mut news,
        mut goodbye,
        mut shutdown,
        heartbeat,
        write_deadline: deadline,
    } = inputs;
    for frame in first {
        if !within_deadline(deadline, sink.feed(Message::Text(frame))).await {
            return;
        }
    }
    if !within_deadline(deadline, sink.flush()).await {
        tracing::debug!("a client did not read its first frames in time; dropped");
        return;
    }
    let mut ping = tokio::time::interval(heartbeat);
    ping.tick().await;
    let mut replies_open = true;
    // The last news was the table's goodbye (another tablet took it over):
    // when the news ends, close for good, without « reconnect in a moment ».
    let mut taken_over = false;
    loop {
        let message = tokio::select! {
            biased;
            _ = shutdown.changed() => break,
            frame = replies.recv(), if replies_open => match frame {
                Some(frame) => Message::Text(frame),
                None => { replies_open = false; continue; }
            },
            // After the answers already queued (biased): a "too large" error goes out first.
            reason = &mut goodbye => {
                let reason = reason.unwrap_or(Goodbye::ClientClosed);
                let _ = sink.send(Message::Close(Some(reason.close_frame()))).await;
                let _ = sink.close().await;
                return;
            }
            frame = news.recv() => match frame {
                Some(frame) => {
                    taken_over = fanout::is_taken_over(&frame);
                    Message::Text(frame)
                }
                None if taken_over => {
                    let close = CloseFrame {
                        code: close_code::POLICY,
                        reason: "taken over by another tablet".into(),
                    };
                    let _ = sink.send(Message::Close(Some(close))).await;
                    let _ = sink.close().await;
                    return;
                }
                // The workshop let go of us: it is stopping, or its log failed.
                None => break,
            },
            _ = ping.tick() => Message::Ping(Default::default()),
        };
        // Whatever else is already queued for this client goes out in the same
        // write: one system call for a flush's events, results and answers,
        // not one per frame.
        if !within_deadline(deadline, sink.feed(message)).await {
            return;
        }
        for _ in 0..MAX_FRAMES_PER_WRITE {
            let queued = match replies.try_recv() {
                Ok(frame) => Some((frame, false)),
                Err(_) => news.try_recv().ok().map(|frame| (frame, true)),
            };
            let Some((frame, is_news)) = queued else {
                break;
            };
            if is_news {
                taken_over = fanout::is_taken_over(&frame);
            }
            if !within_deadline(deadline, sink.feed(Message::Text(frame))).await {
                return;
            }
        }
        if !within_deadline(deadline, sink.flush()).await {
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
