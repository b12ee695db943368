//! The online registers, asked when the local directory cannot answer: the API Recherche d'entreprises (no key,
//! 7 requests/s per address) and INSEE's API Sirene 3.11 (a key, 30 requests/min).
//!
//! Each is wrapped in [`guard::Guarded`]: a timeout, a client-side rate limit within the API's quota (and its
//! `Retry-After`), and a circuit breaker, so that a slow or failing API never slows the form; [`chain::Chain`]
//! asks the sources in the configured order and caches their answers.

pub mod chain;
pub mod guard;
pub mod insee;
pub mod recherche;

use std::time::Duration;

use async_trait::async_trait;

use super::Company;

/// Why an online register gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Over quota: wait this long (the API's `Retry-After`, when it gave one).
    #[error("rate limited by the API")]
    RateLimited(Option<Duration>),
    /// An error status, a body that cannot be read, a network error.
    #[error("{0}")]
    Unavailable(String),
}

/// One online register.
#[async_trait]
pub trait OnlineRegister: Send + Sync {
    /// `Ok(None)`: the register does not know the SIREN (it would, if it existed).
    async fn lookup(&self, siren: &str) -> Result<Option<Company>, Failure>;
}

/// The `Retry-After` of an answer, in seconds (the APIs do not send dates).
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The failure an error status means.
fn failure_of(response: &reqwest::Response) -> Failure {
    let status = response.status();
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        Failure::RateLimited(retry_after(response))
    } else {
        Failure::Unavailable(format!("the API answered {status}"))
    }
}

/// Sends a request and reads its JSON answer; `Ok(None)` for a 404 when the API answers so for an unknown
/// SIREN.
async fn fetch<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
    not_found_is_unknown: bool,
) -> Result<Option<T>, Failure> {
    let response = request
        .send()
        .await
        .map_err(|e| Failure::Unavailable(e.to_string()))?;
    if not_found_is_unknown && response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !response.status().is_success() {
        return Err(failure_of(&response));
    }
    response
        .json()
        .await
        .map(Some)
        .map_err(|e| Failure::Unavailable(format!("unreadable answer: {e}")))
}

/// The HTTP client the online registers share (connections kept alive).
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .user_agent(concat!("geodae-comptes/", env!("CARGO_PKG_VERSION")))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()?)
}
