//! A lean protocol client for load: it connects from a chosen loopback
//! address (one address has only ~28,000 ports), says hello, then a reader
//! task timestamps every frame it receives, reading only the few fields the
//! measurements need (type, seq, op), so the generator stays cheap.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use anyhow::{Context, anyhow};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use ruche_shared::Command;
use ruche_shared::protocol::{Auth, ClientMsg, PROTOCOL_VERSION, ServerMsg};
use serde::Deserialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

type Socket = WebSocketStream<TcpStream>;

/// The kind of a received frame, as far as the measurements care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An acknowledgement of operation `op`.
    Accepted,
    /// Live results.
    Results,
    /// Anything else (events, snapshots, errors).
    Other,
}

/// One received frame.
#[derive(Debug, Clone, Copy)]
pub struct Record {
    /// When it arrived.
    pub at: Instant,
    /// What it was.
    pub kind: Kind,
    /// Its sequence number, if it has one.
    pub seq: u64,
    /// For an acknowledgement, the operation number (ops are sent as "o<number>").
    pub op: u64,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Head<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(default)]
    seq: u64,
    #[serde(default)]
    op: Option<&'a str>,
}

impl<'a> Head<'a> {
    /// The head of a frame. A results frame (several kilobytes, two hundred
    /// of them per delivery in a plenary) is read from its first bytes only,
    /// `{"type":"results","seq":N,`: parsing all of it kept the generator's
    /// one core busy for milliseconds after each delivery, and acknowledgements
    /// arriving meanwhile were timed late. Anything else is parsed whole.
    fn of(text: &'a str) -> Option<Head<'a>> {
        const RESULTS: &str = r#"{"type":"results","seq":"#;
        if let Some(rest) = text.strip_prefix(RESULTS) {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            return Some(Head {
                kind: "results",
                seq: rest[..digits].parse().ok()?,
                op: None,
            });
        }
        serde_json::from_str(text).ok()
    }
}

/// What a reader task hands back when it ends.
pub struct Received {
    /// Frames of interest, in arrival order.
    pub records: Vec<Record>,
    /// Every frame received (all kinds).
    pub frames: u64,
    /// The text of the results frames, if asked to keep them (for the baseline replay).
    pub kept: Vec<(Instant, String)>,
}

/// The join code `auth` names its workshop by, if any.
fn code_of(auth: &Auth) -> Option<&str> {
    match auth {
        Auth::JoinTable { code, .. }
        | Auth::RejoinTable { code, .. }
        | Auth::TakeOverTable { code, .. }
        | Auth::Wall { code } => Some(code),
        Auth::Facilitator { .. } => None,
    }
}

/// A connected client: its sending half, and its reader task.
pub struct Conn {
    sink: SplitSink<Socket, Message>,
    reader: Option<tokio::task::JoinHandle<Received>>,
    stream: Option<SplitStream<Socket>>,
    /// The table token from the welcome, for a table that just joined.
    pub token: Option<String>,
}

/// The loopback address client `n` connects from: spread over 127.0.0.2–127.0.0.33.
pub fn source_address(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + (n % 32) as u8))
}

/// Opens a WebSocket to `127.0.0.1:port` from `from`.
pub async fn connect_raw(from: IpAddr, port: u16) -> anyhow::Result<Socket> {
    connect_raw_at(from, port, "/ws").await
}

/// How the generator's connections read. Tungstenite zeroes its read
/// buffer's free room (128 KiB by default) before every read, and a
/// generator holding 15,000 connections does tens of thousands of reads a
/// second: that zeroing took a third of its core, and a busy generator
/// timestamps what it receives late. 16 KiB still takes a results frame
/// for 500 tables in a read or two.
fn reading_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(16 * 1024)
}

/// Opens a WebSocket to `127.0.0.1:port{path}` from `from`.
pub async fn connect_raw_at(from: IpAddr, port: u16, path: &str) -> anyhow::Result<Socket> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    let stream = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await?;
    stream.set_nodelay(true)?;
    let (ws, _) = tokio_tungstenite::client_async_with_config(
        format!("ws://127.0.0.1:{port}{path}"),
        stream,
        Some(reading_config()),
    )
    .await
    .context("WebSocket handshake")?;
    Ok(ws)
}

