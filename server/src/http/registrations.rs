//! `POST /api/v1/registrations`: an organisation asks for an API account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use app::api::{ErrorBody, LinkToken, RegistrationReceived, RegistrationRequest};

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
        (status = 202, description = "Demande reçue : un mail suit (l'accusé de réception avec la référence, ou, si l'adresse a déjà un compte ou une demande en cours, ce qu'il faut faire). La réponse est la même dans tous les cas, pour ne rien dire d'une adresse à qui ne la possède pas", body = RegistrationReceived),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
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
) -> Result<(StatusCode, Json<RegistrationReceived>), ApiError> {
    match registration::submit(&ctx, &request, &address).await {
        Ok(_) => Ok((
            StatusCode::ACCEPTED,
            Json(RegistrationReceived {
                email: request.email.trim().to_string(),
            }),
        )),
        Err(SubmitError::Validation(errors)) => Err(ApiError::Validation(errors)),
        Err(SubmitError::Flooded(refused)) => {
            tracing::warn!(scope = ?refused.scope, "flood limit reached: request not stored");
            Err(ApiError::from(refused))
        }
        Err(SubmitError::Internal(error)) => Err(ApiError::Internal(error)),
    }
}

#[utoipa::path(
    post,
    path = "/registrations/reprise",
    tag = "registrations",
    request_body = LinkToken,
    responses(
        (status = 200, description = "Les informations de la demande refusée, pour préremplir le formulaire (le lien signé du mail de refus, `#reprise=…`)", body = RegistrationRequest),
        (status = 404, description = "`link_unknown`", body = ErrorBody),
        (status = 410, description = "`link_expired`", body = ErrorBody)
    )
)]
pub async fn prefill(
    State(ctx): State<AppContext>,
    ApiJson(body): ApiJson<LinkToken>,
) -> Result<Json<RegistrationRequest>, ApiError> {
    use crate::registration::prefill::{self, PrefillError};
    prefill::prefill(&ctx, &body.token)
        .await
        .map(Json)
        .map_err(|error| match error {
            PrefillError::Link(error) => super::error::link_error(
                error,
                [
                    "Ce lien n'est pas valide : remplissez à nouveau le formulaire.",
                    "Ce lien a expiré : remplissez à nouveau le formulaire.",
                ],
            ),
            PrefillError::Internal(error) => ApiError::Internal(error),
        })
}
