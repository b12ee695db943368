//! The data API of an API account, compatible with Géo'DAE's, so that an existing client works unchanged:
//! `POST /api/login` exchanges the identifiant (or email) and password for a bearer token valid 30 minutes, and
//! `GET /api/dae` lists the defibrillators with that token.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, MissingJsonContentType};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::api::{ErrorBody, ErrorCode};

use super::auth::ClientAddress;
use super::error::ApiError;
use super::json::{self, ApiQuery};
use crate::AppContext;
use crate::accounts::tokens;
use crate::auth::sign_in;
use crate::dae::export::{self, Busy, Permit};
use crate::dae::list::{ListQuery, RawListQuery};
use crate::dae::search::{self, SearchQuery};
use crate::dae::stream::{self, Layout};
use crate::principal::Kind;

/// The credentials of an API account.
#[derive(Deserialize, ToSchema)]
pub struct Login {
    /// The identifiant of the account, or its email address.
    #[schema(example = "dupont-marie")]
    pub username: String,
    pub password: String,
}

/// A bearer token for `Authorization: Bearer …`, valid 30 minutes.
#[derive(Serialize, ToSchema)]
pub struct Token {
    pub token: String,
}

#[utoipa::path(
    post,
    path = "/api/login",
    tag = "dae",
    request_body(content = Login, description = "Les identifiants en JSON (première génération de l'API de Géo'DAE). Sans corps, avec l'en-tête `Authorization: Basic` (identifiant:mot de passe), c'est la connexion du catalogue (deuxième génération) : réponse 200 et cookie de session `PHPSESSID` valable 30 minutes, accepté par les appels de données à la place du jeton. Un en-tête `Authorization` envoyé avec le corps JSON (un ancien jeton) est sans effet."),
    responses(
        (status = 200, description = "Connexion du catalogue (sans corps, `Authorization: Basic`) : cookie `PHPSESSID` valable 30 minutes", body = Session),
        (status = 201, description = "Un jeton valable 30 minutes, à envoyer dans `Authorization: Bearer <jeton>`", body = Token),
        (status = 401, description = "`invalid_credentials` (aussi pour un compte désactivé ou sans mot de passe)", body = ErrorBody),
        (status = 429, description = "`rate_limited`, avec `Retry-After`", body = ErrorBody)
    )
)]
pub async fn login(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| ApiError::from(JsonRejection::from(e)))?;
    // The catalogue's form: no body, the credentials in `Authorization: Basic`.
    if body.iter().all(u8::is_ascii_whitespace)
        && let Some(basic) = basic_credentials(&headers)
    {
        let Some((username, password)) = basic else {
            return Err(ApiError::from(sign_in::SignInError::Invalid));
        };
        let token = issue_token(&ctx, &address, &username, &password).await?;
        let mut response = (
            StatusCode::OK,
            Json(Session {
                session: SESSION_COOKIE,
                expires_in: tokens::LIFE_MS / 1000,
            }),
        )
            .into_response();
        let cookie = format!(
            "{SESSION_COOKIE}={token}; Path=/api; HttpOnly; SameSite=Strict; Max-Age={}{}",
            tokens::LIFE_MS / 1000,
            if ctx.config.secure_cookies() {
                "; Secure"
            } else {
                ""
            }
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
        return Ok(response);
    }
    // The first generation's form: a JSON body (an `Authorization` header beside it changes nothing).
    if !json::is_json(&headers) {
        return Err(JsonRejection::from(MissingJsonContentType::default()).into());
    }
    let body: Login = json::decode(&body)?;
    let token = issue_token(&ctx, &address, &body.username, &body.password).await?;
    Ok((StatusCode::CREATED, Json(Token { token })).into_response())
}

/// The name of the catalogue's session cookie, which its clients look for.
pub const SESSION_COOKIE: &str = "PHPSESSID";

/// The answer of the catalogue's login: the cookie's name and life, in seconds (the secret is in the cookie).
#[derive(Serialize, ToSchema)]
pub struct Session {
    #[schema(example = "PHPSESSID")]
    pub session: &'static str,
    #[schema(example = 1800)]
    pub expires_in: i64,
}

/// The credentials of `Authorization: Basic …`: `None` without that header, `Some(None)` when it cannot be read.
fn basic_credentials(headers: &HeaderMap) -> Option<Option<(String, String)>> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    Some(
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| {
                text.split_once(':')
                    .map(|(user, password)| (user.to_string(), password.to_string()))
            }),
    )
}

