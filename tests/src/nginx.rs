//! nginx in front of Ruche servers, from the system's packages, run with the
//! configuration Ruche ships (`deploy/nginx.conf`): its listening port and
//! its servers' addresses replaced by the test's, its files kept in a
//! temporary folder. In the foreground and in one process, killed when
//! dropped. Without nginx
//! the test says it was skipped, loudly (CI fails instead).

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A running nginx.
pub struct Nginx {
    /// Where it listens.
    pub addr: SocketAddr,
    _child: tokio::process::Child,
    _dir: tempfile::TempDir,
}

/// The configuration shipped in `deploy/` for a server and its standby.
pub const SHIPPED: &str = include_str!("../../deploy/nginx.conf");

/// The configuration shipped in `deploy/` for three servers of a cluster.
pub const CLUSTER: &str = include_str!("../../deploy/nginx-cluster.conf");

/// The servers' addresses in the shipped files, replaced by the test's.
const SHIPPED_SERVERS: [&str; 3] = ["127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083"];

fn unavailable(why: &str) -> Option<Nginx> {
    crate::browser::skip_loudly("balancer", why, "nginx-light");
    None
}

fn nginx_path() -> Option<std::path::PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .into_iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file())
}

/// `text` with `from` replaced by `to`, which must be there: the test
/// fails if the shipped file changes shape under it.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "deploy/nginx.conf no longer has {from:?}"
    );
    text.replace(from, to)
}

impl Nginx {
    /// Starts nginx on a free loopback port in front of `servers` (the
    /// shipped file's two addresses, in order).
    pub async fn start(servers: [SocketAddr; 2]) -> Option<Nginx> {
        Nginx::start_with(SHIPPED, &servers).await
    }

    /// Starts nginx with the cluster's configuration in front of `servers`.
    pub async fn cluster(servers: [SocketAddr; 3]) -> Option<Nginx> {
        Nginx::start_with(CLUSTER, &servers).await
    }

    /// Starts nginx with the shipped configuration `shipped`, in front of
    /// `servers` (its addresses, in order).
    async fn start_with(shipped: &str, servers: &[SocketAddr]) -> Option<Nginx> {
        let Some(nginx) = nginx_path() else {
            return unavailable("nginx is not installed");
        };
        let dir = tempfile::tempdir().expect("a temporary folder");
        // nginx's workers (another user, when run as root) go through it.
        let mut permissions = std::fs::metadata(dir.path()).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(dir.path(), permissions).expect("the folder opens to nginx");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let folder = dir.path().display().to_string();
        let mut conf = shipped.to_owned();
        for (shipped, server) in SHIPPED_SERVERS.iter().zip(servers) {
            conf = replaced(&conf, shipped, &server.to_string());
        }
        conf = replaced(&conf, "listen 8080;", &format!("listen 127.0.0.1:{port};"));
        conf = replaced(
            &conf,
            "pid /run/ruche-nginx.pid;",
            &format!("pid {folder}/nginx.pid;"),
        );
        conf = replaced(
            &conf,
            "error_log /var/log/nginx/ruche-error.log warn;",
            &format!("error_log {folder}/error.log warn;"),
        );
        conf = replaced(&conf, "worker_processes auto;", "worker_processes 1;");
        conf = replaced(
            &conf,
            "    access_log off;\n",
            &format!(
                "    access_log off;\n    client_body_temp_path {folder}/body;\n    proxy_temp_path {folder}/proxy;\n    \
                 fastcgi_temp_path {folder}/fastcgi;\n    uwsgi_temp_path {folder}/uwsgi;\n    scgi_temp_path {folder}/scgi;\n"
            ),
        );
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf).expect("the configuration is written");
        let child = tokio::process::Command::new(nginx)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&path)
            // One process (no workers): killed on drop, it leaves nothing
            // behind (a killed master would leave its workers running).
            .args(["-g", "daemon off; master_process off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("nginx starts");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            assert!(
                started.elapsed() < crate::WAIT,
                "nginx did not listen within {:?}: {}",
                crate::WAIT,
                std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(Nginx {
            addr,
            _child: child,
            _dir: dir,
        })
    }
}
