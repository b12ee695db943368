//! Asking the applicant to complete a request instead of refusing it, and what follows when no answer comes:
//! one reminder after `GEODAE_COMPLEMENT_REMINDER_DAYS`, the request closed without follow-up after
//! `GEODAE_COMPLEMENT_CLOSE_DAYS` ([`sweep`], run every hour, its clock given by the caller). Also « Je m'en
//! occupe »: a reviewer takes a request ([`take`]), the others see who has it.
//!
//! Asking follows the rules of a decision: one conditional update first, so that two reviewers asking and
//! deciding at once get one outcome and one clear refusal.

use std::time::Duration;

use anyhow::Context;
use app::api::admin::{Decided, ExchangeAuthor, RequestStatus};
use app::domain::dates::{self, DAY_MS};
use sqlx::{Any, AnyConnection};

use super::decide::{DecideError, why_not};
use super::reasons::{self, ReadyMade, ReasonError};
use crate::AppContext;
use crate::admins::Admin;
use crate::audit::{self, Actor, AuditAction, Target};
use crate::mail::{outbox, templates};
use crate::registration::events::MAX_MESSAGE_CHARS;
use crate::registration::events::{self, record_message};
use crate::registration::follow;
use crate::store::{Db, now_ms};

/// The applicant of a request, for its emails.
#[derive(sqlx::FromRow)]
struct Applicant {
    reference: String,
    first_name: String,
    last_name: String,
    email: String,
}

async fn applicant(conn: &mut AnyConnection, id: i64) -> Result<Applicant, sqlx::Error> {
    sqlx::query_as(
        "SELECT reference, first_name, last_name, email FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await
}

/// The message sent to the applicant: the ready-made sentences chosen, then the reviewer's own words.
fn message_of(bodies: &[String], own: &str) -> String {
    let mut parts: Vec<&str> = bodies.iter().map(String::as_str).collect();
    if !own.is_empty() {
        parts.push(own);
    }
    parts.join("\n\n")
}

/// The day a request for a complement asked at `asked_at` closes, in words.
fn closes_on(ctx: &AppContext, asked_at: i64) -> String {
    dates::date(asked_at + ctx.config.complement_close_days * DAY_MS)
}

/// Asks the applicant to complete a request waiting for a decision: ready-made messages (codes) and/or the
/// reviewer's own words, emailed with a new follow link; the request leaves the queue until the answer.
pub async fn ask(
    ctx: &AppContext,
    admin: &Admin,
    actor: &Actor,
    id: i64,
    codes: &[String],
    own: &str,
) -> Result<Decided, DecideError> {
    let own = own.trim();
    if own.chars().count() > MAX_MESSAGE_CHARS {
        return Err(DecideError::Invalid(format!(
            "Le message ne doit pas dépasser {MAX_MESSAGE_CHARS} caractères."
        )));
    }
    let chosen = match reasons::chosen(ctx, ReadyMade::Complement, codes).await {
        Ok(chosen) => chosen,
        Err(ReasonError::Invalid(message)) => {
            return Err(DecideError::Invalid(format!("Le message {message}")));
        }
        Err(ReasonError::Internal(error)) => return Err(DecideError::Internal(error)),
    };
    if chosen.is_empty() && own.is_empty() {
        return Err(DecideError::Invalid(
            "Choisissez au moins un message ou écrivez le vôtre : le demandeur doit savoir quoi compléter."
                .into(),
        ));
    }
    let bodies: Vec<String> = chosen.iter().map(|m| m.body.clone()).collect();
    let message = message_of(&bodies, own);
    let now = now_ms();
    let mut tx = ctx.db.begin_write().await?;
    // The first statement: the write lock (SQLite) or the row lock (PostgreSQL) before anything is read.
    let asked = sqlx::query::<Any>(
        "UPDATE registrations SET status = 'complement', queue = 1, complement_asked_at = $1, complement_reminded_at = NULL
         WHERE id = $2 AND status IN ('pending', 'completed')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if asked.rows_affected() == 0 {
        return Err(why_not(&mut tx, id).await);
    }
    let applicant = applicant(&mut tx, id).await?;
    record_message(
        &mut tx,
        id,
        now,
        ExchangeAuthor::Reviewer,
        &admin.login,
        &message,
        "[]",
    )
    .await?;
    let labels: Vec<&str> = chosen.iter().map(|m| m.label.as_str()).collect();
    events::record(
        &mut tx,
        id,
        now,
        &admin.login,
        "complement_asked",
        &if labels.is_empty() {
            "Complément demandé au demandeur".to_string()
        } else {
            format!("Complément demandé au demandeur : {}", labels.join(", "))
        },
    )
    .await?;
    let codes: Vec<&str> = chosen.iter().map(|m| m.code.as_str()).collect();
    audit::record(
        &mut tx,
        actor,
        AuditAction::RegistrationComplementAsked,
        Some(Target::registration(id)),
        serde_json::json!({ "reference": applicant.reference, "messages": codes, "message": own }),
    )
    .await?;
    let (link_id, url) = follow::new_link(&mut tx, &ctx.config.public_url, id).await?;
    let email = templates::complement_asked(&templates::Complement {
        to: &applicant.email,
        first_name: &applicant.first_name,
        last_name: &applicant.last_name,
        reference: &applicant.reference,
        message: &message,
        follow_url: &url,
        closes_on: &closes_on(ctx, now),
    });
    outbox::enqueue_with_follow_link(&mut tx, &email, id, link_id).await?;
    tx.commit().await?;
    ctx.mail_wake.notify_one();
    Ok(Decided {
        id,
        status: RequestStatus::Complement,
        login: None,
    })
}

/// What one [`sweep`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Applicants reminded.
    pub reminded: u64,
    /// Requests closed without follow-up.
    pub closed: u64,
}

/// At `now`: reminds once the applicants who have not answered a request for a complement within the reminder
/// delay, and closes without follow-up the requests still waiting after the closing delay (the applicant told;
/// retention applies from then). Each request in a transaction of its own, taken by a conditional update: two
/// instances sweeping at once remind and close each request once.
pub async fn sweep(ctx: &AppContext, now: i64) -> anyhow::Result<Swept> {
    let mut swept = Swept::default();
    let close_before = now - ctx.config.complement_close_days * DAY_MS;
    let remind_before = now - ctx.config.complement_reminder_days * DAY_MS;
    let closing: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM registrations WHERE status = 'complement' AND complement_asked_at <= $1 ORDER BY id",
    )
    .bind(close_before)
    .fetch_all(&ctx.db.pool)
    .await
    .context("cannot read the requests waiting for a complement")?;
    for (id,) in closing {
        if close(ctx, id, now, close_before).await? {
            swept.closed += 1;
        }
    }
    let reminding: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM registrations WHERE status = 'complement' AND complement_reminded_at IS NULL
         AND complement_asked_at <= $1 ORDER BY id",
    )
    .bind(remind_before)
    .fetch_all(&ctx.db.pool)
    .await
    .context("cannot read the requests waiting for a complement")?;
    for (id,) in reminding {
        if remind(ctx, id, now, remind_before).await? {
            swept.reminded += 1;
        }
    }
    if swept != Swept::default() {
        ctx.mail_wake.notify_one();
    }
    Ok(swept)
}