/// The account sign-in (same flood limit and throttling, same cost for an unknown login, same audit trail as
/// the site's), then a token valid 30 minutes.
pub async fn issue_token(
    ctx: &AppContext,
    address: &str,
    username: &str,
    password: &str,
) -> Result<String, ApiError> {
    let account_id = sign_in::sign_in(
        &ctx.db,
        &ctx.config.flood,
        Kind::Account,
        username,
        password,
        address,
    )
    .await?;
    tokens::issue(&ctx.db, account_id)
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("cannot issue a token")))
}

/// The account of the request's bearer token.
pub struct DataClient {
    pub account_id: i64,
    pub login: String,
}

/// 401 with `WWW-Authenticate: Bearer` (RFC 6750), saying why.
fn unauthorized(token_sent: bool) -> Response {
    let (message, challenge) = if token_sent {
        (
            "Ce jeton n'est pas valable : il a expiré (30 minutes), ou le compte a été désactivé ou a changé de mot de passe. Demandez-en un nouveau par POST /api/login.",
            r#"Bearer realm="geodae", error="invalid_token""#,
        )
    } else {
        (
            "Un jeton est nécessaire : obtenez-le par POST /api/login, puis envoyez l'en-tête Authorization: Bearer <jeton>.",
            r#"Bearer realm="geodae""#,
        )
    };
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(ErrorBody::new(ErrorCode::Unauthenticated, message)),
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

impl FromRequestParts<AppContext> for DataClient {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &AppContext,
    ) -> Result<Self, Self::Rejection> {
        // `Bearer <token>`, or the token alone as the original's documentation page sends it; else the
        // catalogue's session cookie (a client of it may also repeat its `Basic` credentials, which are no token).
        let authorization = parts
            .headers
            .get(header::AUTHORIZATION)
            .map(|value| value.to_str().ok().map(str::trim).unwrap_or_default())
            .filter(|value| {
                !value
                    .split_once(' ')
                    .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
            });
        let cookie = super::auth::cookie(&parts.headers, SESSION_COOKIE);
        let token = match (authorization, cookie) {
            (Some(value), _) => match value.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                    Some(token.trim())
                }
                Some(_) => None,
                None => Some(value),
            },
            (None, Some(cookie)) => Some(cookie.trim()),
            (None, None) => return Err(unauthorized(false)),
        }
        .filter(|token| !token.is_empty());
        let Some(token) = token else {
            return Err(unauthorized(true));
        };
        match tokens::account_of(&ctx.db, token).await {
            Ok(Some((account_id, login))) => match ctx.usage.take(account_id) {
                Ok(()) => Ok(Self { account_id, login }),
                Err(wait) => Err(ApiError::TooMany(
                    wait,
                    format!(
                        "Ce compte dépasse {} appels par seconde (pointe de {}) : réessayez dans {}.",
                        ctx.config.api_rate.per_second,
                        ctx.config.api_rate.burst,
                        super::error::in_time(wait)
                    ),
                )
                .into_response()),
            },
            Ok(None) => Err(unauthorized(true)),
            Err(e) => Err(ApiError::Internal(
                anyhow::Error::new(e).context("cannot read the token"),
            )
            .into_response()),
        }
    }
}

/// The parameters of Géo'DAE's list call, for the documentation (they are read as text by `RawListQuery`, whose
/// errors name them).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListParams {
    /// Records to skip (0 by default).
    #[param(example = 0)]
    offset: Option<u32>,
    /// Records of the page (20 by default), without ceiling: a client may page with large limits and stop at the
    /// first short page. Beyond 1000 the answer is streamed as it is read, one such read at a time per account.
    #[param(example = 20)]
    limit: Option<u64>,
    /// `champ:asc` or `champ:desc`, several separated by commas; `gid` breaks ties. The names of the original's
    /// documentation are read too (`comNom` for `com_nom`, `latCoor1` for `lat_coor1`).
    #[param(example = "com_nom:asc")]
    sort_by: Option<String>,
    /// A condition: `eq, ne, lt, le, gt, ge, like, in, isnull`, combined by `and(…)` and `or(…)`; a value holding
    /// commas or parentheses goes between double quotes. As the original's documentation page wrote it, a leading
    /// `?_where=` and parentheses around the whole condition are read as the condition they carry. Parameters
    /// other than these four are ignored, as the original does.
    #[param(
        rename = "_where",
        example = "and(eq(com_nom,Nantes),eq(etat_fonct,En fonctionnement))"
    )]
    filter: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/dae",
    tag = "dae",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Les défibrillateurs de la page, avec les champs publics de schema-dae ; au-delà de 1000, envoyés au fil de la lecture (une connexion coupée en cours de route signale une réponse incomplète)", body = Vec<DaeRecord>),
        (status = 400, description = "`invalid_query` : le paramètre fautif et, pour `_where`, la position", body = ErrorBody),
        (status = 401, description = "`unauthenticated` : jeton absent, expiré ou révoqué (`WWW-Authenticate: Bearer`)", body = ErrorBody),
        (status = 429, description = "`rate_limited` : le compte dépasse son débit (10 appels par seconde, pointe de 20, par défaut), ou une lecture de plus de 1000 défibrillateurs de ce compte est déjà en cours ; avec `Retry-After`", body = ErrorBody)
    )
)]
pub async fn list_dae(
    State(ctx): State<AppContext>,
    client: DataClient,
    ApiQuery(raw): ApiQuery<RawListQuery>,
) -> Result<Response, ApiError> {
    let query = raw.check().map_err(|message| {
        ApiError::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery, message)
    })?;
    records(&ctx, &client, query, stream::ARRAY, "application/json").await
}

