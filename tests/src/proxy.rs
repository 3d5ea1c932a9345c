//! A small TCP proxy on loopback that breaks connections on demand, for the
//! network-fault tests: cut every connection at once, let only the first
//! bytes of the next message through (a frame cut in the middle), or hold the
//! server's answers back (a handshake whose welcome never arrives).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The proxy; it stops accepting when dropped.
pub struct Proxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    control: Arc<Control>,
    accept: tokio::task::JoinHandle<()>,
}

struct Control {
    /// Bumped to cut every open connection.
    cuts: watch::Sender<u64>,
    /// Bytes still allowed from clients to the server before a cut; -1: no limit.
    upstream_budget: AtomicI64,
    /// While true, nothing goes from the server to clients.
    stall_downstream: AtomicBool,
}

impl Proxy {
    /// A proxy to `server`.
    pub async fn start(server: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("an address");
        let control = Arc::new(Control {
            cuts: watch::channel(0).0,
            upstream_budget: AtomicI64::new(-1),
            stall_downstream: AtomicBool::new(false),
        });
        let shared = control.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(upstream) = TcpStream::connect(server).await else {
                    continue;
                };
                let _ = (client.set_nodelay(true), upstream.set_nodelay(true));
                tokio::spawn(pipe(client, upstream, shared.clone()));
            }
        });
        Proxy {
            addr,
            control,
            accept,
        }
    }

    /// Cuts every open connection now (both sides see it closed).
    pub fn cut_all(&self) {
        self.control.cuts.send_modify(|n| *n += 1);
    }

    /// Lets only `bytes` more bytes go from clients to the server, then cuts
    /// the connection they were on.
    pub fn cut_upstream_after(&self, bytes: i64) {
        self.control.upstream_budget.store(bytes, Ordering::SeqCst);
    }

    /// Holds (true) or releases (false) everything the server sends.
    pub fn stall_downstream(&self, stall: bool) {
        self.control.stall_downstream.store(stall, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut_all();
    }
}

async fn pipe(client: TcpStream, server: TcpStream, control: Arc<Control>) {
    let mut cuts = control.cuts.subscribe();
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let up = async {
        let mut buf = [0u8; 4096];
        loop {
            let n = match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let budget = control.upstream_budget.load(Ordering::SeqCst);
            if budget >= 0 {
                let allowed = (budget as usize).min(n);
                let _ = to_server.write_all(&buf[..allowed]).await;
                let left = budget - allowed as i64;
                if left == 0 {
                    control.upstream_budget.store(-1, Ordering::SeqCst);
                    return; // the cut
                }
                control.upstream_budget.store(left, Ordering::SeqCst);
                continue;
            }
            if to_server.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let down = async {
        let mut buf = [0u8; 4096];
        loop {
            while control.stall_downstream.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let n = match from_server.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            while control.stall_downstream.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            if to_client.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        () = up => {}
        () = down => {}
        _ = cuts.changed() => {}
    }
    // Dropping the four halves closes both connections.
}
