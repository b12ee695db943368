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
use crate::auth::session::{self, Session};
use crate::auth::sign_in::{self, SignInError};
use crate::auth::token;
use crate::principal::Kind;
use crate::principal::Principal;

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
/// sending its own `X-Forwarded-For` cannot pose as another address to escape the flood limits). A hop that is
/// not an IP address is ignored, so that what is stored and counted is always a short, well-formed address.
pub fn client_address(ctx: &AppContext, parts: &Parts) -> String {
    if ctx.config.trust_proxy
        && let Some(forwarded) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|hop| hop.trim().parse::<std::net::IpAddr>().ok())
    {
        return forwarded.to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "inconnue".to_string(), |c| c.0.ip().to_string())
}

/// A browser sends `Origin` with every cross-site request that changes state: when present, it must be this
/// site's, as `GEODAE_PUBLIC_URL` names it. (Not the request's `Host`: a page of a name the attacker points at
/// this server, a DNS rebinding, sends its own name in both.) When the public address is a loopback one (a
/// laptop), any loopback name of the same scheme and port is this site.
pub fn same_origin(ctx: &AppContext, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let sent = origin.to_str().ok().and_then(Origin::parse);
    match (sent, Origin::parse(&ctx.config.public_url)) {
        (Some(sent), Some(site)) if sent.is(&site) => Ok(()),
        _ => Err(csrf_refused()),
    }
}

/// The scheme, host and port of an address.
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    fn parse(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let authority = rest.split(['/', '?', '#']).next()?;
        if authority.contains('@') {
            return None;
        }
        let default = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => (host, port.parse().ok()?),
            _ => (authority, default),
        };
        if host.is_empty() {
            return None;
        }
        Some(Self {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    fn loopback(&self) -> bool {
        matches!(self.host.as_str(), "localhost" | "[::1]")
            || self
                .host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Whether a request from `self` comes from `site`.
    fn is(&self, site: &Self) -> bool {
        self.scheme == site.scheme
            && self.port == site.port
            && (self.host == site.host || (site.loopback() && self.loopback()))
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
        let name = P::KIND.cookie(ctx.config.secure_cookies());
        let secret = cookie(&parts.headers, name).ok_or_else(unauthenticated)?;
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
        check_csrf(ctx, parts, &session)?;
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
pub fn check_csrf(ctx: &AppContext, parts: &Parts, session: &Session) -> Result<(), ApiError> {
    if !changes_state(&parts.method) {
        return Ok(());
    }
    same_origin(ctx, &parts.headers)?;
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
/// `Retry-After` while throttled or past the flood limit.
pub async fn open_session(
    ctx: &AppContext,
    kind: Kind,
    credentials: &Credentials,
    address: &str,
) -> Result<Response, ApiError> {
    let id = sign_in::sign_in(
        &ctx.db,
        &ctx.config.flood,
        kind,
        &credentials.login,
        &credentials.password,
        address,
    )
    .await?;
    let (secret, _) = session::open(&ctx.db, kind, id)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(with_cookie(&session::cookie(
        kind,
        &secret,
        ctx.config.secure_cookies(),
    )))
}

impl From<SignInError> for ApiError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::Invalid => invalid_credentials(),
            SignInError::RateLimited(seconds) => rate_limited(seconds),
            SignInError::Flooded(refused) => Self::from(refused),
            SignInError::Internal(error) => Self::Internal(error),
        }
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
pub fn rate_limited(seconds: i64) -> ApiError {
    ApiError::TooMany(
        seconds,
        format!(
            "Trop de tentatives de connexion échouées : réessayez dans {}.",
            super::error::in_time(seconds)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::Origin;

    fn from(sent: &str, site: &str) -> bool {
        match (Origin::parse(sent), Origin::parse(site)) {
            (Some(sent), Some(site)) => sent.is(&site),
            _ => false,
        }
    }

    #[test]
    fn a_request_comes_from_this_site_when_its_origin_is_the_public_address() {
        let site = "https://comptes.geodae.sante.gouv.fr";
        assert!(from("https://comptes.geodae.sante.gouv.fr", site));
        assert!(from("https://COMPTES.geodae.sante.gouv.fr:443", site));
        assert!(!from("http://comptes.geodae.sante.gouv.fr", site));
        assert!(!from("https://evil.example", site));
        assert!(!from(
            "https://comptes.geodae.sante.gouv.fr.evil.example",
            site
        ));
        assert!(!from(
            "https://comptes.geodae.sante.gouv.fr@evil.example",
            site
        ));
        assert!(!from("null", site));
        // A laptop: any loopback name of the same port.
        let local = "http://127.0.0.1:3000";
        assert!(from("http://localhost:3000", local));
        assert!(from("http://[::1]:3000", local));
        assert!(!from("http://localhost:3001", local));
        assert!(!from("http://rebound.evil.example:3000", local));
        assert!(!from("http://127.evil.example:3000", local));
    }
}
