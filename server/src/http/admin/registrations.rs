//! `/admin/registrations`: the dashboard's list, one request, and the decisions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use app::api::admin::{
    ComplementRequest, Decided, Erased, RefuseRequest, RegistrationDetail, RegistrationPage,
    RequestStatus, RightsRequest,
};
use app::api::{ErrorBody, ErrorCode};

use super::super::auth::AdminUser;
use super::super::error::ApiError;
use super::super::json::{ApiJson, ApiQuery};
use super::{id_of, not_found};
use crate::AppContext;
use crate::admins::Role;
use crate::review::complement::{self, TakeError};
use crate::review::decide::{self, DecideError};
use crate::review::rights::{self, PersonalData};
use crate::review::{self, Cursor, ListQuery, Status, detail as request};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `pending`, `complement`, `completed`, `approved`, `refused`, `withdrawn` or `closed`; all when absent,
    /// empty or `all`.
    #[param(pattern = "^(|all|pending|complement|completed|approved|refused|withdrawn|closed)$")]
    status: Option<String>,
    /// Searched in the names, email, SIREN, raison sociale and reference.
    q: Option<String>,
    /// The `next` of the previous page.
    #[param(pattern = "^([0-9]{1,18}-[0-9]{1,18}-[0-9]{1,18})?$")]
    after: Option<String>,
    /// 1 to 200, 50 by default.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/admin/registrations",
    tag = "admin",
    params(ListParams),
    responses(
        (status = 200, description = "Une page du tableau de bord, les demandes en attente d'abord, les plus anciennes d'abord", body = RegistrationPage),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn list(
    State(ctx): State<AppContext>,
    _user: AdminUser,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<RegistrationPage>, ApiError> {
    let invalid =
        |message: &str| ApiError::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery, message);
    let status = match params
        .status
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "all")
    {
        None => None,
        Some(code) => Some(
            Status::parse(code)
                .ok_or_else(|| invalid("Le statut doit être pending, complement, completed, approved, refused, withdrawn ou closed."))?,
        ),
    };
    let after = match params.after.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(
            Cursor::parse(text).ok_or_else(|| invalid("Le paramètre after n'est pas valide."))?,
        ),
    };
    let limit = match params.limit {
        None => review::DEFAULT_PAGE,
        Some(n) if (1..=review::MAX_PAGE).contains(&n) => n,
        Some(_) => {
            return Err(invalid(
                "Le nombre de demandes par page (limit) doit être compris entre 1 et 200.",
            ));
        }
    };
    let query = ListQuery {
        status,
        search: params.q.map(|q| q.chars().take(200).collect()),
        after,
        limit,
    };
    review::list(&ctx, &query)
        .await
        .map(Json)
        .map_err(ApiError::Internal)
}

#[utoipa::path(
    get,
    path = "/admin/registrations/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    responses(
        (status = 200, description = "La demande, ce qu'en dit le répertoire, les demandes liées, l'historique", body = RegistrationDetail),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody)
    )
)]
pub async fn detail(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<Json<RegistrationDetail>, ApiError> {
    let id = id_of(&id, "Cette demande")?;
    request::mark_opened(&ctx, id, &user.principal)
        .await
        .map_err(ApiError::Internal)?;
    request::detail(&ctx, id)
        .await
        .map_err(ApiError::Internal)?
        .map(Json)
        .ok_or_else(|| not_found("Cette demande"))
}

fn decide_error(error: DecideError) -> ApiError {
    match error {
        DecideError::NotFound => not_found("Cette demande"),
        DecideError::AlreadyDecided { status, by, at } => {
            let when = app::domain::dates::date_time(at);
            let message = match status {
                RequestStatus::Approved | RequestStatus::Refused => format!(
                    "Cette demande a déjà été {} par {} le {when}.",
                    if status == RequestStatus::Approved {
                        "validée"
                    } else {
                        "refusée"
                    },
                    by.as_deref().unwrap_or("un administrateur")
                ),
                RequestStatus::Withdrawn => {
                    format!("Le demandeur a retiré cette demande le {when}.")
                }
                RequestStatus::Complement => format!(
                    "Un complément a déjà été demandé par {} le {when} : la demande attend la réponse du demandeur.",
                    by.as_deref().unwrap_or("un administrateur")
                ),
                _ => format!(
                    "Cette demande n'attend plus de décision : {}.",
                    status.label().to_lowercase()
                ),
            };
            ApiError::client(StatusCode::CONFLICT, ErrorCode::AlreadyDecided, message)
        }
        DecideError::Invalid(message) => ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
            message,
        ),
        DecideError::AlreadyRegistered => ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::AlreadyRegistered,
            "Un compte existe déjà pour l'adresse email de cette demande.",
        ),
        DecideError::Internal(error) => ApiError::Internal(error),
    }
}

