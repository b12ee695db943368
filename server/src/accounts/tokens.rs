//! Bearer tokens of the data API (`POST /api/login`, as Géo'DAE's): random, kept as a digest, valid 30 minutes,
//! ended with the account's sessions when it is disabled or its password changes.

use sqlx::Any;

use crate::auth::token;
use crate::store::{Db, now_ms};

/// How long a token is valid, used or not.
pub const LIFE_MS: i64 = 30 * 60 * 1000;

/// Issues a token for an account; only its digest is stored.
pub async fn issue(db: &Db, account_id: i64) -> Result<String, sqlx::Error> {
    let now = now_ms();
    sqlx::query::<Any>("DELETE FROM api_tokens WHERE expires_at <= $1")
        .bind(now)
        .execute(&db.pool)
        .await?;
    let secret = token::random();
    sqlx::query::<Any>(
        "INSERT INTO api_tokens (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token::digest(&secret))
    .bind(account_id)
    .bind(now)
    .bind(now + LIFE_MS)
    .execute(&db.pool)
    .await?;
    Ok(secret)
}

/// The account a token was issued to, while it is valid and the account enabled.
pub async fn account_of(db: &Db, secret: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.login FROM api_tokens t JOIN accounts a ON a.id = t.account_id
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND a.disabled = 0",
    )
    .bind(token::digest(secret))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await
}
