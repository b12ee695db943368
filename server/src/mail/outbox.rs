//! The outbox table: queueing within a transaction, claiming due messages, recording the outcome.
//!
//! An email that carries a one-time link is stored with [`SECRET_PLACEHOLDER`] in place of the link's secret and
//! the row of its link (`link_token_id`): the secret is drawn when the email leaves ([`draw_secret`]) and put in
//! the message sent, never in the table. A retry draws a new one (the previous one, perhaps never delivered,
//! stops working). A follow link (`follow_link_id`, the applicant's private link to the request) is drawn so too.

use anyhow::Context;
use sqlx::{Any, AnyConnection};

use app::api::admin::{MailKind, OutboxItem, OutboxStatus};

use super::Email;
use crate::audit::{self, Actor, AuditAction, Target};
use crate::store::{Db, Sql, decoded, now_ms};

/// After this many failed attempts a message is marked failed (about a day of retries).
pub const MAX_ATTEMPTS: i64 = 12;

/// What stands for a link's secret in a stored email.
pub const SECRET_PLACEHOLDER: &str = "[jeton-non-conservé]";
/// The start of the digest column of a link whose secret is not drawn yet: no secret's digest starts so.
pub const UNDRAWN: &str = "non-tiré:";

/// Queues a message inside the caller's transaction.
pub async fn enqueue(
    conn: &mut AnyConnection,
    email: &Email,
    registration_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    insert(conn, email, registration_id, None, None).await
}

/// Queues a message carrying the one-time link `token_id` (its secret as [`SECRET_PLACEHOLDER`]).
pub async fn enqueue_with_link(
    conn: &mut AnyConnection,
    email: &Email,
    registration_id: Option<i64>,
    token_id: i64,
) -> Result<(), sqlx::Error> {
    insert(conn, email, registration_id, Some(token_id), None).await
}

/// Queues a message to the applicant of `registration_id` carrying the follow link `follow_link_id` (its
/// secret as [`SECRET_PLACEHOLDER`]).
pub async fn enqueue_with_follow_link(
    conn: &mut AnyConnection,
    email: &Email,
    registration_id: i64,
    follow_link_id: i64,
) -> Result<(), sqlx::Error> {
    insert(
        conn,
        email,
        Some(registration_id),
        None,
        Some(follow_link_id),
    )
    .await
}