/// The answer holding the records of `query` written as `layout` says, streamed when longer than a page (then
/// under the limits of long reads: one at a time per account, a few for everyone).
pub async fn records(
    ctx: &AppContext,
    client: &DataClient,
    query: ListQuery,
    layout: Layout,
    content_type: &'static str,
) -> Result<Response, ApiError> {
    let permit = if query.limit > stream::PAGE {
        Some(long_read(ctx, client)?)
    } else {
        None
    };
    let body = stream::body(
        ctx.db.clone(),
        query,
        layout,
        permit,
        ctx.config.guards.stalled_write_timeout,
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("cannot list the DAE")))?;
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
}

/// A place for a long read of this account (an export, or records beyond a page), or 429 saying why not.
fn long_read(ctx: &AppContext, client: &DataClient) -> Result<Permit, ApiError> {
    ctx.exports.start(client.account_id).map_err(|busy| {
        let message = match busy {
            Busy::Account => {
                "Une lecture de ce compte de plus de 1 000 défibrillateurs (ou un export) est déjà en cours : attendez qu'elle se termine avant d'en demander une autre."
            }
            Busy::Everyone => {
                "Le service envoie déjà autant de longues lectures qu'il le peut : réessayez dans une minute, ou demandez moins de 1 000 défibrillateurs à la fois."
            }
        };
        ApiError::TooMany(EXPORT_RETRY_S, message.to_string())
    })
}

/// A defibrillator as the list call answers it: the public fields of `schema-dae` (absent values are `null`).
/// Documentation only: the answer is built from [`crate::dae::FIELDS`].
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct DaeRecord {
    pub gid: i64,
    pub nom: String,
    pub lat_coor1: f64,
    pub long_coor1: f64,
    pub adr_num: Option<String>,
    pub adr_voie: Option<String>,
    pub com_cp: Option<String>,
    pub com_insee: Option<String>,
    pub com_nom: Option<String>,
    pub acc: Option<String>,
    pub acc_lib: Option<bool>,
    pub acc_pcsec: Option<bool>,
    pub acc_acc: Option<bool>,
    pub acc_etg: Option<String>,
    pub acc_complt: Option<String>,
    pub photo1: Option<String>,
    pub photo2: Option<String>,
    /// Days of availability, as `schema-dae` lists them (`7j/7`, `lundi`…, `jours fériés`, `événements`, or
    /// `non renseigné` alone); derived from `dispo_horaires` when only that is known.
    #[schema(example = json!(["lundi", "mardi"]))]
    pub disp_j: Option<Vec<String>>,
    /// Hours of availability (`heures ouvrables`, `heures de nuit`, `24h/24`, or `non renseigné` alone).
    #[schema(example = json!(["24h/24"]))]
    pub disp_h: Option<Vec<String>>,
    /// OpenStreetMap `opening_hours` (`24/7`, `Mo-Fr 08:00-18:00`); derived from `disp_j` and `disp_h` when
    /// they say it exactly.
    pub dispo_horaires: Option<String>,
    pub disp_complt: Option<String>,
    #[schema(format = Date)]
    pub date_instal: Option<String>,
    pub etat_fonct: Option<String>,
    pub lc_ped: Option<bool>,
    #[schema(format = Date)]
    pub dtpr_lcped: Option<String>,
    #[schema(format = Date)]
    pub dtpr_lcad: Option<String>,
    #[schema(format = Date)]
    pub dtpr_bat: Option<String>,
    pub freq_mnt: Option<String>,
    pub dispsurv: Option<bool>,
    #[schema(format = Date)]
    pub dermnt: Option<String>,
    #[schema(format = Date)]
    pub maj_don: Option<String>,
    pub expt_siren: Option<String>,
    pub expt_siret: Option<String>,
    pub expt_rais: Option<String>,
    pub etat: Option<String>,
    pub etat_valid: Option<String>,
    pub dae_mobile: Option<bool>,
    /// With `near` (modern read call only): the distance to the point, in metres.
    pub distance_m: Option<f64>,
}

