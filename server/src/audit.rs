//! The audit trail: who did what, when and why. The application only ever inserts into it (the database
//! refuses updates and deletions), within the transaction of the change it records.

use serde::Serialize;
use sqlx::{Any, AnyConnection};

use crate::principal::Kind;
use crate::store::{decoded, now_ms};

pub use app::api::admin::AuditAction;

/// Who acts.
#[derive(Clone, Debug)]
pub struct Actor {
    pub kind: &'static str,
    pub id: Option<i64>,
    pub login: Option<String>,
    pub address: Option<String>,
}

impl Actor {
    /// An administrator or an API account.
    pub fn principal(kind: Kind, id: i64, login: &str, address: Option<String>) -> Self {
        Self {
            kind: kind.code(),
            id: Some(id),
            login: Some(login.to_string()),
            address,
        }
    }

    pub fn admin(id: i64, login: &str, address: Option<String>) -> Self {
        Self::principal(Kind::Admin, id, login, address)
    }

    /// The applicant of a request, acting from the follow link (no identity but the client address).
    pub fn applicant(address: &str) -> Self {
        Self {
            kind: "applicant",
            id: None,
            login: None,
            address: Some(address.to_string()),
        }
    }

    pub fn system() -> Self {
        Self {
            kind: "system",
            id: None,
            login: None,
            address: None,
        }
    }
}

/// What is acted upon.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub kind: &'static str,
    pub id: i64,
}

impl Target {
    pub fn registration(id: i64) -> Self {
        Self {
            kind: "registration",
            id,
        }
    }

    /// An administrator or an API account.
    pub fn principal(kind: Kind, id: i64) -> Self {
        Self {
            kind: kind.code(),
            id,
        }
    }

    pub fn admin(id: i64) -> Self {
        Self::principal(Kind::Admin, id)
    }

    pub fn account(id: i64) -> Self {
        Self::principal(Kind::Account, id)
    }

    pub fn outbox(id: i64) -> Self {
        Self { kind: "outbox", id }
    }
}

pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: AuditAction,
    target: Option<Target>,
    detail: impl Serialize,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Any>(
        "INSERT INTO audit_log (at, actor_kind, actor_id, actor_login, action, target_kind, target_id, detail, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_ms())
    .bind(actor.kind)
    .bind(actor.id)
    .bind(actor.login.as_deref())
    .bind(action.code())
    .bind(target.map(|t| t.kind))
    .bind(target.map(|t| t.id))
    .bind(serde_json::to_string(&detail).unwrap_or_else(|_| "{}".into()))
    .bind(actor.address.as_deref())
    .execute(conn)
    .await
    .map(|_| ())
}

/// The trail, newest first, before an id (keyset); optionally one target.
pub async fn list(
    db: &crate::store::Db,
    target: Option<Target>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<app::api::admin::AuditEntry>, sqlx::Error> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT id, at, actor_kind, actor_login, action, target_kind, target_id, detail, ip FROM audit_log
         WHERE id < $1 AND ($2 = '' OR (target_kind = $2 AND target_id = $3)) ORDER BY id DESC LIMIT $4",
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(target.map_or("", |t| t.kind))
    .bind(target.map_or(0, |t| t.id))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(app::api::admin::AuditEntry {
                id: row.id,
                at: row.at,
                actor: row.actor_login.unwrap_or(row.actor_kind),
                action: decoded(AuditAction::parse(&row.action), "audit action", &row.action)?,
                target: row
                    .target_kind
                    .zip(row.target_id)
                    .map(|(k, i)| format!("{k} {i}")),
                detail: row.detail,
                ip: row.ip,
            })
        })
        .collect()
}

/// An entry of the trail, as stored.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: i64,
    actor_kind: String,
    actor_login: Option<String>,
    action: String,
    target_kind: Option<String>,
    target_id: Option<i64>,
    detail: String,
    ip: Option<String>,
}
