//! Health: `GET /api/v1/health` (200 when the database answers), `/health/live` (the process answers: restart
//! it otherwise) and `/health/ready` (this instance can serve: database, migrations, mail; take it out of the
//! load balancer otherwise).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use app::api::{ErrorBody, ErrorCode, Health, Readiness};

use super::error::ApiError;
use crate::AppContext;
use crate::config::MailTransport;

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

#[utoipa::path(
    get,
    path = "/health/live",
    tag = "health",
    responses((status = 200, description = "Le processus répond", body = Health))
)]
pub async fn live(State(ctx): State<AppContext>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        database: ctx.db.backend.name().into(),
    })
}

#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "health",
    responses(
        (status = 200, description = "Prête : la base répond, ses migrations sont appliquées, l'envoi des mails est configuré", body = Readiness),
        (status = 503, description = "Pas prête : le détail dit quelle vérification échoue", body = Readiness)
    )
)]
pub async fn ready(State(ctx): State<AppContext>) -> (StatusCode, Json<Readiness>) {
    let database_answers = ctx.db.ping().await.is_ok();
    let (migrations_applied, migrations_known) = match ctx.db.migrations().await {
        Ok(counts) => counts,
        Err(error) => {
            tracing::warn!(%error, "cannot read the migrations");
            (0, 0)
        }
    };
    let (mail, mail_ready) = match &ctx.config.mail.transport {
        MailTransport::Smtp(smtp) => ("smtp", !smtp.host.trim().is_empty()),
        MailTransport::Files(folder) => (
            "files",
            std::fs::metadata(folder).is_ok_and(|m| m.is_dir() && !m.permissions().readonly()),
        ),
    };
    let ready = database_answers
        && migrations_known > 0
        && migrations_applied == migrations_known
        && mail_ready;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            status: if ready { "ready" } else { "not_ready" }.into(),
            database: ctx.db.backend.name().into(),
            database_answers,
            migrations_applied,
            migrations_known,
            mail: mail.into(),
            mail_ready,
        }),
    )
}