async fn close(ctx: &AppContext, id: i64, now: i64, asked_before: i64) -> anyhow::Result<bool> {
    let mut tx = ctx.db.begin().await?;
    let taken = sqlx::query::<Any>(
        "UPDATE registrations SET status = 'closed', queue = 1, decided_at = $1
         WHERE id = $2 AND status = 'complement' AND complement_asked_at <= $3",
    )
    .bind(now)
    .bind(id)
    .bind(asked_before)
    .execute(&mut *tx)
    .await
    .context("cannot close the request")?;
    if taken.rows_affected() == 0 {
        return Ok(false);
    }
    let applicant = applicant(&mut tx, id)
        .await
        .context("cannot read the request")?;
    events::record(
        &mut tx,
        id,
        now,
        events::SYSTEM,
        "closed",
        "Demande classée sans suite : le complément demandé n'est pas venu",
    )
    .await
    .context("cannot record the closing")?;
    audit::record(
        &mut tx,
        &Actor::system(),
        AuditAction::RegistrationClosed,
        Some(Target::registration(id)),
        serde_json::json!({ "reference": applicant.reference }),
    )
    .await
    .context("cannot record the closing")?;
    let email = templates::closed(
        &applicant.email,
        &applicant.first_name,
        &applicant.last_name,
        &applicant.reference,
        &ctx.config.public_url,
    );
    outbox::enqueue(&mut tx, &email, Some(id))
        .await
        .context("cannot queue the closing email")?;
    tx.commit().await.context("cannot close the request")?;
    Ok(true)
}

