//! `/admin/refusal-reasons`: the ready-made reasons of a refusal.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use app::api::admin::RefusalReason;
use app::api::{ErrorBody, ErrorCode};

use super::super::auth::AdminUser;
use super::super::error::ApiError;
use super::super::json::ApiJson;
use super::internal;
use crate::AppContext;
use crate::admins::Role;
use crate::audit;
use crate::review::decide;

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
    decide::reasons(&ctx, user.principal.role == Role::Admin)
        .await
        .map(Json)
        .map_err(ApiError::Internal)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReasonUpdate {
    label: String,
    body: String,
    active: bool,
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
    let invalid =
        |m: &str| ApiError::client(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation, m);
    let code_ok = (2..=60).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !code_ok {
        return Err(invalid(
            "Le code d'un motif fait 2 à 60 caractères : lettres minuscules, chiffres, tirets bas.",
        ));
    }
    let (label, text) = (body.label.trim(), body.body.trim());
    if label.is_empty() || label.chars().count() > 100 {
        return Err(invalid(
            "Le libellé est obligatoire (100 caractères au plus).",
        ));
    }
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(invalid(
            "Le texte lu par le demandeur est obligatoire (1000 caractères au plus).",
        ));
    }
    let now = crate::store::now_ms();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query(
        "INSERT INTO refusal_reasons (code, label, body, position, active, updated_at)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM refusal_reasons), $4, $5)
         ON CONFLICT (code) DO UPDATE SET label = $2, body = $3, active = $4, updated_at = $5",
    )
    .bind(&code)
    .bind(label)
    .bind(text)
    .bind(i64::from(body.active))
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    audit::record(
        &mut tx,
        &user.actor(),
        "refusal_reason.saved",
        None,
        serde_json::json!({ "code": code, "label": label, "body": text, "active": body.active }),
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(Json(RefusalReason {
        code,
        label: label.to_string(),
        body: text.to_string(),
        active: body.active,
    }))
}
