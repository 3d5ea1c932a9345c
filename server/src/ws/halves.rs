//! A WebSocket split by direction: the client's frames are read by
//! tungstenite ([`Inbound`]), the server's are written by the connection's
//! [`Outlet`] and nothing else.
//!
//! tungstenite answers a ping or a close on its own, through the stream it
//! reads from; here that stream's writing side drops those bytes, because a
//! second writer on the socket would cut into the outlet's frames. The
//! connection answers pings and closes itself, through the outlet.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedReadHalf;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::outlet::Outlet;
use crate::settings::Settings;

/// The client's side of a connection, as a stream of messages.
pub type Inbound = WebSocketStream<ReadOnly>;

/// The socket's reading half, with a writing side that drops what it is given.
pub struct ReadOnly(OwnedReadHalf);

impl AsyncRead for ReadOnly {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ReadOnly {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Splits an upgraded connection's socket into its two halves.
pub async fn split(
    stream: TcpStream,
    read_ahead: Vec<u8>,
    settings: &Settings,
) -> (Inbound, Arc<Outlet>) {
    let (read, write) = stream.into_split();
    let limit = settings.max_message_bytes;
    // A small read buffer (it grows for a large message): a tablet sends
    // little, and thousands of connections must stay cheap.
    let config = WebSocketConfig::default()
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit))
        .read_buffer_size(4 * 1024);
    let inbound = WebSocketStream::from_partially_read(
        ReadOnly(read),
        read_ahead,
        Role::Server,
        Some(config),
    )
    .await;
    let outlet = Outlet::new(write, settings.client_queue_frames, settings.write_deadline);
    (inbound, Arc::new(outlet))
}