impl Conn {
    /// Connects from `from`, says hello, waits for the welcome.
    pub async fn connect(from: IpAddr, port: u16, auth: Auth) -> anyhow::Result<Conn> {
        let code = code_of(&auth).map(str::to_owned);
        Conn::connect_routed(from, port, auth, code.as_deref()).await
    }

    /// [`Conn::connect`], naming the workshop by its join `code` in the
    /// address as the web client does (`?w=`, for a balancer in front of
    /// several servers).
    pub async fn connect_routed(
        from: IpAddr,
        port: u16,
        auth: Auth,
        code: Option<&str>,
    ) -> anyhow::Result<Conn> {
        let path = ruche_shared::api::websocket_path(code);
        let ws = connect_raw_at(from, port, &path).await?;
        let (mut sink, mut stream) = ws.split();
        let hello = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            auth,
            last_seq: None,
        };
        sink.send(Message::text(serde_json::to_string(&hello)?))
            .await?;
        loop {
            let frame = stream
                .next()
                .await
                .ok_or_else(|| anyhow!("closed before welcome"))??;
            if let Message::Text(text) = frame {
                match serde_json::from_str::<ServerMsg>(text.as_str())? {
                    ServerMsg::Welcome { table_token, .. } => {
                        return Ok(Conn {
                            token: table_token,
                            sink,
                            reader: None,
                            stream: Some(stream),
                        });
                    }
                    ServerMsg::Error { message, .. } => return Err(anyhow!("refused: {message}")),
                    _ => {}
                }
            }
        }
    }

    /// Connects, says hello with `last_seq`, and waits until it is caught up:
    /// the welcome, then the first live-results frame (which follows the
    /// missed events or the snapshot).
    pub async fn reconnect(
        from: IpAddr,
        port: u16,
        auth: Auth,
        last_seq: Option<u64>,
    ) -> anyhow::Result<Conn> {
        let ws = connect_raw(from, port).await?;
        let (mut sink, mut stream) = ws.split();
        let hello = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            auth,
            last_seq,
        };
        sink.send(Message::text(serde_json::to_string(&hello)?))
            .await?;
        while let Some(frame) = stream.next().await {
            if let Message::Text(text) = frame? {
                let head: Head = serde_json::from_str(text.as_str())?;
                match head.kind {
                    "results" => {
                        return Ok(Conn {
                            sink,
                            reader: None,
                            stream: Some(stream),
                            token: None,
                        });
                    }
                    "error" => return Err(anyhow!("refused: {text}")),
                    _ => {}
                }
            }
        }
        Err(anyhow!("closed before catching up"))
    }

    /// Starts recording what arrives, until `stop` turns true; every frame
    /// also counts in `frames`.
    pub fn start_reading(
        &mut self,
        stop: watch::Receiver<bool>,
        keep_results: bool,
        frames: Counter,
    ) {
        let stream = self.stream.take().expect("reading starts once");
        self.reader = Some(tokio::spawn(read(stream, stop, keep_results, frames)));
    }

    /// Sends a command as operation number `op`.
    pub async fn command(&mut self, op: u64, command: Command) -> anyhow::Result<()> {
        let message = ClientMsg::Command {
            op: ruche_shared::protocol::OpId(format!("o{op}")),
            command,
        };
        self.sink
            .send(Message::text(serde_json::to_string(&message)?))
            .await?;
        Ok(())
    }

    /// Sends a command and waits for its answer (setup only: before `start_reading`).
    pub async fn command_and_wait(&mut self, op: u64, command: Command) -> anyhow::Result<()> {
        self.command(op, command).await?;
        let stream = self.stream.as_mut().expect("not reading yet");
        let wanted = format!("o{op}");
        while let Some(frame) = stream.next().await {
            if let Message::Text(text) = frame?
                && let Ok(head) = serde_json::from_str::<Head>(text.as_str())
                && head.op == Some(wanted.as_str())
            {
                return match head.kind {
                    "accepted" => Ok(()),
                    _ => Err(anyhow!("setup command refused: {text}")),
                };
            }
        }
        Err(anyhow!("closed during setup"))
    }

    /// Keeps `window` commands in flight until `until`: each answer sends the
    /// next one. Returns every acknowledgement's latency. (Instead of
    /// `start_reading`: it reads the stream itself.)
    pub async fn pump(
        &mut self,
        window: usize,
        until: Instant,
        mut next: impl FnMut(u64) -> Command,
    ) -> anyhow::Result<Vec<std::time::Duration>> {
        let mut stream = self.stream.take().expect("pumping reads the stream");
        let mut sent_at: std::collections::HashMap<u64, Instant> = std::collections::HashMap::new();
        let mut latencies = Vec::new();
        let mut op = 0_u64;
        for _ in 0..window {
            op += 1;
            sent_at.insert(op, Instant::now());
            self.command(op, next(op)).await?;
        }
        while !sent_at.is_empty() {
            let Some(frame) = stream.next().await else {
                break;
            };
            let Message::Text(text) = frame? else {
                continue;
            };
            let Ok(head) = serde_json::from_str::<Head>(text.as_str()) else {
                continue;
            };
            let Some(acked) = head
                .op
                .and_then(|o| o.strip_prefix('o'))
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            if head.kind != "accepted" {
                return Err(anyhow!("not accepted: {text}"));
            }
            if let Some(at) = sent_at.remove(&acked) {
                latencies.push(at.elapsed());
            }
            if Instant::now() < until {
                op += 1;
                sent_at.insert(op, Instant::now());
                self.command(op, next(op)).await?;
            }
        }
        self.stream = Some(stream);
        Ok(latencies)
    }

    /// Stops and returns what was received.
    pub async fn finish(mut self) -> Received {
        let _ = self.sink.close().await;
        match self.reader.take() {
            Some(reader) => reader.await.unwrap_or(Received {
                records: Vec::new(),
                frames: 0,
                kept: Vec::new(),
            }),
            None => Received {
                records: Vec::new(),
                frames: 0,
                kept: Vec::new(),
            },
        }
    }
}

