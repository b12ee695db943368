//! `POST /api/v1/registrations`: an organisation asks for an API account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use app::api::admin::RequestStatus;
use app::api::{ErrorBody, ErrorCode, RegistrationCreated, RegistrationRequest};
use app::domain::{Field, FieldErrors};

use super::auth::ClientAddress;
use super::error::ApiError;
use super::json::ApiJson;
use crate::AppContext;
use crate::registration::{self, SubmitError};

#[utoipa::path(
    post,
    path = "/registrations",
    tag = "registrations",
    request_body = RegistrationRequest,
    responses(
        (status = 201, description = "Demande enregistrée, accusé de réception envoyé", body = RegistrationCreated),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 409, description = "`already_pending` ou `already_registered`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`validation` : toutes les erreurs par champ", body = ErrorBody),
        (status = 429, description = "`rate_limited` : trop de demandes depuis cette adresse ou pour le service, réessayer après `Retry-After` secondes", body = ErrorBody)
    )
)]
pub async fn create(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    ApiJson(request): ApiJson<RegistrationRequest>,
) -> Result<(StatusCode, Json<RegistrationCreated>), ApiError> {
    match registration::submit(&ctx, &request, &address).await {
        Ok(submitted) => Ok((
            StatusCode::CREATED,
            Json(RegistrationCreated {
                id: submitted.id,
                reference: submitted.reference,
                status: RequestStatus::Pending,
            }),
        )),
        Err(SubmitError::Validation(errors)) => Err(ApiError::Validation(errors)),
        Err(SubmitError::AlreadyPending) => Err(conflict(
            ErrorCode::AlreadyPending,
            "Une demande est déjà en attente pour cette adresse email : vous recevrez la réponse des administrateurs par mail.",
        )),
        Err(SubmitError::AlreadyRegistered) => Err(conflict(
            ErrorCode::AlreadyRegistered,
            "Un compte existe déjà pour cette adresse email : connectez-vous avec vos identifiants.",
        )),
        Err(SubmitError::Flooded(refused)) => {
            tracing::warn!(scope = ?refused.scope, "flood limit reached: request not stored");
            Err(ApiError::from(refused))
        }
        Err(SubmitError::Internal(error)) => Err(ApiError::Internal(error)),
    }
}

fn conflict(code: ErrorCode, message: &str) -> ApiError {
    let mut fields = FieldErrors::default();
    fields.insert(Field::Email, message);
    ApiError::Conflict(code, message.to_string(), fields)
}

#[utoipa::path(
    get,
    path = "/registrations/reprise/{link}",
    tag = "registrations",
    params(("link" = String, Path, description = "Le lien signé du mail de refus (paramètre `reprise`)")),
    responses(
        (status = 200, description = "Les informations de la demande refusée, pour préremplir le formulaire", body = RegistrationRequest),
        (status = 404, description = "`link_unknown`", body = ErrorBody),
        (status = 410, description = "`link_expired`", body = ErrorBody)
    )
)]
pub async fn prefill(
    State(ctx): State<AppContext>,
    axum::extract::Path(link): axum::extract::Path<String>,
) -> Result<Json<RegistrationRequest>, ApiError> {
    use crate::registration::prefill::{self, PrefillError};
    match prefill::prefill(&ctx, &link).await? {
        Ok(request) => Ok(Json(request)),
        Err(PrefillError::Expired) => Err(ApiError::client(
            StatusCode::GONE,
            ErrorCode::LinkExpired,
            "Ce lien a expiré : remplissez à nouveau le formulaire.",
        )),
        Err(PrefillError::Unknown) => Err(ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::LinkUnknown,
            "Ce lien n'est pas valide : remplissez à nouveau le formulaire.",
        )),
    }
}
