//! `GET /api/v1/sirene/{siren}`: what the company register says of a SIREN; `GET /api/v1/sirene?q=`: the units
//! whose name matches.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use app::api::{CompanyLookup, CompanyMatch, CompanySearch, CompanyState, ErrorBody, ErrorCode};
use app::domain::{Siren, company};

use super::auth::ClientAddress;
use super::error::ApiError;
use super::json::ApiQuery;
use crate::AppContext;
use crate::sirene::UnitState;

#[utoipa::path(
    get,
    path = "/sirene/{siren}",
    tag = "sirene",
    params(("siren" = String, Path, description = "Le code SIREN, 9 chiffres (dont la clé de contrôle, vérifiée : `invalid_siren` sinon)", example = "356000000", pattern = "^[0-9]{9}$")),
    responses(
        (status = 200, description = "L'unité légale, active ou cessée", body = CompanyLookup),
        (status = 400, description = "`invalid_siren` : pas un SIREN", body = ErrorBody),
        (status = 404, description = "`unknown_siren` : inconnu du répertoire", body = ErrorBody),
        (status = 429, description = "`rate_limited` : trop de recherches depuis cette adresse, réessayer après `Retry-After` secondes", body = ErrorBody),
        (status = 503, description = "`register_unavailable` : le répertoire ne répond pas", body = ErrorBody)
    )
)]
pub async fn lookup(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    Path(siren): Path<String>,
) -> Result<Json<CompanyLookup>, ApiError> {
    limited(&ctx, &address)?;
    let siren = Siren::parse(&siren).map_err(|e| {
        ApiError::client(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidSiren,
            e.to_string(),
        )
    })?;
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
            ErrorCode::UnknownSiren,
            company::UNKNOWN_SIREN,
        )),
        Err(unavailable) => Err(register_unavailable(&unavailable)),
    }
}

/// 429 past the lookups allowed to one client address (`GEODAE_SIRENE_RATE`, `GEODAE_SIRENE_BURST`): the
/// online registers' quota is shared by every applicant, so one client must not spend it.
fn limited(ctx: &AppContext, address: &str) -> Result<(), ApiError> {
    ctx.lookups
        .take(crate::flood::address_key(address))
        .map_err(|seconds| {
            tracing::warn!("SIRENE lookups limit reached");
            ApiError::TooMany(
                seconds,
                format!(
                    "Trop de recherches dans le répertoire SIRENE depuis votre connexion : réessayez dans {}.",
                    super::error::in_time(seconds)
                ),
            )
        })
}

/// 503: no source of the register could answer (the cause is logged, not sent).
fn register_unavailable(cause: &crate::sirene::RegisterUnavailable) -> ApiError {
    tracing::warn!(error = %cause, "company register unavailable");
    ApiError::client(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::RegisterUnavailable,
        "Le répertoire SIRENE ne répond pas pour le moment.",
    )
}

/// The most results a search returns.
const MAX_RESULTS: usize = 20;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// Des mots du nom (au moins 3 lettres ou chiffres : `invalid_query` sinon) ; casse et accents indifférents.
    #[param(required = true, min_length = 3)]
    q: Option<String>,
    /// Nombre de résultats, de 1 à 20 (10 par défaut).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 20)]
    limit: Option<String>,
}

#[utoipa::path(
    get,
    path = "/sirene",
    tag = "sirene",
    params(SearchParams),
    responses(
        (status = 200, description = "Les unités actives et diffusibles dont le nom contient ces mots : mots entiers d'abord, puis débuts de mots ; les noms les plus courts d'abord", body = CompanySearch),
        (status = 400, description = "`invalid_query` : moins de 3 caractères, ou `limit` hors de 1 à 20", body = ErrorBody),
        (status = 429, description = "`rate_limited` : trop de recherches depuis cette adresse, réessayer après `Retry-After` secondes", body = ErrorBody),
        (status = 503, description = "`register_unavailable` : le répertoire ne répond pas", body = ErrorBody)
    )
)]
pub async fn search(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<CompanySearch>, ApiError> {
    limited(&ctx, &address)?;
    let invalid =
        |message: &str| ApiError::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery, message);
    let query = params.q.unwrap_or_default();
    let letters = crate::sirene::search::fold(&query)
        .replace(' ', "")
        .chars()
        .count();
    if letters < crate::sirene::search::MIN_QUERY_CHARS {
        return Err(invalid(
            "Saisissez au moins 3 lettres ou chiffres du nom de la structure.",
        ));
    }
    let limit = match params.limit.as_deref().map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if (1..=MAX_RESULTS).contains(&n) => n,
        Some(_) => {
            return Err(invalid(
                "Le nombre de résultats (limit) doit être compris entre 1 et 20.",
            ));
        }
    };
    match ctx.directory.search(&query, limit).await {
        Ok(hits) => Ok(Json(CompanySearch {
            results: hits
                .into_iter()
                .filter_map(|hit| {
                    Some(CompanyMatch {
                        siren: format!("{:09}", hit.siren),
                        company_name: hit.name?,
                        legal_category: hit.legal_category,
                    })
                })
                .collect(),
        })),
        Err(unavailable) => Err(register_unavailable(&unavailable)),
    }
}
