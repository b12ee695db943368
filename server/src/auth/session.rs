//! Server-side sessions in the database, so that several instances share them. The cookie carries a random
//! token; the table keeps its digest, the CSRF token, and the idle and absolute deadlines.

use sqlx::{Any, AnyConnection};

use super::token;
use crate::principal::Kind;
use crate::store::{Db, now_ms};

/// A session ends after this long without a request…
pub const IDLE_MS: i64 = 30 * 60 * 1000;
/// …and in any case this long after sign-in.
pub const ABSOLUTE_MS: i64 = 12 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often.
const TOUCH_MS: i64 = 60 * 1000;

/// A live session.
#[derive(Clone, Debug)]
pub struct Session {
    /// The digest of the cookie's token (the token itself is never stored).
    pub token_hash: String,
    /// The administrator's or account's id.
    pub subject_id: i64,
    /// The token every state-changing request repeats in `X-CSRF-Token`.
    pub csrf_token: String,
}

/// Opens a session; returns the token for the cookie.
pub async fn open(db: &Db, kind: Kind, subject_id: i64) -> Result<(String, Session), sqlx::Error> {
    let now = now_ms();
    sqlx::query::<Any>("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
        .bind(now)
        .bind(now - IDLE_MS)
        .execute(&db.pool)
        .await?;
    let secret = token::random();
    let session = Session {
        token_hash: token::digest(&secret),
        subject_id,
        csrf_token: token::random(),
    };
    sqlx::query::<Any>(
        "INSERT INTO sessions (token_hash, kind, subject_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(&session.token_hash)
    .bind(kind.code())
    .bind(subject_id)
    .bind(&session.csrf_token)
    .bind(now)
    .bind(now + ABSOLUTE_MS)
    .execute(&db.pool)
    .await?;
    Ok((secret, session))
}

/// The live session of this token, touched; `None` when unknown, idle too long or past its end.
pub async fn find(db: &Db, kind: Kind, secret: &str) -> Result<Option<Session>, sqlx::Error> {
    let now = now_ms();
    let token_hash = token::digest(secret);
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT subject_id, csrf_token, last_seen_at, expires_at FROM sessions WHERE token_hash = $1 AND kind = $2",
    )
    .bind(&token_hash)
    .bind(kind.code())
    .fetch_optional(&db.pool)
    .await?;
    let Some(SessionRow {
        subject_id,
        csrf_token,
        last_seen_at,
        expires_at,
    }) = row
    else {
        return Ok(None);
    };
    if now >= expires_at || now - last_seen_at >= IDLE_MS {
        close(db, secret).await?;
        return Ok(None);
    }
    if now - last_seen_at >= TOUCH_MS {
        sqlx::query::<Any>("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&token_hash)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some(Session {
        token_hash,
        subject_id,
        csrf_token,
    }))
}

/// A session, as stored.
#[derive(sqlx::FromRow)]
struct SessionRow {
    subject_id: i64,
    csrf_token: String,
    last_seen_at: i64,
    expires_at: i64,
}

/// Ends the session of this cookie token.
pub async fn close(db: &Db, secret: &str) -> Result<(), sqlx::Error> {
    close_digest(db, &token::digest(secret)).await
}

/// Ends the session whose token has this digest (sign-out).
pub async fn close_digest(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query::<Any>("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Ends every session of one administrator or account (disabled, password changed), but the one whose token
/// has the digest `except`, in the caller's transaction. An account's data API tokens end with its sessions.
pub async fn close_all(
    conn: &mut AnyConnection,
    kind: Kind,
    subject_id: i64,
    except: Option<&str>,
) -> Result<(), sqlx::Error> {
    if kind == Kind::Account {
        sqlx::query::<Any>("DELETE FROM api_tokens WHERE account_id = $1")
            .bind(subject_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query::<Any>(
        "DELETE FROM sessions WHERE kind = $1 AND subject_id = $2 AND token_hash <> $3",
    )
    .bind(kind.code())
    .bind(subject_id)
    .bind(except.unwrap_or_default())
    .execute(conn)
    .await
    .map(|_| ())
}

/// The `Set-Cookie` value opening a session: HttpOnly, SameSite=Strict, Secure when served over HTTPS.
pub fn cookie(kind: Kind, secret: &str, secure: bool) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        kind.cookie(secure),
        ABSOLUTE_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value removing the session cookie.
pub fn removal_cookie(kind: Kind, secure: bool) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        kind.cookie(secure),
        if secure { "; Secure" } else { "" }
    )
}
