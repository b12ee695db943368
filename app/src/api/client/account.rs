//! API accounts: the password link, sign-in, recovery.

use super::*;
use crate::api::{AccountView, Credentials, LinkToken, NewPassword, PasswordSetup, Recovery};

fn link(token: &str) -> LinkToken {
    LinkToken {
        token: token.to_string(),
    }
}

/// `POST /api/v1/password-setup/info`: the identifiant and the rules; the link is not used up.
pub async fn setup_info(token: &str) -> Result<PasswordSetup, CallError> {
    imp::post_json("/api/v1/password-setup/info", &link(token)).await
}

/// `POST /api/v1/password-setup`: sets the password and uses the link up.
pub async fn set_password(body: &NewPassword) -> Result<(), CallError> {
    imp::send::<_, ()>("POST", "/api/v1/password-setup", Some(body), None)
        .await
        .map(|_| ())
}

/// `POST /api/v1/password-setup/renew`: a fresh link by mail, if the account exists.
pub async fn renew(token: &str) -> Result<(), CallError> {
    imp::send::<_, ()>(
        "POST",
        "/api/v1/password-setup/renew",
        Some(&link(token)),
        None,
    )
    .await
    .map(|_| ())
}

/// `POST /api/v1/account/session`: signs in (the session cookie is set).
pub async fn sign_in(body: &Credentials) -> Result<(), CallError> {
    imp::send::<_, ()>("POST", "/api/v1/account/session", Some(body), None)
        .await
        .map(|_| ())
}

/// `GET /api/v1/account/session`: the signed-in account.
pub async fn session() -> Result<AccountView, CallError> {
    imp::get_json("/api/v1/account/session").await
}

/// `DELETE /api/v1/account/session`: signs out.
pub async fn sign_out(csrf: &str) -> Result<(), CallError> {
    imp::send::<(), ()>("DELETE", "/api/v1/account/session", None, Some(csrf))
        .await
        .map(|_| ())
}

/// `what` is `password` or `login`.
pub async fn forgot(what: &str, email: &str) -> Result<(), CallError> {
    imp::send::<_, ()>(
        "POST",
        &format!("/api/v1/account/forgot-{what}"),
        Some(&Recovery {
            email: email.to_string(),
        }),
        None,
    )
    .await
    .map(|_| ())
}
