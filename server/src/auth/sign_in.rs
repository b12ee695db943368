//! One sign-in for every kind of principal. Each attempt is counted by the throttle before its password is
//! checked, and refused while a counter is locked; an unknown, disabled or password-less login costs the same
//! time as a wrong password; success and failure are in the audit trail.

use anyhow::Context;
use sqlx::AnyConnection;

use super::{password, throttle};
use crate::audit::{self, Actor, AuditAction, Target};
use crate::flood::{self, Action, FloodError, FloodLimits, Refused};
use crate::principal::Kind;
use crate::store::Db;

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong identifiant or password (which one is never said).
    #[error("wrong identifiant or password")]
    Invalid,
    /// Too many failures: retry after this many seconds.
    #[error("too many failures, retry in {0} s")]
    RateLimited(i64),
    /// Too many sign-ins from this client address.
    #[error("flood limit reached")]
    Flooded(Refused),
    /// A database or hashing failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Kind {
    /// The row a login designates: id, identifiant, password hash (`NULL` until the first password is set).
    fn credentials_query(self) -> &'static str {
        match self {
            Self::Admin => {
                "SELECT id, login, password_hash FROM admins WHERE login = $1 AND disabled = 0"
            }
            // An API account signs in with its identifiant or its email address.
            Self::Account => {
                "SELECT id, login, password_hash FROM accounts WHERE (login = $1 OR email_key = $1) AND disabled = 0"
            }
        }
    }
}

/// The longest login that can exist (an email address): a longer one is refused before anything is stored.
pub const MAX_LOGIN_CHARS: usize = 254;

/// Checks a login and password of a principal of `kind` from the client `address` (counted against the flood
/// limit of sign-ins, then by the throttle); returns its id.
pub async fn sign_in(
    db: &Db,
    limits: &FloodLimits,
    kind: Kind,
    login: &str,
    secret: &str,
    address: &str,
) -> Result<i64, SignInError> {
    flood::spend(db, limits, Action::SignIn, address)
        .await
        .map_err(|error| match error {
            FloodError::Refused(refused) => SignInError::Flooded(refused),
            FloodError::Internal(error) => {
                SignInError::Internal(anyhow::Error::new(error).context("cannot count the sign-in"))
            }
        })?;
    let key = login.trim().to_lowercase();
    if key.chars().count() > MAX_LOGIN_CHARS {
        return Err(SignInError::Invalid);
    }
    let admission = throttle::admit(db, throttle::Keys::new(kind.code(), &key, address))
        .await
        .map_err(|throttled| match throttled {
            throttle::Throttled::Locked(seconds) => SignInError::RateLimited(seconds),
            throttle::Throttled::Internal(error) => {
                SignInError::Internal(anyhow::Error::new(error).context("cannot count the attempt"))
            }
        })?;
    let row: Option<CredentialsRow> = sqlx::query_as(kind.credentials_query())
        .bind(&key)
        .fetch_optional(&db.pool)
        .await
        .context("cannot read the credentials")?;
    let stored = row.as_ref().and_then(|row| row.password_hash.clone());
    let matches = password::verify(secret.to_string(), stored).await;
    let mut conn = db.acquire().await?;
    match row {
        Some(CredentialsRow {
            id,
            login,
            password_hash: Some(_),
        }) if matches => {
            throttle::succeeded(db, admission)
                .await
                .context("cannot reset the throttle")?;
            let actor = Actor::principal(kind, id, &login, Some(address.to_string()));
            record(&mut conn, &actor, kind, Event::SignedIn, Some(id)).await?;
            Ok(id)
        }
        _ => {
            // The attempt was counted as a failure when it was let through.
            let actor = Actor {
                kind: kind.code(),
                id: row.as_ref().map(|row| row.id),
                login: Some(login.chars().take(64).collect()),
                address: Some(address.to_string()),
            };
            record(&mut conn, &actor, kind, Event::Failed, None).await?;
            Err(SignInError::Invalid)
        }
    }
}

/// The row a login designates.
#[derive(sqlx::FromRow)]
struct CredentialsRow {
    id: i64,
    login: String,
    /// `NULL` until the first password is set.
    password_hash: Option<String>,
}

/// What happened to a sign-in.
#[derive(Clone, Copy)]
enum Event {
    SignedIn,
    Failed,
    SignedOut,
}

/// `admin.signed_in`, `account.sign_in_failed`…
async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: Kind,
    event: Event,
    target: Option<i64>,
) -> anyhow::Result<()> {
    let action = match (kind, event) {
        (Kind::Admin, Event::SignedIn) => AuditAction::AdminSignedIn,
        (Kind::Admin, Event::Failed) => AuditAction::AdminSignInFailed,
        (Kind::Admin, Event::SignedOut) => AuditAction::AdminSignedOut,
        (Kind::Account, Event::SignedIn) => AuditAction::AccountSignedIn,
        (Kind::Account, Event::Failed) => AuditAction::AccountSignInFailed,
        (Kind::Account, Event::SignedOut) => AuditAction::AccountSignedOut,
    };
    audit::record(
        conn,
        actor,
        action,
        target.map(|id| Target::principal(kind, id)),
        serde_json::json!({}),
    )
    .await
    .context("cannot record the sign-in")
}

/// Records that a principal signed out.
pub async fn signed_out(db: &Db, actor: &Actor, kind: Kind, id: i64) -> anyhow::Result<()> {
    let mut conn = db.acquire().await?;
    record(&mut conn, actor, kind, Event::SignedOut, Some(id)).await
}
