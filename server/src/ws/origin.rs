//! Which web pages may open a WebSocket: Ruche's own, or an allowed origin.

use axum::http::{HeaderMap, header};

/// A browser page may open a WebSocket only from Ruche's own address or an
/// allowed origin (this stops cross-site WebSocket hijacking). Clients that are
/// not browsers send no `Origin` and are let through: they cannot be tricked
/// into using someone's credentials. On refusal, the origin that was refused.
pub fn check_origin(headers: &HeaderMap, allowed: &[String]) -> Result<(), String> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("").trim_end_matches('/');
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let same_origin = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host));
    if same_origin
        || allowed
            .iter()
            .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        Ok(())
    } else {
        Err(origin.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers
    }

    #[test]
    fn origins_are_checked_against_the_host_and_the_allowlist() {
        let allowed = vec!["https://ruche.mairie.example".to_owned()];
        assert!(check_origin(&headers(None, "10.0.0.2:8080"), &[]).is_ok());
        assert!(check_origin(&headers(Some("http://10.0.0.2:8080"), "10.0.0.2:8080"), &[]).is_ok());
        assert!(
            check_origin(
                &headers(Some("https://evil.example"), "10.0.0.2:8080"),
                &allowed
            )
            .is_err()
        );
        assert!(
            check_origin(
                &headers(Some("https://ruche.mairie.example"), "10.0.0.2:8080"),
                &allowed
            )
            .is_ok()
        );
        assert!(check_origin(&headers(Some("null"), "10.0.0.2:8080"), &[]).is_err());
    }
}
