//! `GET /api/v1/sirene/{siren}`: what the company register says of a SIREN.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use app::api::{CompanyLookup, CompanyState, ErrorBody};
use app::domain::{Siren, company};

use super::error::ApiError;
use crate::AppContext;
use crate::sirene::UnitState;

#[utoipa::path(
    get,
    path = "/sirene/{siren}",
    tag = "sirene",
    params(("siren" = String, Path, description = "Le code SIREN, 9 chiffres", example = "356000000")),
    responses(
        (status = 200, description = "L'unité légale, active ou cessée", body = CompanyLookup),
        (status = 400, description = "`invalid_siren` : pas un SIREN", body = ErrorBody),
        (status = 404, description = "`unknown_siren` : inconnu du répertoire", body = ErrorBody),
        (status = 503, description = "`register_unavailable` : le répertoire ne répond pas", body = ErrorBody)
    )
)]
pub async fn lookup(
    State(ctx): State<AppContext>,
    Path(siren): Path<String>,
) -> Result<Json<CompanyLookup>, ApiError> {
    let siren = Siren::parse(&siren)
        .map_err(|e| ApiError::client(StatusCode::BAD_REQUEST, "invalid_siren", e.to_string()))?;
    match ctx.register.lookup(siren.as_str()).await {
        Ok(Some(found)) => Ok(Json(CompanyLookup {
            siren: found.siren,
            company_name: found.name,
            state: match found.state {
                UnitState::Active => CompanyState::Active,
                UnitState::Ceased => CompanyState::Ceased,
            },
            legal_category: found.legal_category,
            diffusible: found.diffusible,
        })),
        Ok(None) => Err(ApiError::client(
            StatusCode::NOT_FOUND,
            "unknown_siren",
            company::UNKNOWN_SIREN,
        )),
        Err(unavailable) => {
            tracing::warn!(error = %unavailable, "company register unavailable");
            Err(ApiError::client(
                StatusCode::SERVICE_UNAVAILABLE,
                "register_unavailable",
                "Le répertoire SIRENE ne répond pas pour le moment.",
            ))
        }
    }
}
