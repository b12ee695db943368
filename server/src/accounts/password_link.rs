//! The one-time password link: opening it never uses it up; only setting the password does, atomically. A
//! used or expired link can be renewed by mail, silently and with a rate limit; a new link ends the older ones.
//!
//! The secret of a link is never at rest in clear: the email is queued with a placeholder and the row of the
//! link, and its secret is drawn when the email leaves (`mail::outbox::draw_secret`), so that the outbox, an
//! export of the applicant's data and a backup hold no working link. Only its digest is stored.

use anyhow::Context;
use app::api::PasswordSetup;
use app::domain::password;
use sqlx::{Any, AnyConnection};

use super::recovery;
use crate::AppContext;
use crate::audit::{self, Actor, AuditAction, Target};
use crate::auth::session;
use crate::auth::{password as hashing, token};
use crate::links::LinkError;
use crate::mail::{outbox, templates};
use crate::principal::Kind;
use crate::store::{Db, now_ms};

use app::domain::dates::{DAY_MS, HOUR_MS};

/// Why a password was not set.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The link cannot be used.
    #[error("link {0:?}")]
    Link(LinkError),
    /// Too many sign-ins and password creations from this client address.
    #[error("flood limit reached")]
    Flooded(crate::flood::Refused),
    /// The rules the password breaks, each with its message.
    #[error("the password breaks the policy")]
    Policy(Vec<(password::Rule, String)>),
    /// A database or hashing failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A password link and its account, as stored.
#[derive(sqlx::FromRow)]
struct TokenRow {
    account_id: i64,
    login: String,
    email: String,
    disabled: i64,
    used_at: Option<i64>,
    expires_at: i64,
}

impl TokenRow {
    /// Neither used, expired, nor of a disabled account.
    fn usable(&self) -> bool {
        self.used_at.is_none() && self.expires_at > now_ms() && self.disabled == 0
    }
}

async fn token_row(db: &Db, secret: &str) -> anyhow::Result<Option<TokenRow>> {
    sqlx::query_as(
        "SELECT a.id AS account_id, a.login, a.email, a.disabled, t.used_at, t.expires_at
         FROM account_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1 AND t.purpose = 'password'",
    )
    .bind(token::digest(secret))
    .fetch_optional(&db.pool)
    .await
    .context("cannot read the link")
}

/// What the password page shows. Reading never uses the link up (mail scanners open links).
pub async fn setup_info(ctx: &AppContext, secret: &str) -> Result<PasswordSetup, SetupError> {
    match token_row(&ctx.db, secret).await? {
        None => Err(SetupError::Link(LinkError::Unknown)),
        Some(row) if !row.usable() => Err(SetupError::Link(LinkError::Expired)),
        Some(row) => Ok(PasswordSetup {
            login: row.login,
            email: row.email,
            policy: ctx.config.password_policy,
        }),
    }
}

