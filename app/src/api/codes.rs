//! The stable codes of the API's error answers, shared by the server that sends them and the browser that
//! acts on them.

use serde::{Deserialize, Serialize};

/// Why a call failed, as a machine reads it (`ErrorBody::code`); the French sentence is in `message`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Fields to correct: `fields` says which and why.
    Validation,
    /// The SIREN in the path is not nine digits with a valid key.
    InvalidSiren,
    /// No register knows this SIREN.
    UnknownSiren,
    /// No company register answers now.
    RegisterUnavailable,
    /// A request from this address is already being reviewed.
    AlreadyPending,
    /// An account already exists for this address.
    AlreadyRegistered,
    /// The body is not JSON.
    MalformedJson,
    /// The JSON body does not have the expected shape.
    InvalidBody,
    /// The body is not sent as `application/json`.
    UnsupportedMediaType,
    /// The body is too large.
    PayloadTooLarge,
    /// The request could not be read.
    BadRequest,
    /// A query parameter is invalid.
    InvalidQuery,
    /// No such resource.
    NotFound,
    /// No session, or it has ended: sign in.
    Unauthenticated,
    /// Wrong identifiant or password.
    InvalidCredentials,
    /// Too many attempts: retry after `Retry-After` seconds.
    RateLimited,
    /// The administrator's role does not allow this.
    Forbidden,
    /// The CSRF token or the origin is missing or wrong.
    Csrf,
    /// The link is not valid.
    LinkUnknown,
    /// The link has expired or was already used.
    LinkExpired,
    /// The request was already validated or refused.
    AlreadyDecided,
    /// Only a failed email can be sent again.
    NotFailed,
    /// The identifiant is taken.
    LoginTaken,
    /// An internal error: `request_id` identifies it in the logs.
    Internal,
    /// The database does not answer.
    DatabaseUnavailable,
    /// A code this client does not know yet (sent by a newer server).
    #[serde(other)]
    Other,
}

impl ErrorCode {
    /// Every code the server sends.
    pub const ALL: [ErrorCode; 25] = [
        Self::Validation,
        Self::InvalidSiren,
        Self::UnknownSiren,
        Self::RegisterUnavailable,
        Self::AlreadyPending,
        Self::AlreadyRegistered,
        Self::MalformedJson,
        Self::InvalidBody,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::BadRequest,
        Self::InvalidQuery,
        Self::NotFound,
        Self::Unauthenticated,
        Self::InvalidCredentials,
        Self::RateLimited,
        Self::Forbidden,
        Self::Csrf,
        Self::LinkUnknown,
        Self::LinkExpired,
        Self::AlreadyDecided,
        Self::NotFailed,
        Self::LoginTaken,
        Self::Internal,
        Self::DatabaseUnavailable,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_travel_as_snake_case_and_unknown_ones_are_other() {
        assert_eq!(
            serde_json::to_string(&ErrorCode::AlreadyDecided).expect("serialise"),
            "\"already_decided\""
        );
        for code in ErrorCode::ALL {
            let text = serde_json::to_string(&code).expect("serialise");
            assert_eq!(
                serde_json::from_str::<ErrorCode>(&text).expect("parse"),
                code
            );
        }
        assert_eq!(
            serde_json::from_str::<ErrorCode>("\"from_the_future\"").expect("parse"),
            ErrorCode::Other
        );
    }
}
