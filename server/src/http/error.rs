//! The API's error answers: a stable code, a French message, per-field messages; internal errors are logged
//! with their cause and answered with an opaque message and the request id.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use app::api::{CONTACT_EMAIL, ErrorBody, ErrorCode};
use app::domain::FieldErrors;

use super::request_id;
use crate::flood::{FloodError, Refused, Scope};
use crate::links::LinkError;

#[derive(Debug)]
pub enum ApiError {
    Validation(FieldErrors),
    /// A client error with its status, code and French message.
    Client(StatusCode, ErrorCode, String),
    /// 409 with the field it concerns.
    Conflict(ErrorCode, String, FieldErrors),
    /// A complete error body with its status (per-field messages that are not form fields).
    Body(StatusCode, ErrorBody),
    /// 429 `rate_limited` with `Retry-After` (seconds) and the French message.
    TooMany(i64, String),
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn client(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Client(status, code, message.into())
    }
}

impl From<FloodError> for ApiError {
    fn from(error: FloodError) -> Self {
        match error {
            FloodError::Refused(refused) => Self::from(refused),
            FloodError::Internal(error) => {
                Self::Internal(anyhow::Error::new(error).context("cannot count a use"))
            }
        }
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        let wait = in_time(refused.retry_after_s);
        let message = match refused.scope {
            Scope::Address => {
                format!("Trop de demandes envoyées depuis votre connexion : réessayez dans {wait}.")
            }
            Scope::Global => format!(
                "Le service reçoit un nombre inhabituel de demandes : réessayez dans {wait}."
            ),
        };
        Self::TooMany(refused.retry_after_s, message)
    }
}

/// 404 `link_unknown` or 410 `link_expired`, with what each says of this kind of link (`[unknown, expired]`).
pub fn link_error(error: LinkError, messages: [&str; 2]) -> ApiError {
    let [unknown, expired] = messages;
    match error {
        LinkError::Unknown => {
            ApiError::client(StatusCode::NOT_FOUND, ErrorCode::LinkUnknown, unknown)
        }
        LinkError::Expired => ApiError::client(StatusCode::GONE, ErrorCode::LinkExpired, expired),
    }
}

/// « 45 secondes », « 1 minute », « 12 minutes ».
pub fn in_time(seconds: i64) -> String {
    let plural = |n: i64| if n > 1 { "s" } else { "" };
    if seconds < 60 {
        let seconds = seconds.max(1);
        format!("{seconds} seconde{}", plural(seconds))
    } else {
        let minutes = (seconds + 59) / 60;
        format!("{minutes} minute{}", plural(minutes))
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        Self::Internal(error)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::client(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "Le corps de la requête doit être du JSON (Content-Type: application/json).",
            ),
            JsonRejection::JsonSyntaxError(_) => Self::client(
                StatusCode::BAD_REQUEST,
                ErrorCode::MalformedJson,
                "Le corps de la requête n'est pas du JSON valide.",
            ),
            JsonRejection::JsonDataError(e) => Self::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidBody,
                format!(
                    "Le corps de la requête n'a pas la forme attendue : {}",
                    e.body_text()
                ),
            ),
            JsonRejection::BytesRejection(_) => Self::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "Le corps de la requête est trop volumineux ou n'a pas pu être lu.",
            ),
            _ => Self::client(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "La requête n'a pas pu être lue.",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Validation(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(ErrorBody::validation(&errors)),
            )
                .into_response(),
            Self::Client(status, code, message) => {
                (status, Json(ErrorBody::new(code, message))).into_response()
            }
            Self::Conflict(code, message, fields) => {
                let body = ErrorBody {
                    code,
                    message,
                    ..ErrorBody::validation(&fields)
                };
                (StatusCode::CONFLICT, Json(body)).into_response()
            }
            Self::Body(status, body) => (status, Json(body)).into_response(),
            Self::TooMany(seconds, message) => {
                let mut response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    Json(ErrorBody::new(ErrorCode::RateLimited, message)),
                )
                    .into_response();
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(seconds.max(1)),
                );
                response
            }
            Self::Internal(error) => {
                let id = request_id::current();
                tracing::error!(request_id = %id, error = format!("{error:#}"), "internal error");
                internal_response(&id)
            }
        }
    }
}

/// The opaque 500 answer.
pub fn internal_response(request_id: &str) -> Response {
    let body = ErrorBody {
        request_id: Some(request_id.to_string()),
        ..ErrorBody::new(
            ErrorCode::Internal,
            format!(
                "Une erreur interne est survenue. Réessayez plus tard ; si elle persiste, écrivez à {CONTACT_EMAIL} en citant la référence {request_id}."
            ),
        )
    };
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}
