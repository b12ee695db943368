//! `/admin/admins`: the administrators, their creation and changes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use app::api::admin::{AdminChange, AdminView, CreatedAdmin, NewAdmin};
use app::api::{ErrorBody, ErrorCode};

use super::super::auth::AdminUser;
use super::super::error::ApiError;
use super::super::json::ApiJson;
use super::{id_of, internal, not_found};
use crate::AppContext;
use crate::admins::{self, Role};

#[utoipa::path(
    get,
    path = "/admin/admins",
    tag = "admin",
    responses(
        (status = 200, description = "Les administrateurs", body = [AdminView]),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis", body = ErrorBody)
    )
)]
pub async fn admins_list(
    State(ctx): State<AppContext>,
    user: AdminUser,
) -> Result<Json<Vec<AdminView>>, ApiError> {
    user.require(Role::Admin)?;
    admins::list(&ctx.db).await.map(Json).map_err(internal)
}

#[utoipa::path(
    post,
    path = "/admin/admins",
    tag = "admin",
    request_body = NewAdmin,
    responses(
        (status = 201, description = "Créé ; le premier mot de passe n'est montré qu'une fois", body = CreatedAdmin),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis, ou `csrf`", body = ErrorBody),
        (status = 409, description = "`login_taken`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody)
    )
)]
pub async fn admins_create(
    State(ctx): State<AppContext>,
    user: AdminUser,
    body: Result<ApiJson<NewAdmin>, ApiError>,
) -> Result<(StatusCode, Json<CreatedAdmin>), ApiError> {
    user.require(Role::Admin)?;
    let ApiJson(body) = body?;
    let role = body.role;
    let login = body.login.trim().to_lowercase();
    match admins::create_with_first_password(
        &ctx.db,
        &user.actor(),
        &login,
        body.email.trim(),
        role,
    )
    .await
    {
        Ok((admin, password)) => Ok((StatusCode::CREATED, Json(CreatedAdmin { admin, password }))),
        Err(admins::CreateError::Invalid(message)) => Err(ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
            message,
        )),
        Err(admins::CreateError::Taken(login)) => Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::LoginTaken,
            format!("L'identifiant « {login} » est déjà pris."),
        )),
        Err(admins::CreateError::Internal(error)) => Err(ApiError::Internal(error)),
    }
}

pub(super) fn change_error(error: admins::ChangeError) -> ApiError {
    match error {
        admins::ChangeError::NotFound => not_found("Cet administrateur"),
        admins::ChangeError::Refused(message) => ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
            message,
        ),
        admins::ChangeError::RateLimited(seconds) => super::super::auth::rate_limited(seconds),
        admins::ChangeError::Internal(error) => ApiError::Internal(error),
    }
}

#[utoipa::path(
    patch,
    path = "/admin/admins/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de l'administrateur")),
    request_body = AdminChange,
    responses(
        (status = 204, description = "Modifié ; un administrateur désactivé perd ses sessions"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis, ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`validation` : soi-même, dernier admin, rôle inconnu", body = ErrorBody)
    )
)]
pub async fn admins_change(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
    body: Result<ApiJson<AdminChange>, ApiError>,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Admin)?;
    let ApiJson(body) = body?;
    let id = id_of(&id, "Cet administrateur")?;
    let role = body.role;
    admins::change(
        &ctx.db,
        &user.actor(),
        &user.principal,
        id,
        role,
        body.disabled,
    )
    .await
    .map(|()| StatusCode::NO_CONTENT)
    .map_err(change_error)
}
