//! API accounts after validation: the one-time password link (opening it never uses it up; only setting the
//! password does, atomically), its renewal, sign-in, and recovery of a lost password or identifiant. Every
//! recovery answer is the same whether the address exists or not, and sending is rate-limited.

use anyhow::Context;
use app::api::admin::HistoryEntry;
use app::api::{AccountView, PasswordSetup};
use app::domain::password;
use sqlx::{Any, AnyConnection};

use crate::AppContext;
use crate::audit::{self, Actor, Target};
use crate::auth::{password as hashing, throttle, token};
use crate::mail::{outbox, templates};
use crate::store::{Db, now_ms};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Emails about one account: at most this many per hour (renewals, recoveries).
const MAILS_PER_ACCOUNT_HOUR: i64 = 3;
/// Recovery requests from one address: at most this many per hour.
const RECOVERIES_PER_ADDRESS_HOUR: i64 = 20;
const HOUR_MS: i64 = 60 * 60 * 1000;

#[derive(Debug, PartialEq, Eq)]
pub enum LinkState {
    Unknown,
    /// Expired or already used.
    Expired,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("link {0:?}")]
    Link(LinkState),
    #[error("the password breaks the policy")]
    Policy(Vec<(password::Rule, String)>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

struct TokenRow {
    account_id: i64,
    login: String,
    email: String,
    disabled: bool,
    usable: bool,
}

async fn token_row(db: &Db, secret: &str) -> anyhow::Result<Option<TokenRow>> {
    let row: Option<(i64, String, String, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT a.id, a.login, a.email, a.disabled, t.used_at, t.expires_at
         FROM account_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1 AND t.purpose = 'password'",
    )
    .bind(token::digest(secret))
    .fetch_optional(&db.pool)
    .await
    .context("cannot read the link")?;
    Ok(row.map(
        |(account_id, login, email, disabled, used_at, expires_at)| TokenRow {
            account_id,
            login,
            email,
            disabled: disabled == 1,
            usable: used_at.is_none() && expires_at > now_ms() && disabled == 0,
        },
    ))
}

/// What the password page shows. Reading never uses the link up (mail scanners open links).
pub async fn setup_info(ctx: &AppContext, secret: &str) -> Result<PasswordSetup, SetupError> {
    match token_row(&ctx.db, secret).await? {
        None => Err(SetupError::Link(LinkState::Unknown)),
        Some(row) if !row.usable => Err(SetupError::Link(LinkState::Expired)),
        Some(row) => Ok(PasswordSetup {
            login: row.login,
            email: row.email,
            policy: ctx.config.password_policy,
        }),
    }
}

/// Sets the password: the link is used up in the same transaction as the hash is written, so that two
/// submissions give one success; the account's other links and sessions end.
pub async fn set_password(
    ctx: &AppContext,
    secret: &str,
    new: &str,
    confirmation: &str,
) -> Result<(), SetupError> {
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
    let mut tx = ctx
        .db
        .pool
        .begin()
        .await
        .context("cannot open a transaction")?;
    let used = sqlx::query::<Any>(
        "UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(&digest)
    .execute(&mut *tx)
    .await
    .context("cannot use the link")?;
    if used.rows_affected() == 0 {
        return Err(SetupError::Link(LinkState::Expired));
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
    sqlx::query::<Any>("DELETE FROM sessions WHERE kind = 'account' AND subject_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await
        .context("cannot end the sessions")?;
    let actor = Actor {
        kind: "account",
        id: Some(account_id),
        login: Some(info.login.clone()),
        address: None,
    };
    audit::record(
        &mut tx,
        &actor,
        "account.password_set",
        Some(Target::account(account_id)),
        serde_json::json!({}),
    )
    .await
    .context("cannot record the change")?;
    tx.commit().await.context("cannot store the password")?;
    Ok(())
}

/// Issues a one-time password token for an account in the caller's transaction (only its digest is stored)
/// and returns the link to the password page.
pub async fn issue_password_link(
    ctx: &AppContext,
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<String, sqlx::Error> {
    let secret = token::random();
    let now = now_ms();
    sqlx::query::<Any>(
        "INSERT INTO account_tokens (account_id, purpose, token_hash, created_at, expires_at) VALUES ($1, 'password', $2, $3, $4)",
    )
    .bind(account_id)
    .bind(token::digest(&secret))
    .bind(now)
    .bind(now + ctx.config.password_link_days * DAY_MS)
    .execute(&mut *conn)
    .await?;
    Ok(format!(
        "{}/compte/mot-de-passe?jeton={secret}",
        ctx.config.public_url
    ))
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
    let link = issue_password_link(ctx, conn, account_id).await?;
    let email = templates::password_link(email, login, &link, ctx.config.password_link_days, why);
    outbox::enqueue(conn, &email, None).await
}

/// Sends a fresh link for the account of an expired or used one. Silent: nothing tells whether anything was
/// sent.
pub async fn renew(ctx: &AppContext, secret: &str, address: &str) -> anyhow::Result<()> {
    let Some(row) = token_row(&ctx.db, secret).await? else {
        return Ok(());
    };
    if row.disabled || !allowed(ctx, row.account_id, address).await? {
        return Ok(());
    }
    let mut tx = ctx
        .db
        .pool
        .begin()
        .await
        .context("cannot open a transaction")?;
    queue_password_link(
        ctx,
        &mut tx,
        row.account_id,
        &row.login,
        &row.email,
        templates::LinkReason::Renewal,
    )
    .await
    .context("cannot queue the link")?;
    tx.commit().await.context("cannot queue the link")?;
    ctx.mail_wake.notify_one();
    Ok(())
}

async fn allowed(ctx: &AppContext, account_id: i64, address: &str) -> anyhow::Result<bool> {
    let per_address = throttle::allow(
        &ctx.db,
        &format!("recovery:ip:{address}"),
        RECOVERIES_PER_ADDRESS_HOUR,
        HOUR_MS,
    )
    .await
    .context("cannot count recoveries")?;
    let per_account = throttle::allow(
        &ctx.db,
        &format!("recovery:account:{account_id}"),
        MAILS_PER_ACCOUNT_HOUR,
        HOUR_MS,
    )
    .await
    .context("cannot count recoveries")?;
    if !(per_address && per_account) {
        tracing::warn!(account_id, "recovery email not sent: rate limit");
    }
    Ok(per_address && per_account)
}

async fn active_by_email(db: &Db, email: &str) -> anyhow::Result<Option<(i64, String, String)>> {
    sqlx::query_as("SELECT id, login, email FROM accounts WHERE email_key = $1 AND disabled = 0")
        .bind(email.trim().to_lowercase())
        .fetch_optional(&db.pool)
        .await
        .context("cannot read accounts")
}

/// "Mot de passe oublié": a link to the password page, if an active account has this address.
pub async fn forgot_password(ctx: &AppContext, email: &str, address: &str) -> anyhow::Result<()> {
    let Some((id, login, email)) = active_by_email(&ctx.db, email).await? else {
        return Ok(());
    };
    if !allowed(ctx, id, address).await? {
        return Ok(());
    }
    let mut tx = ctx
        .db
        .pool
        .begin()
        .await
        .context("cannot open a transaction")?;
    queue_password_link(
        ctx,
        &mut tx,
        id,
        &login,
        &email,
        templates::LinkReason::Forgotten,
    )
    .await
    .context("cannot queue the link")?;
    tx.commit().await.context("cannot queue the link")?;
    ctx.mail_wake.notify_one();
    Ok(())
}

/// "Identifiant oublié": the identifiant by email, if an active account has this address.
pub async fn forgot_login(ctx: &AppContext, email: &str, address: &str) -> anyhow::Result<()> {
    let Some((id, login, email)) = active_by_email(&ctx.db, email).await? else {
        return Ok(());
    };
    if !allowed(ctx, id, address).await? {
        return Ok(());
    }
    let mut conn = ctx
        .db
        .pool
        .acquire()
        .await
        .context("cannot reach the database")?;
    outbox::enqueue(
        &mut conn,
        &templates::login_reminder(&email, &login, &ctx.config.public_url),
        None,
    )
    .await
    .context("cannot queue the reminder")?;
    ctx.mail_wake.notify_one();
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong identifiant or password")]
    Invalid,
    #[error("too many failures, retry in {0} s")]
    RateLimited(i64),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Signs an API account in by identifiant or email. The same protections as the administrators': throttling
/// per login and address, an unknown or disabled account costs the same time as a wrong password.
pub async fn sign_in(
    db: &Db,
    login: &str,
    secret: &str,
    address: &str,
) -> Result<i64, SignInError> {
    let key = login.trim().to_lowercase();
    let keys = throttle::Keys::new("account", &key, address);
    if let Some(seconds) = throttle::locked(db, &keys)
        .await
        .context("cannot read the throttle")?
    {
        return Err(SignInError::RateLimited(seconds));
    }
    let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, login, password_hash FROM accounts WHERE (login = $1 OR email_key = $1) AND disabled = 0",
    )
    .bind(&key)
    .fetch_optional(&db.pool)
    .await
    .context("cannot read accounts")?;
    let stored = row.as_ref().and_then(|r| r.2.clone());
    let matches = hashing::verify(secret.to_string(), stored).await;
    let mut conn = db
        .pool
        .acquire()
        .await
        .context("cannot reach the database")?;
    match row {
        Some((id, login, Some(_))) if matches => {
            throttle::succeeded(db, &keys)
                .await
                .context("cannot reset the throttle")?;
            let actor = Actor {
                kind: "account",
                id: Some(id),
                login: Some(login),
                address: Some(address.to_string()),
            };
            audit::record(
                &mut conn,
                &actor,
                "account.signed_in",
                Some(Target::account(id)),
                serde_json::json!({}),
            )
            .await
            .context("cannot record the sign-in")?;
            Ok(id)
        }
        _ => {
            throttle::failed(db, &keys)
                .await
                .context("cannot count the failure")?;
            Err(SignInError::Invalid)
        }
    }
}

/// The account page.
pub async fn view(
    db: &Db,
    account_id: i64,
    csrf_token: String,
) -> anyhow::Result<Option<AccountView>> {
    let row: Option<(String, String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT a.login, a.email, r.company_name, r.siren, r.reference, a.created_at, r.id
         FROM accounts a JOIN registrations r ON r.id = a.registration_id WHERE a.id = $1 AND a.disabled = 0",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
    .context("cannot read the account")?;
    let Some((login, email, company_name, siren, reference, created_at, registration_id)) = row
    else {
        return Ok(None);
    };
    let history = crate::review::history(db, registration_id).await?;
    Ok(Some(AccountView {
        login,
        email,
        company_name,
        siren,
        reference,
        created_at,
        csrf_token,
        history: history
            .into_iter()
            .map(|entry| HistoryEntry {
                // Administrators' logins are not shown to applicants.
                actor: if entry.actor == "demandeur" {
                    "Vous".into()
                } else {
                    "Administrateur Géo'DAE".into()
                },
                ..entry
            })
            .collect(),
    }))
}

/// Disables or re-enables an account. Disabling ends its sessions and unused links. `false` when there is no
/// such account.
pub async fn set_disabled(
    ctx: &AppContext,
    actor: &Actor,
    account_id: i64,
    disabled: bool,
) -> anyhow::Result<bool> {
    let mut tx = ctx
        .db
        .pool
        .begin()
        .await
        .context("cannot open a transaction")?;
    let updated = sqlx::query::<Any>("UPDATE accounts SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(account_id)
        .execute(&mut *tx)
        .await
        .context("cannot change the account")?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    if disabled {
        sqlx::query::<Any>("DELETE FROM sessions WHERE kind = 'account' AND subject_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .context("cannot end the sessions")?;
        sqlx::query::<Any>(
            "UPDATE account_tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
        )
        .bind(now_ms())
        .bind(account_id)
        .execute(&mut *tx)
        .await
        .context("cannot end the links")?;
    }
    let action = if disabled {
        "account.disabled"
    } else {
        "account.enabled"
    };
    audit::record(
        &mut tx,
        actor,
        action,
        Some(Target::account(account_id)),
        serde_json::json!({}),
    )
    .await
    .context("cannot record the change")?;
    tx.commit().await.context("cannot change the account")?;
    Ok(true)
}

/// An administrator sends a fresh password link. `false` when there is no such active account.
pub async fn send_password_link(
    ctx: &AppContext,
    actor: &Actor,
    account_id: i64,
) -> anyhow::Result<bool> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT login, email FROM accounts WHERE id = $1 AND disabled = 0")
            .bind(account_id)
            .fetch_optional(&ctx.db.pool)
            .await
            .context("cannot read the account")?;
    let Some((login, email)) = row else {
        return Ok(false);
    };
    let mut tx = ctx
        .db
        .pool
        .begin()
        .await
        .context("cannot open a transaction")?;
    queue_password_link(
        ctx,
        &mut tx,
        account_id,
        &login,
        &email,
        templates::LinkReason::Administrator,
    )
    .await
    .context("cannot queue the link")?;
    audit::record(
        &mut tx,
        actor,
        "account.password_link_sent",
        Some(Target::account(account_id)),
        serde_json::json!({ "email": email }),
    )
    .await
    .context("cannot record the sending")?;
    tx.commit().await.context("cannot queue the link")?;
    ctx.mail_wake.notify_one();
    Ok(true)
}
