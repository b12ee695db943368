//! `/admin/audit`: the audit trail.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use app::api::ErrorBody;
use app::api::admin::AuditEntry;

use super::super::auth::AdminUser;
use super::super::error::ApiError;
use super::super::json::ApiQuery;
use super::internal;
use crate::AppContext;
use crate::audit::{self, Target};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Entries older than this id.
    before: Option<i64>,
    /// Only the entries of one request.
    registration: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/admin/audit",
    tag = "admin",
    params(AuditParams),
    responses(
        (status = 200, description = "Le journal : décisions, connexions, changements d'administrateurs (100 par page)", body = [AuditEntry]),
        (status = 401, description = "`unauthenticated`", body = ErrorBody)
    )
)]
pub async fn audit_list(
    State(ctx): State<AppContext>,
    _user: AdminUser,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    audit::list(
        &ctx.db,
        params.registration.map(Target::registration),
        params.before,
        100,
    )
    .await
    .map(Json)
    .map_err(internal)
}