async fn insert(
    conn: &mut AnyConnection,
    email: &Email,
    registration_id: Option<i64>,
    token_id: Option<i64>,
    follow_link_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query::<Any>(
        "INSERT INTO outbox (kind, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, registration_id, created_at, link_token_id, follow_link_id)
         VALUES ($1, $2, $3, $4, $5, 'waiting', 0, $6, $7, $8, $9, $10)",
    )
    .bind(email.kind.code())
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.text)
    .bind(&email.html)
    .bind(now)
    .bind(registration_id)
    .bind(now)
    .bind(token_id)
    .bind(follow_link_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Draws the secret of the link `token_id` as its email leaves: its digest replaces the placeholder, so that
/// the link works from now on. `None` when the link can no longer be used (ended by a newer one, used, or
/// expired): the email must not leave.
pub async fn draw_secret(db: &Db, token_id: i64) -> Result<Option<String>, sqlx::Error> {
    let secret = crate::auth::token::random();
    let drawn = sqlx::query::<Any>(
        "UPDATE account_tokens SET token_hash = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(crate::auth::token::digest(&secret))
    .bind(token_id)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok((drawn.rows_affected() == 1).then_some(secret))
}

/// Takes the secrets out of the emails queued before they were stored without them (an older version wrote the
/// link whole): each `jeton=<secret>` becomes the placeholder, tied to its link's row, so that a waiting email
/// leaves with a fresh secret and none rests in the table. Returns how many emails were changed.
pub async fn redact_stored_secrets(db: &Db) -> Result<usize, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, body_text, body_html FROM outbox WHERE link_token_id IS NULL AND body_text LIKE '%jeton=%'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut changed = 0;
    for (id, text, html) in rows {
        let secrets = secrets_after("jeton=", &text);
        if secrets.is_empty() {
            continue;
        }
        let (mut text, mut html) = (text, html);
        let mut token_id: Option<i64> = None;
        for secret in &secrets {
            text = text.replace(secret.as_str(), SECRET_PLACEHOLDER);
            html = html.replace(secret.as_str(), SECRET_PLACEHOLDER);
            let row: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM account_tokens WHERE token_hash = $1")
                    .bind(crate::auth::token::digest(secret))
                    .fetch_optional(&db.pool)
                    .await?;
            token_id = token_id.or(row.map(|(id,)| id));
        }
        sqlx::query::<Any>(
            "UPDATE outbox SET body_text = $1, body_html = $2, link_token_id = $3 WHERE id = $4",
        )
        .bind(&text)
        .bind(&html)
        .bind(token_id)
        .bind(id)
        .execute(&db.pool)
        .await?;
        changed += 1;
    }
    Ok(changed)
}

/// The secrets (URL-safe characters) that follow `marker` in `text`.
fn secrets_after(marker: &str, text: &str) -> Vec<String> {
    text.match_indices(marker)
        .map(|(at, _)| {
            text[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .filter(|secret| secret.len() >= 16)
        .collect()
}

/// Records that a message will not be sent (its link ended before it left): failed, with the reason.
pub async fn give_up(db: &Db, id: i64, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = 'failed', locked_until = NULL, last_error = $1 WHERE id = $2",
    )
    .bind(reason)
    .bind(id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// A message claimed by a worker.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i64,
    /// The one-time link whose secret is drawn as the message leaves.
    pub link_token_id: Option<i64>,
    /// The follow link whose secret is drawn as the message leaves.
    pub follow_link_id: Option<i64>,
}

/// Claims up to `limit` of the oldest due messages for `lease_ms` (another worker may take them over after that).
/// Safe with several workers: the update re-checks the lease, so a message claimed by another is skipped.
pub async fn claim(db: &Db, lease_ms: i64, limit: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let now = now_ms();
    let mut claimed = sqlx::query_as::<Any, Claimed>(
        "UPDATE outbox SET locked_until = $1, attempts = attempts + 1
         WHERE id IN (SELECT id FROM outbox WHERE status = 'waiting' AND next_attempt_at <= $2
                      AND (locked_until IS NULL OR locked_until < $2) ORDER BY next_attempt_at, id LIMIT $3)
           AND status = 'waiting' AND (locked_until IS NULL OR locked_until < $2)
         RETURNING id, recipient, subject, body_text, body_html, attempts, link_token_id, follow_link_id",
    )
    .bind(now + lease_ms)
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Records messages as sent, in one statement (the worker's bookkeeping takes the write lock once per batch).
pub async fn mark_sent(db: &Db, ids: &[i64]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("UPDATE outbox SET status = 'sent', sent_at = ");
    sql.bind(now_ms())
        .push(", locked_until = NULL, last_error = NULL WHERE id IN (")
        .bind_list(ids.iter().copied())
        .push(")");
    sql.query().execute(&db.pool).await.map(|_| ())
}

/// Gives back claimed messages that were not tried (the worker is stopping): due again at once, their claim
/// not counted as an attempt.
pub async fn release(db: &Db, ids: &[i64]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "UPDATE outbox SET locked_until = NULL, attempts = attempts - 1 WHERE status = 'waiting' AND id IN (",
    );
    sql.bind_list(ids.iter().copied()).push(")");
    sql.query().execute(&db.pool).await.map(|_| ())
}

/// Records a failed attempt: retried later with exponential backoff, or given up after [`MAX_ATTEMPTS`].
pub async fn mark_failed(db: &Db, id: i64, attempts: i64, error: &str) -> Result<(), sqlx::Error> {
    let status = if attempts >= MAX_ATTEMPTS {
        "failed"
    } else {
        "waiting"
    };
    sqlx::query(
        "UPDATE outbox SET status = $1, next_attempt_at = $2, locked_until = NULL, last_error = $3 WHERE id = $4",
    )
    .bind(status)
    .bind(now_ms() + backoff_ms(attempts))
    .bind(error)
    .bind(id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// The outbox for the administrators: newest first, optionally one status, before an id (keyset).
pub async fn list(
    db: &Db,
    status: Option<OutboxStatus>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<OutboxItem>, sqlx::Error> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT id, kind, recipient, subject, status, attempts, last_error, created_at, sent_at, next_attempt_at, registration_id
         FROM outbox WHERE ($1 = '' OR status = $1) AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(status.map_or("", OutboxStatus::code))
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(OutboxItem {
                id: row.id,
                kind: decoded(MailKind::parse(&row.kind), "mail kind", &row.kind)?,
                recipient: row.recipient,
                subject: row.subject,
                status: decoded(
                    OutboxStatus::parse(&row.status),
                    "outbox status",
                    &row.status,
                )?,
                attempts: row.attempts,
                last_error: row.last_error,
                created_at: row.created_at,
                sent_at: row.sent_at,
                next_attempt_at: row.next_attempt_at,
                registration_id: row.registration_id,
            })
        })
        .collect()
}

/// An email as the outbox page lists it, as stored.
#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    kind: String,
    recipient: String,
    subject: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
    next_attempt_at: i64,
    registration_id: Option<i64>,
}

/// An administrator puts a failed message back in the queue, due now, with a fresh count of attempts (in the
/// audit trail). `false` when the message does not exist or has not failed.
pub async fn resend(db: &Db, actor: &Actor, id: i64) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let updated = sqlx::query::<Any>(
        "UPDATE outbox SET status = 'waiting', attempts = 0, next_attempt_at = $1, locked_until = NULL WHERE id = $2 AND status = 'failed'",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await
    .context("cannot queue the email again")?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        actor,
        AuditAction::OutboxResent,
        Some(Target::outbox(id)),
        serde_json::json!({}),
    )
    .await
    .context("cannot record the sending")?;
    tx.commit().await.context("cannot queue the email again")?;
    Ok(true)
}

/// 5 s, 10 s, 20 s… doubling, at most one hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (5_000i64.saturating_mul(1i64 << exponent)).min(3_600_000)
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn the_secrets_of_links_are_found_after_their_marker() {
        let text = "ouvrez https://x/compte/mot-de-passe?jeton=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde.\n\
                    ou https://x/compte/mot-de-passe#jeton=[jeton-non-conservé]";
        assert_eq!(
            super::secrets_after("jeton=", text),
            ["AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"]
        );
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(
            [1, 2, 3, 4].map(backoff_ms),
            [5_000, 10_000, 20_000, 40_000]
        );
        assert_eq!(backoff_ms(12), 3_600_000);
    }
}
