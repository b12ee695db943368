//! "Mot de passe oublié" and "Identifiant oublié": every answer is the same whether the address has an account
//! or not, and sending is rate-limited per account (and per client address by the route's flood limit).

use anyhow::Context;

use super::links::{self, Holder};
use crate::AppContext;
use crate::flood::{self, Rate, Scope};
use crate::mail::{outbox, templates};
use crate::store::Db;

/// Emails about one account: at most this many per hour (renewals, recoveries).
const MAILS_PER_ACCOUNT: Rate = Rate::per_hour(3);

/// Whether one more email about this account may go (the client address's allowance is the flood limit of
/// the route).
pub(super) async fn allowed(ctx: &AppContext, account_id: i64) -> anyhow::Result<bool> {
    let mut conn = ctx.db.acquire().await?;
    let allowed = flood::hit(
        &mut conn,
        &format!("recovery:account:{account_id}"),
        MAILS_PER_ACCOUNT,
        Scope::Address,
    )
    .await
    .context("cannot count recoveries")?
    .is_ok();
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
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, login, email FROM accounts WHERE email_key = $1 AND disabled = 0",
    )
    .bind(email.trim().to_lowercase())
    .fetch_optional(&db.pool)
    .await
    .context("cannot read accounts")?;
    Ok(row.map(|(id, login, email)| Holder { id, login, email }))
}

/// "Mot de passe oublié": a link to the password page, if an active account has this address.
pub async fn forgot_password(ctx: &AppContext, email: &str) -> anyhow::Result<()> {
    match holder(ctx, email).await? {
        Some(holder) => links::send(ctx, &holder, templates::LinkReason::Forgotten, None).await,
        None => Ok(()),
    }
}

/// "Identifiant oublié": the identifiant by email, if an active account has this address.
pub async fn forgot_login(ctx: &AppContext, email: &str) -> anyhow::Result<()> {
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
