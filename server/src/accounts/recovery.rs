//! The emails asked without a session: "Mot de passe oublié", "Identifiant oublié" and a new password link for
//! an expired one. Each is counted against the client address's flood limit, then answered at once, the same
//! whether the address or the link has an account or not, and its work is done after the answer (what it
//! finds would otherwise show in the answer's time). Sending is also limited per account.

use anyhow::Context;

use super::password_link::{self, Holder};
use crate::AppContext;
use crate::flood::{self, FloodError, Rate, Refused, Scope};
use crate::mail::{outbox, templates};
use crate::store::Db;

/// Emails about one account: at most this many per hour (renewals, recoveries).
const MAILS_PER_ACCOUNT: Rate = Rate::per_hour(3);

/// Whether one more email about this account may go (the client address's allowance is the flood limit of
/// the route).
pub(super) async fn allowed(ctx: &AppContext, account_id: i64) -> anyhow::Result<bool> {
    let mut conn = ctx.db.acquire().await?;
    let allowed = flood::allowed(
        flood::hit(
            &mut conn,
            &format!("recovery:account:{account_id}"),
            MAILS_PER_ACCOUNT,
            Scope::Address,
        )
        .await,
    )
    .context("cannot count recoveries")?;
    if !allowed {
        tracing::warn!(account_id, "recovery email not sent: rate limit");
    }
    Ok(allowed)
}

/// The active account of an address that may receive one more email.
async fn holder(ctx: &AppContext, email: &str) -> anyhow::Result<Option<Holder>> {
    let Some(holder) = active_by_email(&ctx.db, email).await? else {
        return Ok(None);
    };
    Ok(allowed(ctx, holder.id).await?.then_some(holder))
}

async fn active_by_email(db: &Db, email: &str) -> anyhow::Result<Option<Holder>> {
    sqlx::query_as("SELECT id, login, email FROM accounts WHERE email_key = $1 AND disabled = 0")
        .bind(email.trim().to_lowercase())
        .fetch_optional(&db.pool)
        .await
        .context("cannot read accounts")
}

/// Why a recovery was not taken.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    /// Too many recovery emails asked from this client address.
    #[error("flood limit reached")]
    Flooded(Refused),
    /// The flood counters cannot be read or written.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// "Mot de passe oublié" from the client `address`: a link to the password page, if an active account has this
/// address.
pub async fn forgot_password(
    ctx: &AppContext,
    email: String,
    address: &str,
) -> Result<(), RecoveryError> {
    flood::answer_first(
        ctx,
        address,
        "send a password link",
        move |ctx| async move { send_password_link(&ctx, &email).await },
    )
    .await
    .map_err(RecoveryError::from)
}

/// "Identifiant oublié" from the client `address`: the identifiant by email, if an active account has this
/// address.
pub async fn forgot_login(
    ctx: &AppContext,
    email: String,
    address: &str,
) -> Result<(), RecoveryError> {
    flood::answer_first(ctx, address, "send an identifiant", move |ctx| async move {
        send_login(&ctx, &email).await
    })
    .await
    .map_err(RecoveryError::from)
}

/// A new password link from the client `address`, for the account of an expired or used one.
pub async fn renew(ctx: &AppContext, token: String, address: &str) -> Result<(), RecoveryError> {
    flood::answer_first(ctx, address, "renew a link", move |ctx| async move {
        password_link::renew(&ctx, &token).await
    })
    .await
    .map_err(RecoveryError::from)
}

impl From<FloodError> for RecoveryError {
    fn from(error: FloodError) -> Self {
        match error {
            FloodError::Refused(refused) => Self::Flooded(refused),
            FloodError::Internal(error) => {
                Self::Internal(anyhow::Error::new(error).context("cannot count the use"))
            }
        }
    }
}

/// A link to the password page, if an active account has this address.
async fn send_password_link(ctx: &AppContext, email: &str) -> anyhow::Result<()> {
    match holder(ctx, email).await? {
        Some(holder) => {
            password_link::send(ctx, &holder, templates::LinkReason::Forgotten, None).await
        }
        None => Ok(()),
    }
}

/// The identifiant by email, if an active account has this address.
async fn send_login(ctx: &AppContext, email: &str) -> anyhow::Result<()> {
    let Some(holder) = holder(ctx, email).await? else {
        return Ok(());
    };
    let mut conn = ctx.db.acquire().await?;
    outbox::enqueue(
        &mut conn,
        &templates::login_reminder(&holder.email, &holder.login, &ctx.config.public_url),
        None,
    )
    .await
    .context("cannot queue the reminder")?;
    ctx.mail_wake.notify_one();
    Ok(())
}
