//! `/api/v1/admin`: the administrators' session, the review of requests, the refusal reasons, the outbox, the
//! audit trail, the administrators and the API accounts. Every route but the sign-in needs a session (401) and
//! some a role (403).

pub mod accounts;
pub mod admins;
pub mod audit;
pub mod outbox;
pub mod reasons;
pub mod registrations;
pub mod session;

use app::api::ErrorCode;
use axum::http::StatusCode;

use super::error::ApiError;

pub(super) fn not_found(what: &str) -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!("{what} n'existe pas."),
    )
}

pub(super) fn id_of(text: &str, what: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| not_found(what))
}

pub(super) fn internal(error: impl Into<anyhow::Error>) -> ApiError {
    ApiError::Internal(error.into())
}