/// Frames received by many clients, counted together.
pub type Counter = std::sync::Arc<std::sync::atomic::AtomicU64>;

/// Reads frames until `stop`, counting them in `frames` and recording those of interest.
pub async fn read(
    mut stream: SplitStream<Socket>,
    mut stop: watch::Receiver<bool>,
    keep: bool,
    frames: Counter,
) -> Received {
    let mut received = Received {
        records: Vec::new(),
        frames: 0,
        kept: Vec::new(),
    };
    loop {
        let frame = tokio::select! {
            frame = stream.next() => frame,
            _ = stop.changed() => break,
        };
        let Some(Ok(Message::Text(text))) = frame else {
            match frame {
                Some(Ok(_)) => continue,
                _ => break,
            }
        };
        let at = Instant::now();
        received.frames += 1;
        frames.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some(head) = Head::of(text.as_str()) else {
            continue;
        };
        let kind = match head.kind {
            "accepted" => Kind::Accepted,
            "results" => Kind::Results,
            _ => Kind::Other,
        };
        if kind == Kind::Other {
            continue;
        }
        let op = head
            .op
            .and_then(|op| op.strip_prefix('o'))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        received.records.push(Record {
            at,
            kind,
            seq: head.seq,
            op,
        });
        if keep && kind == Kind::Results {
            received.kept.push((at, text.as_str().to_owned()));
        }
    }
    received
}

#[cfg(test)]
mod tests {
    use super::Head;
    use ruche_shared::protocol::ServerMsg;

    #[test]
    fn a_results_head_read_from_its_first_bytes_is_the_parsed_one() {
        let frame = serde_json::to_string(&ServerMsg::Results {
            seq: 4217,
            votes: None,
            scores: None,
            dots: None,
            participation: None,
        })
        .unwrap();
        let long = frame.replacen("}", r#","x":[1,2,3]}"#, 1);
        for text in [frame.as_str(), long.as_str()] {
            let fast = Head::of(text).unwrap();
            assert_eq!(fast, serde_json::from_str::<Head>(text).unwrap());
            assert_eq!((fast.kind, fast.seq), ("results", 4217));
        }
        let ack = r#"{"type":"accepted","op":"o12","seq":9}"#;
        assert_eq!(Head::of(ack).unwrap().op, Some("o12"));
    }
}
