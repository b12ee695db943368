//! Following a request without an account (`/api/v1/follow`): the follow page's data, withdrawal, and a new
//! link by email. The link's key travels in the body, never in the address.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use app::api::follow::{Completion, FollowKey, FollowView, LostFollowLink};
use app::api::{ErrorBody, ErrorCode};

use super::auth::{ClientAddress, same_origin};
use super::error::ApiError;
use super::json::ApiJson;
use crate::AppContext;
use crate::registration::follow::{self, FollowError};

impl From<FollowError> for ApiError {
    fn from(error: FollowError) -> Self {
        match error {
            FollowError::Unknown => ApiError::client(
                StatusCode::NOT_FOUND,
                ErrorCode::LinkUnknown,
                "Ce lien de suivi n'est pas valide : vérifiez qu'il a été copié en entier, ou recevez-en un nouveau par mail avec « J'ai perdu le lien ». Une demande dont les données ont été effacées (durée de conservation écoulée) ne peut plus être suivie.",
            ),
            FollowError::Closed(status) if status.is_open() => ApiError::client(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyDecided,
                format!(
                    "Cette demande n'attend pas de complément : son statut est « {} ».",
                    status.label()
                ),
            ),
            FollowError::Closed(status) => ApiError::client(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyDecided,
                format!(
                    "Cette demande n'est plus en cours : son statut est « {} ».",
                    status.label()
                ),
            ),
            FollowError::Validation(errors) => ApiError::Validation(errors),
            FollowError::Invalid(message) => ApiError::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::Validation,
                message,
            ),
            FollowError::Flooded(refused) => ApiError::from(refused),
            FollowError::Internal(error) => ApiError::Internal(error),
        }
    }
}

#[utoipa::path(
    post,
    path = "/follow",
    tag = "registrations",
    request_body = FollowKey,
    responses(
        (status = 200, description = "La demande du lien de suivi : ce qui a été envoyé, son statut et ses étapes datées", body = FollowView),
        (status = 404, description = "`link_unknown` : aucun lien de suivi n'a cette clé (ou les données de la demande sont effacées)", body = ErrorBody)
    )
)]
pub async fn follow(
    State(ctx): State<AppContext>,
    ApiJson(body): ApiJson<FollowKey>,
) -> Result<Json<FollowView>, ApiError> {
    Ok(Json(follow::view(&ctx, &body.key).await?))
}

#[utoipa::path(
    post,
    path = "/follow/withdraw",
    tag = "registrations",
    request_body = FollowKey,
    responses(
        (status = 200, description = "La demande, retirée : elle sort de la file d'examen ; un mail le confirme", body = FollowView),
        (status = 404, description = "`link_unknown`", body = ErrorBody),
        (status = 409, description = "`already_decided` : la demande n'est plus en cours (validée, refusée, déjà retirée ou classée)", body = ErrorBody)
    )
)]
pub async fn withdraw(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<FollowKey>,
) -> Result<Json<FollowView>, ApiError> {
    same_origin(&ctx, &headers)?;
    Ok(Json(follow::withdraw(&ctx, &body.key, &address).await?))
}

#[utoipa::path(
    post,
    path = "/follow/lost",
    tag = "registrations",
    request_body = LostFollowLink,
    responses((status = 202, description = "Toujours, et aussitôt, qu'une demande ait été envoyée avec cette adresse ou non : un nouveau lien part ensuite s'il y en a une (quelques mails par heure au plus)"))
)]
pub async fn lost(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LostFollowLink>,
) -> Result<StatusCode, ApiError> {
    same_origin(&ctx, &headers)?;
    follow::lost(&ctx, body.email, &address).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(
    post,
    path = "/follow/complete",
    tag = "registrations",
    request_body = Completion,
    responses(
        (status = 200, description = "La demande, complétée : elle revient dans la file d'examen avec ce qui a changé et la réponse", body = FollowView),
        (status = 404, description = "`link_unknown`", body = ErrorBody),
        (status = 409, description = "`already_decided` : la demande n'attend pas de complément (déjà complétée, décidée, retirée ou classée)", body = ErrorBody),
        (status = 422, description = "`validation` : un champ à corriger (`fields`), une réponse trop longue, ou rien de changé ni de répondu", body = ErrorBody),
        (status = 429, description = "`rate_limited` : trop d'envois pour cette demande", body = ErrorBody)
    )
)]
pub async fn complete(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Completion>,
) -> Result<Json<FollowView>, ApiError> {
    same_origin(&ctx, &headers)?;
    Ok(Json(
        follow::complete(&ctx, &body.key, &body.request, &body.answer, &address).await?,
    ))
}