#[utoipa::path(
    post,
    path = "/admin/registrations/{id}/approve",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    responses(
        (status = 200, description = "Validée : compte créé, mail de validation envoyé", body = Decided),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`already_decided` (qui et quand) ou `already_registered`", body = ErrorBody)
    )
)]
pub async fn approve(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<Json<Decided>, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(&id, "Cette demande")?;
    decide::approve(&ctx, &user.principal, &user.actor(), id)
        .await
        .map(Json)
        .map_err(decide_error)
}

#[utoipa::path(
    post,
    path = "/admin/registrations/{id}/refuse",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    request_body = RefuseRequest,
    responses(
        (status = 200, description = "Refusée : mail de refus envoyé avec les motifs", body = Decided),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`already_decided`", body = ErrorBody),
        (status = 422, description = "`validation` : aucun motif, motif inconnu, message trop long", body = ErrorBody)
    )
)]
pub async fn refuse(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
    body: Result<ApiJson<RefuseRequest>, ApiError>,
) -> Result<Json<Decided>, ApiError> {
    // The role is checked before the body is read: a viewer gets 403 whatever they send.
    user.require(Role::Reviewer)?;
    let ApiJson(body) = body?;
    let id = id_of(&id, "Cette demande")?;
    decide::refuse(
        &ctx,
        &user.principal,
        &user.actor(),
        id,
        &body.reasons,
        &body.message,
    )
    .await
    .map(Json)
    .map_err(decide_error)
}

#[utoipa::path(
    post,
    path = "/admin/registrations/{id}/complement",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    request_body = ComplementRequest,
    responses(
        (status = 200, description = "Complément demandé : mail envoyé au demandeur avec le message et son lien de suivi ; la demande sort de la file jusqu'à sa réponse", body = Decided),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`already_decided` : décidée, retirée, classée, ou un complément déjà demandé (qui et quand)", body = ErrorBody),
        (status = 422, description = "`validation` : ni message prêt à l'emploi ni message libre, message inconnu, message trop long", body = ErrorBody)
    )
)]
pub async fn ask_complement(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
    body: Result<ApiJson<ComplementRequest>, ApiError>,
) -> Result<Json<Decided>, ApiError> {
    user.require(Role::Reviewer)?;
    let ApiJson(body) = body?;
    let id = id_of(&id, "Cette demande")?;
    complement::ask(
        &ctx,
        &user.principal,
        &user.actor(),
        id,
        &body.messages,
        &body.message,
    )
    .await
    .map(Json)
    .map_err(decide_error)
}

