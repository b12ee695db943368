//! `/admin/refusal-reasons` and `/admin/complement-messages`: the reviewers' ready-made texts.

use app::api::admin::{ReasonUpdate, RefusalReason};
use app::api::{ErrorBody, ErrorCode};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::super::auth::AdminUser;
use super::super::error::ApiError;
use super::super::json::ApiJson;
use crate::AppContext;
use crate::admins::Role;
use crate::review::reasons::{self, ReadyMade, ReasonError};

#[utoipa::path(
    get,
    path = "/admin/refusal-reasons",
    tag = "admin",
    responses(
        (status = 200, description = "Les motifs de refus proposés (tous, y compris désactivés, pour le rôle admin)", body = [RefusalReason]),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn refusal_reasons(
    State(ctx): State<AppContext>,
    user: AdminUser,
) -> Result<Json<Vec<RefusalReason>>, ApiError> {
    list(&ctx, &user, ReadyMade::Refusal).await
}

/// The texts of `kind`: all of them for the admins who edit them, the offered ones for the others.
async fn list(
    ctx: &AppContext,
    user: &AdminUser,
    kind: ReadyMade,
) -> Result<Json<Vec<RefusalReason>>, ApiError> {
    reasons::list(ctx, kind, user.principal.role == Role::Admin)
        .await
        .map(Json)
        .map_err(ApiError::Internal)
}

#[utoipa::path(
    put,
    path = "/admin/refusal-reasons/{code}",
    tag = "admin",
    params(("code" = String, Path, description = "Code du motif ; créé s'il n'existe pas")),
    request_body = ReasonUpdate,
    responses(
        (status = 200, description = "Le motif enregistré", body = RefusalReason),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis, ou `csrf`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody)
    )
)]
pub async fn save_reason(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(code): Path<String>,
    body: Result<ApiJson<ReasonUpdate>, ApiError>,
) -> Result<Json<RefusalReason>, ApiError> {
    user.require(Role::Admin)?;
    let ApiJson(body) = body?;
    save(&ctx, &user, ReadyMade::Refusal, &code, &body).await
}

async fn save(
    ctx: &AppContext,
    user: &AdminUser,
    kind: ReadyMade,
    code: &str,
    body: &ReasonUpdate,
) -> Result<Json<RefusalReason>, ApiError> {
    reasons::save(ctx, &user.actor(), kind, code, body)
        .await
        .map(Json)
        .map_err(|error| match error {
            ReasonError::Invalid(message) => ApiError::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::Validation,
                message,
            ),
            ReasonError::Internal(error) => ApiError::Internal(error),
        })
}

#[utoipa::path(
    get,
    path = "/admin/complement-messages",
    tag = "admin",
    responses(
        (status = 200, description = "Les messages prêts à l'emploi d'une demande de complément (tous, y compris désactivés, pour le rôle admin) ; même forme qu'un motif de refus", body = [RefusalReason]),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn complement_messages(
    State(ctx): State<AppContext>,
    user: AdminUser,
) -> Result<Json<Vec<RefusalReason>>, ApiError> {
    list(&ctx, &user, ReadyMade::Complement).await
}

#[utoipa::path(
    put,
    path = "/admin/complement-messages/{code}",
    tag = "admin",
    params(("code" = String, Path, description = "Code du message ; créé s'il n'existe pas")),
    request_body = ReasonUpdate,
    responses(
        (status = 200, description = "Le message enregistré", body = RefusalReason),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` : rôle admin requis, ou `csrf`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody)
    )
)]
pub async fn save_complement_message(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(code): Path<String>,
    body: Result<ApiJson<ReasonUpdate>, ApiError>,
) -> Result<Json<RefusalReason>, ApiError> {
    user.require(Role::Admin)?;
    let ApiJson(body) = body?;
    save(&ctx, &user, ReadyMade::Complement, &code, &body).await
}
