//! The ministry's inbox in a burst: each new request is announced by its own notice up to the allowance
//! (`GEODAE_MINISTRY_NOTICES`); past it, new requests wait in `notice_digest` and go out together in one
//! digest, at most one per window of the allowance (with `20/h`: at most 20 notices and one digest an hour,
//! whatever the number of requests), so that a flood of requests never becomes a flood of emails.

use anyhow::Context;
use sqlx::{Any, AnyConnection};

use super::outbox;
use super::templates::{self, DIGEST_LISTED, DigestEntry};
use crate::config::Config;
use crate::flood::{self, Rate, Scope};
use crate::store::{Db, now_ms};

/// What the digest says of a request.
#[derive(sqlx::FromRow)]
struct DigestRow {
    reference: String,
    company_name: String,
    siren: String,
}

/// Counts one notice against the allowance: `false` when past it (the request waits for the digest).
pub async fn notice_allowed(conn: &mut AnyConnection, rate: Rate) -> Result<bool, sqlx::Error> {
    flood::allowed(flood::hit(conn, "notice:ministry", rate, Scope::Global).await)
}

/// Puts a new request in the next digest, in the caller's transaction.
pub async fn postpone(
    conn: &mut AnyConnection,
    registration_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Any>("INSERT INTO notice_digest (registration_id, created_at) VALUES ($1, $2)")
        .bind(registration_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Queues the digest when the oldest waiting request has waited one window of the allowance and no digest went
/// in that time: every waiting request, in one email to each address of the ministry. Returns how many it told of.
/// Several instances may call it: the digest counter lets one of them through.
pub async fn flush(db: &Db, config: &Config) -> anyhow::Result<usize> {
    let window_ms = config.flood.ministry_notices.window_ms;
    let now = now_ms();
    let (oldest,): (Option<i64>,) = sqlx::query_as("SELECT MIN(created_at) FROM notice_digest")
        .fetch_one(&db.pool)
        .await
        .context("cannot read the digest")?;
    if oldest.is_none_or(|oldest| now - oldest < window_ms) {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let every = Rate { max: 1, window_ms };
    if !flood::allowed(flood::hit(&mut tx, "digest:ministry", every, Scope::Global).await)
        .context("cannot count digests")?
    {
        return Ok(0);
    }
    let ids: Vec<(i64,)> = sqlx::query_as(
        "DELETE FROM notice_digest WHERE created_at <= $1 RETURNING registration_id",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await
    .context("cannot take the digest's requests")?;
    let mut ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
    ids.sort_unstable();
    let mut entries = Vec::new();
    for id in ids.iter().take(DIGEST_LISTED) {
        let DigestRow {
            reference,
            company_name,
            siren,
        } = sqlx::query_as(
            "SELECT reference, company_name, siren FROM registrations WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .context("cannot read a request of the digest")?;
        entries.push(DigestEntry {
            id: *id,
            reference,
            company_name,
            siren,
        });
    }
    if !ids.is_empty() {
        let allowance = config.flood.ministry_notices.in_words("avis");
        for admin in &config.admin_emails {
            let email =
                templates::admin_digest(&entries, ids.len(), &allowance, admin, &config.public_url);
            outbox::enqueue(&mut tx, &email, None)
                .await
                .context("cannot queue the digest")?;
        }
    }
    tx.commit().await.context("cannot queue the digest")?;
    if !ids.is_empty() {
        tracing::info!(requests = ids.len(), "digest of new requests queued");
    }
    Ok(ids.len())
}
