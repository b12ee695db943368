//! A request id for every request: returned in `x-request-id`, written in the logs, quoted in 500 answers.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled.
pub fn current() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "inconnue".to_string())
}

/// The path as the logs may show it: the secret segments (a password link's token, a re-application link)
/// are replaced by `…`.
pub fn loggable(path: &str) -> String {
    for secret in ["/api/v1/password-setup/", "/api/v1/registrations/reprise/"] {
        if let Some(rest) = path.strip_prefix(secret)
            && rest != "renew"
        {
            return format!("{secret}…");
        }
    }
    path.to_string()
}

/// Gives the request its id, in the logs (with the method and the path without secrets) and in the answer.
pub async fn middleware(request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    let path = loggable(request.uri().path());
    let span =
        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %path);
    let mut response = REQUEST_ID
        .scope(
            id.clone(),
            tracing::Instrument::instrument(next.run(request), span),
        )
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::loggable;

    #[test]
    fn link_tokens_never_reach_the_logs() {
        assert_eq!(
            loggable("/api/v1/password-setup/AbC123secret"),
            "/api/v1/password-setup/…"
        );
        assert_eq!(
            loggable("/api/v1/registrations/reprise/signed.link"),
            "/api/v1/registrations/reprise/…"
        );
        assert_eq!(
            loggable("/api/v1/password-setup/renew"),
            "/api/v1/password-setup/renew"
        );
        assert_eq!(loggable("/admin/demandes/3"), "/admin/demandes/3");
    }
}
