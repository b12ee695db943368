//! Who is calling: the administrator or API account of the session cookie, checked against the CSRF token on
//! every state-changing request, the role a route needs, the client's address, and the same-origin check;
//! signing in and out, for every kind of principal.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};

use app::api::{Credentials, ErrorCode};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::AppContext;
use crate::accounts::Account;
use crate::admins::{Admin, Role};
use crate::audit::Actor;
use crate::auth::Principal;
use crate::auth::session::{self, Kind, Session};
use crate::auth::sign_in::{self, SignInError};
use crate::auth::token;
use crate::flood;

/// The header that must repeat the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The principal of the session cookie, its session and the client's address.
pub struct Signed<P> {
    pub principal: P,
    pub session: Session,
    pub address: String,
}

/// The signed-in administrator.
pub type AdminUser = Signed<Admin>;
/// The signed-in API account.
pub type AccountUser = Signed<Account>;

impl<P: Principal> Signed<P> {
    /// Who acts, for the audit trail.
    pub fn actor(&self) -> Actor {
        Actor::principal(
            P::KIND,
            self.principal.id(),
            self.principal.login(),
            Some(self.address.clone()),
        )
    }
}

impl AdminUser {
    /// 403 unless the administrator's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.principal.role >= role {
            Ok(())
        } else {
            Err(ApiError::client(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "Votre rôle ne permet pas cette action.",
            ))
        }
    }
}

pub fn unauthenticated() -> ApiError {
    ApiError::client(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
        "Votre session a expiré ou vous n'êtes pas connecté : connectez-vous.",
    )
}

fn csrf_refused() -> ApiError {
    ApiError::client(
        StatusCode::FORBIDDEN,
        ErrorCode::Csrf,
        "La requête ne vient pas de cette application (jeton CSRF absent ou invalide) : rechargez la page.",
    )
}

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address: the TCP peer, or, when a trusted proxy is configured, the last `X-Forwarded-For` hop:
/// the one the proxy appended. The hops before it are whatever the client wrote, so they never count (a client
/// sending its own `X-Forwarded-For` cannot pose as another address to escape the flood limits).
pub fn client_address(ctx: &AppContext, parts: &Parts) -> String {
    if ctx.config.trust_proxy
        && let Some(forwarded) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .filter(|hop| !hop.trim().is_empty())
    {
        return forwarded.trim().to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "inconnue".to_string(), |c| c.0.ip().to_string())
}

/// A browser sends `Origin` with every cross-site request that changes state: when present, it must be this
/// site (its host equal to the request's `Host`).
pub fn same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, host)| host.trim_end_matches('/'));
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (origin_host, host) {
        (Some(o), Some(h)) if o.eq_ignore_ascii_case(h) => Ok(()),
        _ => Err(csrf_refused()),
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl<P: Principal> FromRequestParts<AppContext> for Signed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &AppContext,
    ) -> Result<Self, Self::Rejection> {
        let secret = cookie(&parts.headers, P::KIND.cookie()).ok_or_else(unauthenticated)?;
        let session = session::find(&ctx.db, P::KIND, secret)
            .await
            .map_err(|e| {
                ApiError::Internal(anyhow::Error::new(e).context("cannot read the session"))
            })?
            .ok_or_else(unauthenticated)?;
        let principal = P::load(&ctx.db, session.subject_id)
            .await
            .map_err(|e| {
                ApiError::Internal(anyhow::Error::new(e).context("cannot read the principal"))
            })?
            .ok_or_else(unauthenticated)?;
        check_csrf(parts, &session)?;
        Ok(Self {
            principal,
            session,
            address: client_address(ctx, parts),
        })
    }
}

/// The client's address, for handlers without a session (sign-in).
pub struct ClientAddress(pub String);

impl FromRequestParts<AppContext> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &AppContext,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_address(ctx, parts)))
    }
}

/// 403 unless the request repeats the session's CSRF token (and, when it says where it comes from, comes from
/// this site). Reading requests need neither.
pub fn check_csrf(parts: &Parts, session: &Session) -> Result<(), ApiError> {
    if !changes_state(&parts.method) {
        return Ok(());
    }
    same_origin(&parts.headers)?;
    let sent = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if token::same(sent, &session.csrf_token) {
        Ok(())
    } else {
        Err(csrf_refused())
    }
}

/// Signs a principal of `kind` in: 204 with the session cookie, 401 `invalid_credentials`, or 429 with
/// `Retry-After` while throttled.
pub async fn open_session(
    ctx: &AppContext,
    kind: Kind,
    credentials: &Credentials,
    address: &str,
) -> Result<Response, ApiError> {
    flood_limit(ctx, flood::Action::SignIn, address).await?;
    let signed = sign_in::sign_in(
        &ctx.db,
        kind,
        &credentials.login,
        &credentials.password,
        address,
    )
    .await;
    match signed {
        Ok(id) => {
            let (secret, _) = session::open(&ctx.db, kind, id)
                .await
                .map_err(|e| ApiError::Internal(e.into()))?;
            Ok(with_cookie(&session::cookie(
                kind,
                &secret,
                ctx.config.secure_cookies(),
            )))
        }
        Err(SignInError::Invalid) => Err(invalid_credentials()),
        Err(SignInError::RateLimited(seconds)) => Ok(rate_limited(seconds)),
        Err(SignInError::Internal(error)) => Err(ApiError::Internal(error)),
    }
}

/// Ends the caller's session (recorded in the audit trail): 204 removing the cookie.
pub async fn close_session<P: Principal>(
    ctx: &AppContext,
    user: &Signed<P>,
) -> Result<Response, ApiError> {
    session::close_digest(&ctx.db, &user.session.token_hash)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    sign_in::signed_out(&ctx.db, &user.actor(), P::KIND, user.principal.id()).await?;
    Ok(with_cookie(&session::removal_cookie(
        P::KIND,
        ctx.config.secure_cookies(),
    )))
}

/// 204 setting a cookie.
fn with_cookie(set_cookie: &str) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(set_cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// 401 for a wrong login or password.
pub fn invalid_credentials() -> ApiError {
    ApiError::client(
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
        "Identifiant ou mot de passe incorrect.",
    )
}

/// 429 while sign-in is throttled, with `Retry-After`.
pub fn rate_limited(seconds: i64) -> Response {
    ApiError::TooMany(
        seconds,
        format!(
            "Trop de tentatives de connexion échouées : réessayez dans {}.",
            super::error::in_time(seconds.max(60))
        ),
    )
    .into_response()
}

/// Counts one use of a flood-limited `action` from `address`: `Err` with 429 once past its allowance.
pub async fn flood_limit(
    ctx: &AppContext,
    action: flood::Action,
    address: &str,
) -> Result<(), ApiError> {
    let mut tx = ctx.db.begin().await?;
    let taken = flood::take(&mut tx, &ctx.config.flood, action, address)
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("cannot count a use")))?;
    tx.commit()
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("cannot count a use")))?;
    taken.map_err(|refused| {
        tracing::warn!(action = ?action, scope = ?refused.scope, "flood limit reached");
        ApiError::from(refused)
    })
}