async fn remind(ctx: &AppContext, id: i64, now: i64, asked_before: i64) -> anyhow::Result<bool> {
    let mut tx = ctx.db.begin().await?;
    let taken = sqlx::query::<Any>(
        "UPDATE registrations SET complement_reminded_at = $1
         WHERE id = $2 AND status = 'complement' AND complement_reminded_at IS NULL AND complement_asked_at <= $3",
    )
    .bind(now)
    .bind(id)
    .bind(asked_before)
    .execute(&mut *tx)
    .await
    .context("cannot mark the reminder")?;
    if taken.rows_affected() == 0 {
        return Ok(false);
    }
    let applicant = applicant(&mut tx, id)
        .await
        .context("cannot read the request")?;
    let asked: (Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT r.complement_asked_at, (SELECT m.body FROM registration_messages m
            WHERE m.registration_id = r.id AND m.author = 'reviewer' ORDER BY m.id DESC LIMIT 1)
         FROM registrations r WHERE r.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .context("cannot read the request for a complement")?;
    events::record(
        &mut tx,
        id,
        now,
        events::SYSTEM,
        "complement_reminded",
        "Rappel envoyé au demandeur : le complément demandé n'est pas venu",
    )
    .await
    .context("cannot record the reminder")?;
    let (link_id, url) = follow::new_link(&mut tx, &ctx.config.public_url, id)
        .await
        .context("cannot create the follow link")?;
    let email = templates::complement_reminder(&templates::Complement {
        to: &applicant.email,
        first_name: &applicant.first_name,
        last_name: &applicant.last_name,
        reference: &applicant.reference,
        message: asked.1.as_deref().unwrap_or_default(),
        follow_url: &url,
        closes_on: &closes_on(ctx, asked.0.unwrap_or(now)),
    });
    outbox::enqueue_with_follow_link(&mut tx, &email, id, link_id)
        .await
        .context("cannot queue the reminder")?;
    tx.commit().await.context("cannot send the reminder")?;
    Ok(true)
}

/// Runs [`sweep`] every hour (first a minute after the start), logging what it did.
pub async fn run(ctx: AppContext, mut stopping: tokio::sync::watch::Receiver<bool>) {
    let mut wait = Duration::from_secs(60);
    loop {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        match sweep(&ctx, now_ms()).await {
            Ok(swept) if swept != Swept::default() => {
                tracing::info!(?swept, "complements: applicants reminded, requests closed");
            }
            Ok(_) => {}
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "complements: the sweep failed"
                );
            }
        }
        wait = Duration::from_secs(60 * 60);
    }
}

/// Why a request was not taken or let go.
#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    /// No such request.
    #[error("no such request")]
    NotFound,
    /// The request is no longer under way.
    #[error("the request is {0:?}")]
    Closed(RequestStatus),
    /// A database failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for TakeError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(anyhow::Error::new(error).context("cannot take the request"))
    }
}

/// Who holds a request, as read before taking it.
#[derive(sqlx::FromRow)]
struct Holder {
    status: String,
    taken_by: Option<i64>,
    login: Option<String>,
}

/// « Je m'en occupe » (`take`) or « Ne plus m'en occuper » (`!take`): the reviewer takes a request under way,
/// from whoever had it (named in its history), or lets it go. The update is conditioned on the holder read
/// just before: two reviewers taking it at once both succeed, one after the other, and the history says so.
pub async fn take(
    db: &Db,
    admin: &Admin,
    actor: &Actor,
    id: i64,
    take: bool,
) -> Result<(), TakeError> {
    for _ in 0..5 {
        let holder: Option<Holder> = sqlx::query_as(
            "SELECT r.status, r.taken_by, a.login FROM registrations r LEFT JOIN admins a ON a.id = r.taken_by
             WHERE r.id = $1 AND r.erased_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
        let Some(holder) = holder else {
            return Err(TakeError::NotFound);
        };
        let status = RequestStatus::parse(&holder.status)
            .ok_or_else(|| anyhow::anyhow!("unknown status {:?}", holder.status))?;
        if !status.is_open() {
            return Err(TakeError::Closed(status));
        }
        let wanted = take.then_some(admin.id);
        if holder.taken_by == wanted {
            return Ok(());
        }
        let now = now_ms();
        let mut tx = db.begin_write().await?;
        let updated = sqlx::query::<Any>(
            "UPDATE registrations SET taken_by = $1, taken_at = $2 WHERE id = $3
             AND status IN ('pending', 'complement', 'completed') AND COALESCE(taken_by, 0) = $4",
        )
        .bind(wanted)
        .bind(take.then_some(now))
        .bind(id)
        .bind(holder.taken_by.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            // Taken, let go or decided meanwhile: read again.
            continue;
        }
        let had = holder.login;
        let detail = match (take, had.as_deref()) {
            (true, Some(other)) => {
                format!(
                    "Prise en charge par {} (à la place de {other})",
                    admin.login
                )
            }
            (true, None) => format!("Prise en charge par {}", admin.login),
            (false, Some(other)) if other != admin.login => {
                format!("Laissée à d'autres (elle était prise en charge par {other})")
            }
            (false, _) => "Laissée à d'autres".to_string(),
        };
        events::record(
            &mut tx,
            id,
            now,
            &admin.login,
            if take { "taken" } else { "released" },
            &detail,
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            if take {
                AuditAction::RegistrationTaken
            } else {
                AuditAction::RegistrationReleased
            },
            Some(Target::registration(id)),
            serde_json::json!({ "previous": had }),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    Err(TakeError::Internal(anyhow::anyhow!(
        "the request changed hands five times while being taken"
    )))
}
