//! `/admin/outbox`: the emails, and sending a failed one again.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use app::api::admin::{OutboxItem, OutboxStatus};
use app::api::{ErrorBody, ErrorCode};

use super::super::auth::AdminUser;
use super::super::error::ApiError;
use super::super::json::ApiQuery;
use super::{id_of, internal};
use crate::AppContext;
use crate::admins::Role;
use crate::mail::outbox;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// `waiting`, `sent` or `failed`; all when absent, empty or `all`.
    #[param(pattern = "^(|all|waiting|sent|failed)$")]
    status: Option<String>,
    /// Messages older than this id (the last id of the previous page).
    before: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/admin/outbox",
    tag = "admin",
    params(OutboxParams),
    responses(
        (status = 200, description = "Les mails, les plus récents d'abord (100 par page)", body = [OutboxItem]),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn outbox_list(
    State(ctx): State<AppContext>,
    _user: AdminUser,
    ApiQuery(params): ApiQuery<OutboxParams>,
) -> Result<Json<Vec<OutboxItem>>, ApiError> {
    let status = match params
        .status
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "all")
    {
        None => None,
        Some(word) => Some(OutboxStatus::parse(word).ok_or_else(|| {
            ApiError::client(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidQuery,
                "Le statut doit être waiting, sent ou failed.",
            )
        })?),
    };
    outbox::list(&ctx.db, status, params.before, 100)
        .await
        .map(Json)
        .map_err(internal)
}

#[utoipa::path(
    post,
    path = "/admin/outbox/{id}/resend",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant du mail")),
    responses(
        (status = 204, description = "Remis dans la file d'envoi"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 409, description = "`not_failed` : seul un mail en échec peut être renvoyé", body = ErrorBody)
    )
)]
pub async fn outbox_resend(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(&id, "Ce mail")?;
    if !outbox::resend(&ctx.db, &user.actor(), id).await? {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::NotFailed,
            "Ce mail n'est pas en échec : il est déjà envoyé ou en attente d'envoi.",
        ));
    }
    ctx.mail_wake.notify_one();
    Ok(StatusCode::NO_CONTENT)
}
