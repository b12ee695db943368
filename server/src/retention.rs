//! Retention of personal data: what is older than its period (`GEODAE_RETENTION_*_DAYS`, shown on the
//! "Données personnelles" page) is erased every day by the server, and by `server purge [--dry-run]`.
//!
//! A request is never deleted: its personal data is erased and it stays as an anonymous statistic (its dates,
//! the kind of organisation, the decision and its reasons), so that the dashboard's counts hold. An account is
//! deleted with its links, sessions, tokens and counts of calls.

use std::time::Duration;

use anyhow::Context;
use app::api::Retention;
use serde::Serialize;
use sqlx::{Any, AnyConnection};

use crate::audit::{self, Actor, AuditAction};
use crate::store::{Db, now_ms};

use app::domain::dates::DAY_MS;
/// Sign-in failures are forgotten after a day (`auth::throttle`); the longest flood window is a day.
const THROTTLE_MS: i64 = DAY_MS;

/// What one run erased (or, dry, would erase), kind by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Refused, withdrawn or closed requests erased.
    pub refused: u64,
    /// Validated requests whose account was never activated: account deleted, request erased.
    pub unactivated: u64,
    /// Accounts disabled for longer than their period: deleted, their request erased.
    pub disabled: u64,
    /// Used or expired password links.
    pub links: u64,
    /// Ended sessions.
    pub sessions: u64,
    /// Expired data API tokens.
    pub api_tokens: u64,
    /// Sign-in throttling and flood counters past their window.
    pub throttles: u64,
    /// Emails sent (or given up) longer ago than their period.
    pub emails: u64,
    /// Entries of the audit trail older than their period.
    pub audit: u64,
}

impl Purged {
    pub fn total(&self) -> u64 {
        self.refused
            + self.unactivated
            + self.disabled
            + self.links
            + self.sessions
            + self.api_tokens
            + self.throttles
            + self.emails
            + self.audit
    }
}

/// Erases what is past its period at `now`, in one transaction; a dry run counts the same and keeps
/// everything. A real run that erased something is recorded in the audit trail with its counts.
pub async fn purge(
    db: &Db,
    retention: &Retention,
    now: i64,
    dry_run: bool,
) -> anyhow::Result<Purged> {
    let mut tx = db.begin().await?;
    let conn: &mut AnyConnection = &mut tx;
    set_audit_period(conn, retention.audit_days).await?;
    let before = |days: u32| now - i64::from(days) * DAY_MS;
    let mut purged = Purged::default();

    let refused: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM registrations WHERE status IN ('refused', 'withdrawn', 'closed') AND erased_at IS NULL AND decided_at < $1",
    )
    .bind(before(retention.refused_days))
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the refused requests")?;
    for (id,) in &refused {
        erase_registration(conn, *id, now).await?;
    }
    purged.refused = refused.len() as u64;

    let unactivated: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT a.id, a.registration_id FROM accounts a JOIN registrations r ON r.id = a.registration_id
         WHERE a.password_hash IS NULL AND a.disabled = 0 AND r.decided_at < $1",
    )
    .bind(before(retention.unactivated_days))
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the accounts never activated")?;
    let disabled: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, registration_id FROM accounts WHERE disabled = 1 AND disabled_at < $1",
    )
    .bind(before(retention.disabled_days))
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the disabled accounts")?;
    for (account, registration) in unactivated.iter().chain(&disabled) {
        delete_account(conn, *account).await?;
        erase_registration(conn, *registration, now).await?;
    }
    purged.unactivated = unactivated.len() as u64;
    purged.disabled = disabled.len() as u64;

    let ended = before(retention.ended_days);
    purged.links = execute(
        conn,
        "DELETE FROM account_tokens WHERE used_at < $1 OR expires_at < $1",
        ended,
    )
    .await?;
    purged.sessions = execute(conn, "DELETE FROM sessions WHERE expires_at < $1", ended).await?;
    purged.api_tokens =
        execute(conn, "DELETE FROM api_tokens WHERE expires_at < $1", ended).await?;
    purged.throttles = execute(
        conn,
        "DELETE FROM login_throttle WHERE first_failure_at < $1 AND locked_until < $1",
        now - THROTTLE_MS,
    )
    .await?
        + execute(
            conn,
            "DELETE FROM rate_counters WHERE window_start < $1",
            now - THROTTLE_MS,
        )
        .await?;
    purged.emails = execute(
        conn,
        "DELETE FROM outbox WHERE (status = 'sent' AND sent_at < $1) OR (status = 'failed' AND created_at < $1)",
        before(retention.mail_days),
    )
    .await?;
    purged.audit = execute(
        conn,
        "DELETE FROM audit_log WHERE at < $1",
        before(retention.audit_days),
    )
    .await?;

    if dry_run {
        tx.rollback().await.context("cannot end the dry run")?;
    } else {
        if purged.total() > 0 {
            audit::record(
                &mut tx,
                &Actor::system(),
                AuditAction::RetentionPurged,
                None,
                &purged,
            )
            .await
            .context("cannot record the purge")?;
        }
        tx.commit().await.context("cannot commit the purge")?;
    }
    Ok(purged)
}

