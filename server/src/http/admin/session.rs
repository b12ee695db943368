//! `/admin/session`: sign-in, the signed-in administrator, sign-out, and one's own password.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use app::api::admin::{AdminSession, PasswordChange};
use app::api::{Credentials, ErrorBody};

use super::super::auth::{AdminUser, ClientAddress, close_session, open_session, same_origin};
use super::super::error::ApiError;
use super::super::json::ApiJson;
use super::admins::change_error;
use crate::AppContext;
use crate::admins;
use crate::principal::Kind;

#[utoipa::path(
    post,
    path = "/admin/session",
    tag = "admin",
    request_body = Credentials,
    responses(
        (status = 204, description = "Connecté : cookie de session `geodae_admin` (HttpOnly, SameSite=Strict)"),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 429, description = "`rate_limited` : trop d'échecs, réessayer après `Retry-After` secondes", body = ErrorBody)
    )
)]
pub async fn sign_in(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    same_origin(&ctx, &headers)?;
    open_session(&ctx, Kind::Admin, &body, &address).await
}

#[utoipa::path(
    get,
    path = "/admin/session",
    tag = "admin",
    responses(
        (status = 200, description = "L'administrateur connecté et le jeton CSRF à renvoyer dans `X-CSRF-Token`", body = AdminSession),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn current(user: AdminUser) -> Json<AdminSession> {
    Json(AdminSession {
        login: user.principal.login,
        email: user.principal.email,
        role: user.principal.role,
        csrf_token: user.session.csrf_token,
    })
}

#[utoipa::path(
    delete,
    path = "/admin/session",
    tag = "admin",
    responses(
        (status = 204, description = "Déconnecté"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`csrf`", body = ErrorBody)
    )
)]
pub async fn sign_out(
    State(ctx): State<AppContext>,
    user: AdminUser,
) -> Result<Response, ApiError> {
    close_session(&ctx, &user).await
}

#[utoipa::path(
    put,
    path = "/admin/session/password",
    tag = "admin",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Mot de passe changé ; les autres sessions sont fermées"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`csrf`", body = ErrorBody),
        (status = 422, description = "`validation` : mot de passe actuel faux, nouveau trop court", body = ErrorBody),
        (status = 429, description = "`rate_limited` : trop de mots de passe actuels faux, réessayer après `Retry-After` secondes", body = ErrorBody)
    )
)]
pub async fn change_password(
    State(ctx): State<AppContext>,
    user: AdminUser,
    body: Result<ApiJson<PasswordChange>, ApiError>,
) -> Result<StatusCode, ApiError> {
    let ApiJson(body) = body?;
    admins::change_password(
        &ctx.db,
        &user.actor(),
        &user.principal,
        &user.address,
        &user.session.token_hash,
        &body.current,
        &body.new,
    )
    .await
    .map(|()| StatusCode::NO_CONTENT)
    .map_err(change_error)
}
