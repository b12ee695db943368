//! What administrators do to an account: disable or re-enable it, send it a fresh password link.

use anyhow::Context;
use sqlx::Any;

use super::password_link::{self, Holder};
use crate::AppContext;
use crate::audit::{self, Actor, AuditAction, Target};
use crate::auth::session;
use crate::mail::templates;
use crate::principal::Kind;
use crate::store::now_ms;

/// Disables or re-enables an account. Disabling ends its sessions and unused links. `false` when there is no
/// such account.
pub async fn set_disabled(
    ctx: &AppContext,
    actor: &Actor,
    account_id: i64,
    disabled: bool,
) -> anyhow::Result<bool> {
    let mut tx = ctx.db.begin().await?;
    // When it was disabled: its data is erased once disabled for longer than its retention period.
    let updated =
        sqlx::query::<Any>("UPDATE accounts SET disabled = $1, disabled_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(disabled.then(now_ms))
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .context("cannot change the account")?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    if disabled {
        session::close_all(&mut tx, Kind::Account, account_id, None)
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
        AuditAction::AccountDisabled
    } else {
        AuditAction::AccountEnabled
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
    let holder: Option<Holder> =
        sqlx::query_as("SELECT id, login, email FROM accounts WHERE id = $1 AND disabled = 0")
            .bind(account_id)
            .fetch_optional(&ctx.db.pool)
            .await
            .context("cannot read the account")?;
    let Some(holder) = holder else {
        return Ok(false);
    };
    password_link::send(
        ctx,
        &holder,
        templates::LinkReason::Administrator,
        Some(actor),
    )
    .await?;
    Ok(true)
}
