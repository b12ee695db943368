//! The second generation of Géo'DAE's API, as its clients call it: the catalogue of the national base (PRODIGE),
//! where the defibrillators are the layer `8777a504-6c3e-4abe-8100-60bb58767faa`. Read side only: a token by
//! `POST /api/jwt_login` (or a `PHPSESSID` session by `POST /api/login` with `Basic`, see [`super::dae::login`]),
//! then `GET /api/data/{layer}` as a GeoJSON FeatureCollection. Writing belongs to the declarants, not to API
//! accounts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::api::{ErrorBody, ErrorCode};

use super::auth::ClientAddress;
use super::dae::{DataClient, Login, issue_token, records};
use super::error::ApiError;
use super::json::{ApiJson, ApiQuery};
use crate::AppContext;
use crate::accounts::tokens;
use crate::dae::filter::{Filter, Op, Value};
use crate::dae::list::RawListQuery;
use crate::dae::stream::Layout;
use crate::dae::{find_field, geojson};

/// The defibrillators' layer in the catalogue.
pub const LAYER: &str = "8777a504-6c3e-4abe-8100-60bb58767faa";

/// The catalogue's token answer.
#[derive(Serialize, ToSchema)]
pub struct JwtToken {
    /// The token, for `Authorization: Bearer <jeton>`, valid 30 minutes.
    pub access_token: String,
    #[schema(example = "bearer")]
    pub token_type: &'static str,
    /// The same token, under the name older clients of the catalogue read.
    pub token: String,
    /// Seconds the token is valid.
    #[schema(example = 1800)]
    pub expires_in: i64,
}

#[utoipa::path(
    post,
    path = "/api/jwt_login",
    tag = "dae",
    request_body = Login,
    responses(
        (status = 200, description = "Un jeton valable 30 minutes (`access_token`, aussi sous le nom `token`), à envoyer dans `Authorization: Bearer <jeton>`", body = JwtToken),
        (status = 401, description = "`invalid_credentials` (aussi pour un compte désactivé ou sans mot de passe)", body = ErrorBody),
        (status = 429, description = "`rate_limited`, avec `Retry-After`", body = ErrorBody)
    )
)]
pub async fn jwt_login(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<Login>,
) -> Result<Json<JwtToken>, ApiError> {
    let token = issue_token(&ctx, &address, &body.username, &body.password).await?;
    Ok(Json(JwtToken {
        access_token: token.clone(),
        token_type: "bearer",
        token,
        expires_in: tokens::LIFE_MS / 1000,
    }))
}

/// The parameters of the layer's read call, as sent (others are ignored).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LayerQuery {
    /// Records to skip (0 by default).
    #[param(value_type = Option<u64>, example = 0)]
    offset: Option<String>,
    /// Records of the page (20 by default), without ceiling: the end is the first short page.
    #[param(value_type = Option<u64>, example = 100)]
    limit: Option<String>,
    /// A condition, in the grammar of `GET /api/dae`.
    #[serde(rename = "_where")]
    #[param(rename = "_where", example = "eq(com_nom,Luceau)")]
    filter: Option<String>,
    /// One record, by its identifier.
    #[param(value_type = Option<i64>, example = 11161)]
    gid: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/data/{layer}",
    tag = "dae",
    params(("layer" = String, Path, description = "La couche : `8777a504-6c3e-4abe-8100-60bb58767faa` (les défibrillateurs)"), LayerQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Une FeatureCollection GeoJSON (`crs` CRS84) : chaque défibrillateur une Feature, sa géométrie un MultiPoint `[[longitude, latitude]]`, ses `properties` les champs publics de schema-dae, dans l'ordre des identifiants. La dernière page est la première page incomplète", content_type = "application/geo+json"),
        (status = 400, description = "`invalid_query` : le paramètre fautif et ce qu'il attend", body = ErrorBody),
        (status = 401, description = "`unauthenticated` : jeton ou session absent, expiré ou révoqué", body = ErrorBody),
        (status = 404, description = "`not_found` : une autre couche que celle des défibrillateurs", body = ErrorBody),
        (status = 429, description = "`rate_limited` : le compte dépasse son débit, ou une lecture de plus de 1000 défibrillateurs de ce compte est déjà en cours ; avec `Retry-After`", body = ErrorBody)
    )
)]
pub async fn layer_data(
    State(ctx): State<AppContext>,
    client: DataClient,
    Path(layer): Path<String>,
    ApiQuery(raw): ApiQuery<LayerQuery>,
) -> Result<Response, ApiError> {
    known_layer(&layer)?;
    let mut query = RawListQuery {
        offset: raw.offset,
        limit: raw.limit,
        sort_by: None,
        filter: raw.filter,
    }
    .check()
    .map_err(invalid_query)?;
    if let Some(text) = raw.gid.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let gid = text.parse::<i64>().map_err(|_| {
            invalid_query(format!(
                "Le paramètre gid doit être un identifiant (nombre entier) ; « {text} » ne convient pas."
            ))
        })?;
        let one = Filter::Compare(
            find_field("gid").expect("gid is public"),
            Op::Eq,
            Value::Integer(gid),
        );
        query.filter = Some(match query.filter.take() {
            Some(filter) => Filter::And(vec![filter, one]),
            None => one,
        });
    }
    records(&ctx, &client, query, LAYER_GEOJSON, "application/geo+json").await
}

#[utoipa::path(
    method(post, patch, put, delete),
    path = "/api/data/{layer}",
    tag = "dae",
    params(("layer" = String, Path, description = "La couche")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 401, description = "`unauthenticated` : jeton ou session absent, expiré ou révoqué", body = ErrorBody),
        (status = 403, description = "`forbidden` : un compte API lit les données ; les déclarer ou les modifier revient aux exploitants, sur Géo'DAE", body = ErrorBody),
        (status = 404, description = "`not_found` : une autre couche que celle des défibrillateurs", body = ErrorBody),
        (status = 429, description = "`rate_limited` : le compte dépasse son débit, avec `Retry-After`", body = ErrorBody)
    )
)]
pub async fn layer_write(
    _client: DataClient,
    Path(layer): Path<String>,
) -> Result<Response, ApiError> {
    known_layer(&layer)?;
    Err(ApiError::client(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        "Ce compte API donne accès aux données en lecture seule : déclarer ou modifier un défibrillateur revient à son exploitant, depuis son compte exploitant sur Géo'DAE.",
    ))
}

fn known_layer(layer: &str) -> Result<(), ApiError> {
    if layer == LAYER {
        Ok(())
    } else {
        Err(ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!(
                "La couche « {layer} » n'existe pas : les défibrillateurs sont la couche {LAYER}."
            ),
        ))
    }
}

fn invalid_query(message: String) -> ApiError {
    ApiError::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery, message)
}

/// How the catalogue writes the layer: a FeatureCollection with its `crs`, each record a MultiPoint feature.
const LAYER_GEOJSON: Layout = Layout {
    open: br#"{"type":"FeatureCollection","name":"dae","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":["#,
    between: b",",
    close: b"]}",
    item: geojson::multipoint_feature,
};