/// A page of the modern read call: the records and the cursor of the next page.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct DaePage {
    /// The records, with `distance_m` (metres) when `near` is given.
    pub records: Vec<DaeRecord>,
    /// The `after` of the next page; `null` on the last one.
    pub next: Option<String>,
}

/// The parameters of the modern read call, for the documentation (read as text, whose errors name them).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct SearchParams {
    /// A condition in the grammar of `GET /api/dae` (`and`, `or`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `like`,
    /// `in`, `isnull`). Any public field may also be given as a parameter of its own, for an equality
    /// (`com_nom=Luceau&acc_lib=true`).
    #[param(rename = "_where", example = "eq(etat_fonct,En fonctionnement)")]
    filter: Option<String>,
    /// A box: west,south,east,north in degrees (WGS84).
    #[param(example = "0.30,47.60,0.60,47.80")]
    bbox: Option<String>,
    /// latitude,longitude: the nearest records first, within `radius`, each with `distance_m`.
    #[param(example = "47.7163,0.39855")]
    near: Option<String>,
    /// With `near`: metres, at most 50,000 (5,000 by default).
    #[param(example = 5000)]
    radius: Option<f64>,
    /// The `next` of the previous page.
    after: Option<String>,
    /// Records of the page, 1 to 1000 (20 by default).
    #[param(example = 20)]
    limit: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/dae",
    tag = "dae",
    params(SearchParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Une page de défibrillateurs ; avec `Accept: application/geo+json`, une FeatureCollection GeoJSON (RFC 7946 : points WGS84, longitude d'abord) dont `next` est un membre étranger", body = DaePage,
            example = json!({"records": [{"gid": 11161, "nom": "DAE", "lat_coor1": 47.7163, "long_coor1": 0.39855, "com_nom": "Luceau", "acc": "Intérieur", "acc_lib": true, "etat_fonct": "En fonctionnement", "distance_m": 0.0}], "next": "0_11161"})),
        (status = 400, description = "`invalid_query` : le paramètre fautif et ce qu'il attend", body = ErrorBody),
        (status = 401, description = "`unauthenticated` : jeton absent, expiré ou révoqué (`WWW-Authenticate: Bearer`)", body = ErrorBody),
        (status = 429, description = "`rate_limited` : le compte dépasse son débit, avec `Retry-After`", body = ErrorBody)
    )
)]
pub async fn search_dae(
    State(ctx): State<AppContext>,
    _client: DataClient,
    headers: axum::http::HeaderMap,
    ApiQuery(params): ApiQuery<std::collections::HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let query = SearchQuery::parse(&params).map_err(|message| {
        ApiError::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery, message)
    })?;
    let page = search::search(&ctx.db, &query)
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("cannot read the DAE")))?;
    let geo = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("application/geo+json"));
    if geo {
        let mut response = Json(crate::dae::geojson::geojson(page)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json"),
        );
        Ok(response)
    } else {
        Ok(Json(serde_json::json!({ "records": page.records, "next": page.next })).into_response())
    }
}

#[utoipa::path(
    get,
    path = "/dae/export",
    tag = "dae",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Tous les défibrillateurs, en GeoJSON (FeatureCollection, un objet par ligne), envoyés au fil de la lecture : la réponse commence aussitôt, et le serveur n'en garde jamais l'ensemble en mémoire. Un client qui ne lit plus rien pendant 30 secondes est déconnecté", content_type = "application/geo+json"),
        (status = 401, description = "`unauthenticated` : jeton absent, expiré ou révoqué (`WWW-Authenticate: Bearer`)", body = ErrorBody),
        (status = 429, description = "`rate_limited` : le compte dépasse son débit, un export de ce compte est déjà en cours, ou le service envoie déjà autant d'exports qu'il le peut ; avec `Retry-After`", body = ErrorBody)
    )
)]
pub async fn export_dae(
    State(ctx): State<AppContext>,
    client: DataClient,
) -> Result<Response, ApiError> {
    let permit = long_read(&ctx, &client)?;
    let body = export::body(
        ctx.db.clone(),
        permit,
        ctx.config.guards.stalled_write_timeout,
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("cannot export the DAE")))?;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(response)
}

/// `Retry-After` of an export refused because others are streaming.
const EXPORT_RETRY_S: i64 = 60;
