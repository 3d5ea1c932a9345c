//! The baseline: a minimal broadcast server (tokio-tungstenite, nothing else)
//! that re-sends every payload its driver connection sends to every other
//! connection. Ruche's CPU per delivered frame is compared with this one's
//! under the same load, in the same run.

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;

/// The first message a driver sends; after it, every text it sends is broadcast.
pub const DRIVER_HELLO: &str = "driver";

/// Serves on 127.0.0.1 (a free port, printed as `baseline listening on PORT`) until killed.
pub async fn serve() -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("baseline listening on {}", listener.local_addr()?.port());
    let (tx, _) = broadcast::channel::<Message>(4096);
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        let tx = tx.clone();
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
                return;
            };
            let (mut sink, mut source) = ws.split();
            let mut news = tx.subscribe();
            loop {
                tokio::select! {
                    incoming = source.next() => match incoming {
                        Some(Ok(Message::Text(text))) if text.as_str() == DRIVER_HELLO => {
                            // The driver: broadcast all it sends from now on.
                            while let Some(Ok(message)) = source.next().await {
                                let _ = tx.send(message);
                            }
                            return;
                        }
                        Some(Ok(_)) => {}
                        _ => return,
                    },
                    message = news.recv() => match message {
                        Ok(message) => if sink.send(message).await.is_err() { return },
                        Err(broadcast::error::RecvError::Lagged(_)) => {}
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                }
            }
        });
    }
}
