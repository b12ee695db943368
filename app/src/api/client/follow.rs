//! Following a request: the follow page's data, withdrawal, a new link by email.

use super::*;
use crate::api::follow::{Completion, FollowKey, FollowView, LostFollowLink};

fn key(secret: &str) -> FollowKey {
    FollowKey {
        key: secret.to_string(),
    }
}

/// `POST /api/v1/follow`: the request of a follow link.
pub async fn view(secret: &str) -> Result<FollowView, CallError> {
    imp::post_json("/api/v1/follow", &key(secret)).await
}

/// `POST /api/v1/follow/withdraw`: withdraws the request.
pub async fn withdraw(secret: &str) -> Result<FollowView, CallError> {
    imp::post_json("/api/v1/follow/withdraw", &key(secret)).await
}

/// `POST /api/v1/follow/complete`: sends the corrected request and the answer.
pub async fn complete(
    secret: &str,
    request: &RegistrationRequest,
    answer: &str,
) -> Result<FollowView, CallError> {
    imp::post_json(
        "/api/v1/follow/complete",
        &Completion {
            key: secret.to_string(),
            request: request.clone(),
            answer: answer.to_string(),
        },
    )
    .await
}

/// `POST /api/v1/follow/lost`: a new follow link by email, if a request was sent with this address.
pub async fn lost(email: &str) -> Result<(), CallError> {
    imp::send::<_, ()>(
        "POST",
        "/api/v1/follow/lost",
        Some(&LostFollowLink {
            email: email.to_string(),
        }),
        None,
    )
    .await
    .map(|_| ())
}
