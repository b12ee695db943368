//! `/admin/accounts`: disabling, re-enabling an API account, sending it a fresh password link.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use app::api::{ErrorBody, ErrorCode};

use super::super::auth::AdminUser;
use super::super::error::ApiError;
use super::id_of;
use crate::AppContext;
use crate::accounts::manage;
use crate::admins::Role;

fn account_not_found() -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "Ce compte n'existe pas (ou est désactivé, pour un envoi de lien).",
    )
}

async fn account_state(
    ctx: &AppContext,
    user: &AdminUser,
    id: &str,
    disabled: bool,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(id, "Ce compte")?;
    if manage::set_disabled(ctx, &user.actor(), id, disabled).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(account_not_found())
    }
}

#[utoipa::path(
    post,
    path = "/admin/accounts/{id}/disable",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne du compte")),
    responses(
        (status = 204, description = "Désactivé : ses sessions et ses liens en cours prennent fin"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody)
    )
)]
pub async fn account_disable(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    account_state(&ctx, &user, &id, true).await
}

#[utoipa::path(
    post,
    path = "/admin/accounts/{id}/enable",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne du compte")),
    responses(
        (status = 204, description = "Réactivé"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody)
    )
)]
pub async fn account_enable(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    account_state(&ctx, &user, &id, false).await
}

#[utoipa::path(
    post,
    path = "/admin/accounts/{id}/password-link",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne du compte")),
    responses(
        (status = 204, description = "Un nouveau lien de mot de passe part à l'adresse du compte"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found` : pas de compte actif", body = ErrorBody)
    )
)]
pub async fn account_password_link(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(&id, "Ce compte")?;
    if manage::send_password_link(&ctx, &user.actor(), id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(account_not_found())
    }
}