/// « Je m'en occupe » (`take`) or let go, for a reviewer.
async fn take_or_release(
    ctx: &AppContext,
    user: &AdminUser,
    id: &str,
    take: bool,
) -> Result<StatusCode, ApiError> {
    user.require(Role::Reviewer)?;
    let id = id_of(id, "Cette demande")?;
    complement::take(&ctx.db, &user.principal, &user.actor(), id, take)
        .await
        .map_err(|error| match error {
            TakeError::NotFound => not_found("Cette demande"),
            TakeError::Closed(status) => ApiError::client(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyDecided,
                format!(
                    "Cette demande n'est plus en cours : son statut est « {} ».",
                    status.label()
                ),
            ),
            TakeError::Internal(error) => ApiError::Internal(error),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/admin/registrations/{id}/take",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    responses(
        (status = 204, description = "« Je m'en occupe » : la demande est prise en charge par l'administrateur connecté (à la place de qui l'avait)"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`already_decided` : la demande n'est plus en cours", body = ErrorBody)
    )
)]
pub async fn take(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    take_or_release(&ctx, &user, &id, true).await
}

#[utoipa::path(
    delete,
    path = "/admin/registrations/{id}/take",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    responses(
        (status = 204, description = "La demande n'est plus prise en charge par personne"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`already_decided` : la demande n'est plus en cours", body = ErrorBody)
    )
)]
pub async fn release(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    take_or_release(&ctx, &user, &id, false).await
}

/// The reason of a right exercised, or 422 naming the field.
fn rights_reason(body: &RightsRequest) -> Result<&str, ApiError> {
    rights::reason(&body.reason).map_err(|message| {
        ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
            message,
        )
    })
}

#[utoipa::path(
    post,
    path = "/admin/registrations/{id}/export",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    request_body = RightsRequest,
    responses(
        (status = 200, description = "Tout ce qui est conservé sur la demande et son compte (droit d'accès) ; la copie est inscrite au journal avec son motif", body = PersonalData),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found` : pas de telle demande, ou ses données sont effacées", body = ErrorBody),
        (status = 422, description = "`validation` : motif absent ou trop long", body = ErrorBody)
    )
)]
pub async fn export(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
    body: Result<ApiJson<RightsRequest>, ApiError>,
) -> Result<([(axum::http::HeaderName, String); 1], Json<PersonalData>), ApiError> {
    user.require(Role::Reviewer)?;
    let ApiJson(body) = body?;
    let id = id_of(&id, "Cette demande")?;
    let why = rights_reason(&body)?;
    let data = rights::export(&ctx, &user.actor(), id, why)
        .await
        .map_err(super::internal)?
        .ok_or_else(|| not_found("Cette demande"))?;
    let disposition = format!(
        "attachment; filename=\"donnees-{}.json\"",
        data.request.reference
    );
    Ok((
        [(axum::http::header::CONTENT_DISPOSITION, disposition)],
        Json(data),
    ))
}

#[utoipa::path(
    post,
    path = "/admin/registrations/{id}/erase",
    tag = "admin",
    params(("id" = i64, Path, description = "Identifiant interne de la demande")),
    request_body = RightsRequest,
    responses(
        (status = 200, description = "Effacée (droit à l'effacement) : son compte, ses liens et ses sessions prennent fin ; une demande décidée reste comme statistique anonyme, une demande en attente est supprimée", body = Erased),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (rôle administrateur) ou `csrf`", body = ErrorBody),
        (status = 404, description = "`not_found` : pas de telle demande, ou déjà effacée", body = ErrorBody),
        (status = 422, description = "`validation` : motif absent ou trop long", body = ErrorBody)
    )
)]
pub async fn erase(
    State(ctx): State<AppContext>,
    user: AdminUser,
    Path(id): Path<String>,
    body: Result<ApiJson<RightsRequest>, ApiError>,
) -> Result<Json<Erased>, ApiError> {
    // Irreversible: administrators only.
    user.require(Role::Admin)?;
    let ApiJson(body) = body?;
    let id = id_of(&id, "Cette demande")?;
    let why = rights_reason(&body)?;
    rights::erase(&ctx, &user.actor(), id, why)
        .await
        .map_err(super::internal)?
        .map(Json)
        .ok_or_else(|| not_found("Cette demande"))
}
