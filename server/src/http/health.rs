//! `GET /api/v1/health`: 200 when the database answers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use app::api::{ErrorBody, ErrorCode, Health};

use super::error::ApiError;
use crate::AppContext;

#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    responses(
        (status = 200, description = "Le service et sa base de données répondent", body = Health),
        (status = 503, description = "La base de données ne répond pas", body = ErrorBody)
    )
)]
pub async fn health(State(ctx): State<AppContext>) -> Result<Json<Health>, ApiError> {
    match ctx.db.ping().await {
        Ok(()) => Ok(Json(Health {
            status: "ok".into(),
            database: ctx.db.backend.name().into(),
        })),
        Err(error) => {
            tracing::error!(%error, "database does not answer");
            Err(ApiError::client(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::DatabaseUnavailable,
                "La base de données ne répond pas.",
            ))
        }
    }
}
