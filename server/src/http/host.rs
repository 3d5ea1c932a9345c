//! Which `Host` a request may name (DNS rebinding). A page of `evil.example`
//! whose name the attacker re-points at the laptop's address would otherwise
//! be same-origin with Ruche: its requests carry `Host: evil.example:8080`.
//! Ruche answers only to the names it is reached by on a local network: an
//! address (`192.168.1.10`, `[::1]`), `localhost` or any name without a dot
//! (`portable-mairie`), a `.local` name (mDNS, which no outside resolver
//! controls), and the hosts of the origins
//! given with `--allowed-origin` and `--public-url` (a server behind a
//! reverse proxy).

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Whether `host` (a `Host` header: name or address, maybe with a port) is
/// one Ruche answers to.
pub fn host_allowed(host: &str, allowed_origins: &[String]) -> bool {
    let name = strip_port(host).to_ascii_lowercase();
    let name = name.trim_end_matches('.');
    // A name without a dot (`portable-mairie`, as Windows networks name
    // computers) is resolved on the local network only: no outside DNS
    // answers for it, so it cannot be re-pointed from outside either.
    let single_label = !name.is_empty() && !name.contains('.');
    if name.parse::<std::net::IpAddr>().is_ok()
        || single_label
        || name.ends_with(".localhost")
        || name.ends_with(".local")
    {
        return true;
    }
    allowed_origins.iter().any(|origin| {
        let rest = origin
            .split_once("://")
            .map_or(origin.as_str(), |(_, rest)| rest);
        strip_port(rest.trim_end_matches('/')).eq_ignore_ascii_case(name)
    })
}

/// `example.org:8080` → `example.org`; `[::1]:8080` → `::1`.
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

/// Refuses a request naming a host Ruche does not answer to (`421`).
pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    match host {
        Some(host)
            if !host_allowed(host, &state.settings.allowed_origins)
                && !state
                    .settings
                    .tablet_base
                    .as_ref()
                    .is_some_and(|base| host_allowed(host, std::slice::from_ref(base))) =>
        {
            tracing::debug!(%host, "request for a host Ruche does not answer to");
            let body = ruche_shared::api::ErrorBody {
                code: "unknown_host".into(),
                message: format!(
                    "this server does not answer to the name {host:?}; open it by its address, or add the name with --allowed-origin"
                ),
                details: None,
            };
            (StatusCode::MISDIRECTED_REQUEST, axum::Json(body)).into_response()
        }
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn addresses_local_names_and_allowed_origins_only() {
        let allowed = vec!["https://ruche.mairie.example".to_owned()];
        for host in [
            "192.168.1.10:8080",
            "127.0.0.1",
            "[::1]:8080",
            "localhost:8080",
            "LOCALHOST",
            "portable-mairie.local:8080",
            "PORTABLE-MAIRIE:8080",
            "ruche.mairie.example",
            "ruche.mairie.example:443",
        ] {
            assert!(host_allowed(host, &allowed), "{host}");
        }
        for host in [
            "evil.example:8080",
            "evil.example",
            "localhost.evil.example",
            "ruche.mairie.example.evil.example",
            "",
        ] {
            assert!(!host_allowed(host, &allowed), "{host}");
        }
    }
}
