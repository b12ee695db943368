//! A request's history: what happened to it, when and by whom, shown to the reviewers and to the applicant;
//! and the folded text the dashboard's search matches.

use anyhow::Context;
use app::api::admin::{Exchange, ExchangeAuthor, FieldChange, HistoryEntry};
use app::domain::person_name::fold;
use sqlx::{Any, AnyConnection};

use crate::store::Db;

/// Longest text of a reviewer's message (a refusal's, a request for a complement's) or of an applicant's answer.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// The actor of the applicant's own events.
pub const APPLICANT: &str = "demandeur";
/// The actor of the server's own events (the register checked again).
pub const SYSTEM: &str = "système";

/// Adds an event to a request's history, in the caller's transaction.
pub async fn record(
    conn: &mut AnyConnection,
    registration_id: i64,
    at: i64,
    actor: &str,
    kind: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Any>(
        "INSERT INTO registration_events (registration_id, at, actor, kind, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(registration_id)
    .bind(at)
    .bind(actor)
    .bind(kind)
    .bind(detail)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A request's events, oldest first.
pub async fn history(db: &Db, registration_id: i64) -> anyhow::Result<Vec<HistoryEntry>> {
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT at, actor, kind, detail FROM registration_events WHERE registration_id = $1 ORDER BY id",
    )
    .bind(registration_id)
    .fetch_all(&db.pool)
    .await
    .context("cannot read the history")?;
    Ok(events
        .into_iter()
        .map(|event| HistoryEntry {
            at: event.at,
            actor: event.actor,
            action: event.kind,
            detail: event.detail,
        })
        .collect())
}

/// Records a message of the exchange, in the caller's transaction.
pub async fn record_message(
    conn: &mut AnyConnection,
    registration_id: i64,
    at: i64,
    author: ExchangeAuthor,
    actor: &str,
    body: &str,
    changes: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Any>(
        "INSERT INTO registration_messages (registration_id, at, author, actor, body, changes) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(registration_id)
    .bind(at)
    .bind(match author {
        ExchangeAuthor::Reviewer => "reviewer",
        ExchangeAuthor::Applicant => "applicant",
    })
    .bind(actor)
    .bind(body)
    .bind(changes)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A request's exchange between reviewers and applicant, oldest first; the reviewers' identifiants are left
/// out for the applicant (`for_applicant`).
pub async fn exchanges<'c>(
    executor: impl sqlx::Executor<'c, Database = Any>,
    registration_id: i64,
    for_applicant: bool,
) -> anyhow::Result<Vec<Exchange>> {
    let rows: Vec<MessageRow> = sqlx::query_as(
        "SELECT at, author, actor, body, changes FROM registration_messages WHERE registration_id = $1 ORDER BY id",
    )
    .bind(registration_id)
    .fetch_all(executor)
    .await
    .context("cannot read the exchange")?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let author = if row.author == "reviewer" {
                ExchangeAuthor::Reviewer
            } else {
                ExchangeAuthor::Applicant
            };
            let changes: Vec<(String, String, String)> =
                serde_json::from_str(&row.changes).unwrap_or_default();
            Exchange {
                at: row.at,
                author,
                actor: if for_applicant && author == ExchangeAuthor::Reviewer {
                    "administrateur".to_string()
                } else {
                    row.actor
                },
                body: row.body,
                changes: changes
                    .into_iter()
                    .map(|(field, before, after)| FieldChange {
                        field,
                        before,
                        after,
                    })
                    .collect(),
            }
        })
        .collect())
}

/// A message of the exchange, as stored.
#[derive(sqlx::FromRow)]
struct MessageRow {
    at: i64,
    author: String,
    actor: String,
    body: String,
    changes: String,
}

/// An event, as stored.
#[derive(sqlx::FromRow)]
struct EventRow {
    at: i64,
    actor: String,
    kind: String,
    detail: String,
}

/// The text a search matches: reference, names, email, SIREN and raison sociale, lowercase without accents.
pub fn search_text(parts: &[&str]) -> String {
    fold(&parts.join(" "))
}