/// Sets the password from the client `address` (counted against the flood limit of sign-ins: each one hashes a
/// password): the link is used up in the same transaction as the hash is written, so that two submissions give
/// one success; the account's other links and sessions end.
pub async fn set_password(
    ctx: &AppContext,
    secret: &str,
    new: &str,
    confirmation: &str,
    address: &str,
) -> Result<(), SetupError> {
    crate::flood::spend(
        &ctx.db,
        &ctx.config.flood,
        crate::flood::Action::SignIn,
        address,
    )
    .await
    .map_err(|error| match error {
        crate::flood::FloodError::Refused(refused) => SetupError::Flooded(refused),
        crate::flood::FloodError::Internal(error) => {
            SetupError::Internal(anyhow::Error::new(error).context("cannot count the use"))
        }
    })?;
    let info = setup_info(ctx, secret).await?;
    let broken = password::failures(
        &ctx.config.password_policy,
        new,
        confirmation,
        &info.login,
        &info.email,
    );
    if !broken.is_empty() {
        return Err(SetupError::Policy(broken));
    }
    let hash = hashing::hash(new.to_string()).await?;
    let now = now_ms();
    let digest = token::digest(secret);
    let mut tx = ctx.db.begin().await?;
    let used = sqlx::query::<Any>(
        "UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(&digest)
    .execute(&mut *tx)
    .await
    .context("cannot use the link")?;
    if used.rows_affected() == 0 {
        return Err(SetupError::Link(LinkError::Expired));
    }
    let (account_id,): (i64,) =
        sqlx::query_as("SELECT account_id FROM account_tokens WHERE token_hash = $1")
            .bind(&digest)
            .fetch_one(&mut *tx)
            .await
            .context("cannot read the link")?;
    sqlx::query::<Any>("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(account_id)
        .execute(&mut *tx)
        .await
        .context("cannot store the password")?;
    sqlx::query::<Any>(
        "UPDATE account_tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(&mut *tx)
    .await
    .context("cannot end the other links")?;
    session::close_all(&mut tx, Kind::Account, account_id, None)
        .await
        .context("cannot end the sessions")?;
    let actor = Actor::principal(Kind::Account, account_id, &info.login, None);
    audit::record(
        &mut tx,
        &actor,
        AuditAction::AccountPasswordSet,
        Some(Target::account(account_id)),
        serde_json::json!({}),
    )
    .await
    .context("cannot record the change")?;
    tx.commit().await.context("cannot store the password")?;
    Ok(())
}

/// How long a password link works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// The validation email's, and an administrator's sending (`GEODAE_PASSWORD_LINK_DAYS`): the applicant may
    /// read it days later.
    Validation,
    /// A link asked without a session (`GEODAE_RECOVERY_LINK_HOURS`): whoever asked is there now.
    Recovery,
}

impl Lifetime {
    fn ms(self, ctx: &AppContext) -> i64 {
        match self {
            Self::Validation => ctx.config.password_link_days * DAY_MS,
            Self::Recovery => ctx.config.recovery_link_hours * HOUR_MS,
        }
    }

    /// « 7 jours », « 2 heures ».
    pub fn words(self, ctx: &AppContext) -> String {
        let plural = |n: i64| if n > 1 { "s" } else { "" };
        match self {
            Self::Validation => {
                let days = ctx.config.password_link_days;
                format!("{days} jour{}", plural(days))
            }
            Self::Recovery => {
                let hours = ctx.config.recovery_link_hours;
                format!("{hours} heure{}", plural(hours))
            }
        }
    }
}

/// A password link waiting for its email: its row exists, its secret is drawn when the email leaves.
pub struct PendingLink {
    /// The row of `account_tokens`, for the outbox.
    pub token_id: i64,
    /// The address the email shows, its secret a placeholder.
    pub url: String,
}

/// Issues a one-time password link for an account in the caller's transaction, ending the account's older
/// links. No secret exists yet: the row's digest is a placeholder that no secret has, until the email leaves.
pub async fn issue_password_link(
    ctx: &AppContext,
    conn: &mut AnyConnection,
    account_id: i64,
    lifetime: Lifetime,
) -> Result<PendingLink, sqlx::Error> {
    let now = now_ms();
    sqlx::query::<Any>(
        "UPDATE account_tokens SET used_at = $1 WHERE account_id = $2 AND purpose = 'password' AND used_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    let (token_id,): (i64,) = sqlx::query_as(
        "INSERT INTO account_tokens (account_id, purpose, token_hash, created_at, expires_at) VALUES ($1, 'password', $2, $3, $4)
         RETURNING id",
    )
    .bind(account_id)
    .bind(format!("{}{}", outbox::UNDRAWN, token::random()))
    .bind(now)
    .bind(now + lifetime.ms(ctx))
    .fetch_one(&mut *conn)
    .await?;
    Ok(PendingLink {
        token_id,
        url: password_page(&ctx.config.public_url, outbox::SECRET_PLACEHOLDER),
    })
}

/// The password page of a link's secret. The secret is in the fragment, which the browser never sends: it is
/// in no server's or proxy's log, and the page hands it to the API in a request body.
fn password_page(public_url: &str, secret: &str) -> String {
    format!("{public_url}/compte/mot-de-passe#jeton={secret}")
}

/// A new one-time password link for an account, queued in the caller's transaction.
pub async fn queue_password_link(
    ctx: &AppContext,
    conn: &mut AnyConnection,
    account_id: i64,
    login: &str,
    email: &str,
    why: templates::LinkReason,
) -> Result<(), sqlx::Error> {
    // An administrator's sending is read whenever the applicant reads their mail; a recovery, at once.
    let lifetime = match why {
        templates::LinkReason::Administrator => Lifetime::Validation,
        templates::LinkReason::Renewal | templates::LinkReason::Forgotten => Lifetime::Recovery,
    };
    let link = issue_password_link(ctx, conn, account_id, lifetime).await?;
    let email = templates::password_link(email, login, &link.url, &lifetime.words(ctx), why);
    outbox::enqueue_with_link(conn, &email, None, link.token_id).await
}

/// The holder of a link: who the email goes to.
#[derive(sqlx::FromRow)]
pub struct Holder {
    /// The account's id.
    pub id: i64,
    /// Its identifiant.
    pub login: String,
    /// Its address.
    pub email: String,
}

/// Queues a fresh password link for `holder` in its own transaction, with the audit entry of an
/// administrator's sending when `sent_by` says who, then wakes the mail worker.
pub async fn send(
    ctx: &AppContext,
    holder: &Holder,
    why: templates::LinkReason,
    sent_by: Option<&Actor>,
) -> anyhow::Result<()> {
    let mut tx = ctx.db.begin().await?;
    queue_password_link(ctx, &mut tx, holder.id, &holder.login, &holder.email, why)
        .await
        .context("cannot queue the link")?;
    if let Some(actor) = sent_by {
        audit::record(
            &mut tx,
            actor,
            AuditAction::AccountPasswordLinkSent,
            Some(Target::account(holder.id)),
            serde_json::json!({ "email": holder.email }),
        )
        .await
        .context("cannot record the sending")?;
    }
    tx.commit().await.context("cannot queue the link")?;
    ctx.mail_wake.notify_one();
    Ok(())
}

/// Sends a fresh link for the account of an expired or used one. Silent: nothing tells whether anything was
/// sent (`recovery::renew` answers before it runs).
pub(super) async fn renew(ctx: &AppContext, secret: &str) -> anyhow::Result<()> {
    let Some(row) = token_row(&ctx.db, secret).await? else {
        return Ok(());
    };
    if row.disabled == 1 || !recovery::allowed(ctx, row.account_id).await? {
        return Ok(());
    }
    let holder = Holder {
        id: row.account_id,
        login: row.login,
        email: row.email,
    };
    send(ctx, &holder, templates::LinkReason::Renewal, None).await
}
