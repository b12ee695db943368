//! `GET /api/v1/legal`: what the mandatory pages say of this installation (publisher, host, contacts,
//! retention periods), for a page the browser shows without asking the server to render it.

use axum::Json;
use axum::extract::State;

use app::api::LegalInfo;

use crate::AppContext;

#[utoipa::path(
    get,
    path = "/legal",
    tag = "health",
    responses((status = 200, description = "L'éditeur, l'hébergeur, les contacts et les durées de conservation des données", body = LegalInfo))
)]
pub async fn legal(State(ctx): State<AppContext>) -> Json<LegalInfo> {
    Json(ctx.config.legal.clone())
}