/// Erases the personal data of a request, kept as an anonymous statistic: its history, its emails and its
/// notices go too.
pub async fn erase_registration(conn: &mut AnyConnection, id: i64, now: i64) -> anyhow::Result<()> {
    sqlx::query::<Any>(
        "UPDATE registrations SET last_name = '', first_name = '', email = '', email_key = $1, siren = '',
         siret = NULL, company_name = '', phone = '', phone_national = '', warnings = '[]', refusal_message = NULL,
         search_text = '', legal_category = NULL, taken_by = NULL, taken_at = NULL, erased_at = $2 WHERE id = $3",
    )
    // Unique per erased request: the one-pending-request-per-address index holds.
    .bind(format!("effacee:{id}"))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await
    .context("cannot erase the request")?;
    for sql in [
        "DELETE FROM registration_events WHERE registration_id = $1",
        "DELETE FROM outbox WHERE registration_id = $1",
        "DELETE FROM follow_links WHERE registration_id = $1",
        "DELETE FROM registration_messages WHERE registration_id = $1",
        "DELETE FROM notice_digest WHERE registration_id = $1",
    ] {
        sqlx::query::<Any>(sql)
            .bind(id)
            .execute(&mut *conn)
            .await
            .with_context(|| format!("cannot erase the request: {sql}"))?;
    }
    Ok(())
}

/// Deletes an account with its links, sessions, data API tokens and counts of calls.
pub async fn delete_account(conn: &mut AnyConnection, id: i64) -> anyhow::Result<()> {
    for sql in [
        "DELETE FROM account_tokens WHERE account_id = $1",
        "DELETE FROM api_tokens WHERE account_id = $1",
        "DELETE FROM api_usage WHERE account_id = $1",
        "DELETE FROM sessions WHERE kind = 'account' AND subject_id = $1",
        "DELETE FROM accounts WHERE id = $1",
    ] {
        sqlx::query::<Any>(sql)
            .bind(id)
            .execute(&mut *conn)
            .await
            .with_context(|| format!("cannot delete the account: {sql}"))?;
    }
    Ok(())
}

/// Tells the database how long the audit trail is append-only (its triggers read it).
pub async fn set_audit_period(conn: &mut AnyConnection, days: u32) -> anyhow::Result<()> {
    sqlx::query::<Any>(
        "INSERT INTO settings (name, value) VALUES ('audit_retention_days', $1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(days.to_string())
    .execute(conn)
    .await
    .context("cannot write the audit trail's retention")?;
    Ok(())
}

async fn execute(conn: &mut AnyConnection, sql: &'static str, at: i64) -> anyhow::Result<u64> {
    sqlx::query::<Any>(sql)
        .bind(at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
        .with_context(|| format!("cannot purge: {sql}"))
}

/// Runs the purge once a day (first a minute after the start), logging each run's counts.
pub async fn run(db: Db, retention: Retention, mut stopping: tokio::sync::watch::Receiver<bool>) {
    let mut wait = Duration::from_secs(60);
    loop {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        match purge(&db, &retention, now_ms(), false).await {
            Ok(purged) => {
                tracing::info!(?purged, "retention: personal data past its period erased");
            }
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "retention: the purge failed");
            }
        }
        wait = Duration::from_secs(24 * 60 * 60);
    }
}
