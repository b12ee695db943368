//! Decisions on a request: validation (the account, its identifiant, the password link) or refusal (reasons,
//! re-application link). One transaction each, starting with the conditional update that makes the decision
//! exactly once: two administrators deciding at the same moment get one decision and one email.

use app::api::admin::{Decided, RequestStatus};
use app::domain::dates::DAY_MS;
use app::domain::login::{first_free, login_base};
use sqlx::{Any, AnyConnection};

use super::reasons::{ReadyMade, ReasonError};
use crate::AppContext;
use crate::accounts;
use crate::admins::Admin;
use crate::audit::{self, Actor, AuditAction, Target};
use crate::links;
use crate::mail::{outbox, templates};
use crate::registration::events::{self, MAX_MESSAGE_CHARS};
use crate::registration::prefill::REAPPLY_LINK_DAYS;
use crate::store::{decoded, is_unique_violation, now_ms};

/// Why a decision was not taken.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// No such request.
    #[error("no such request")]
    NotFound,
    /// Another decision came first.
    #[error("already decided")]
    AlreadyDecided {
        /// The decision taken.
        status: RequestStatus,
        /// By whom.
        by: Option<String>,
        /// When (ms since the epoch).
        at: i64,
    },
    /// The refusal is incomplete: the French message says why.
    #[error("{0}")]
    Invalid(String),
    /// An account exists for the request's address.
    #[error("an account already exists for this address")]
    AlreadyRegistered,
    /// A database failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Where a request stands, and who decided it.
#[derive(sqlx::FromRow)]
struct Decision {
    status: String,
    decided_at: Option<i64>,
    decided_by: Option<String>,
}

impl From<sqlx::Error> for DecideError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(anyhow::Error::new(error).context("database error during a decision"))
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct Applicant {
    pub(super) reference: String,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: String,
    pub(super) email_key: String,
    pub(super) siren: String,
}

/// Marks the request decided if it waits for a decision (sent, or completed after a request for a complement);
/// the first statement of the transaction, so that on SQLite it takes the write lock and on PostgreSQL the row
/// lock before anything is read.
pub(super) async fn take_decision(
    conn: &mut AnyConnection,
    id: i64,
    status: RequestStatus,
    admin: &Admin,
    now: i64,
) -> Result<Applicant, DecideError> {
    let updated = sqlx::query::<Any>(
        "UPDATE registrations SET status = $1, queue = 1, decided_at = $2, decided_by = $3 WHERE id = $4 AND status IN ('pending', 'completed')",
    )
    .bind(status.code())
    .bind(now)
    .bind(admin.id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(why_not(conn, id).await);
    }
    Ok(sqlx::query_as(
        "SELECT reference, first_name, last_name, email, email_key, siren FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Why a request cannot take a decision (or a request for a complement): none such, or where it stands, by
/// whom and since when.
pub(super) async fn why_not(conn: &mut AnyConnection, id: i64) -> DecideError {
    let existing: Result<Option<Decision>, sqlx::Error> = sqlx::query_as(
        "SELECT r.status, COALESCE(r.decided_at, r.complement_asked_at) AS decided_at,
                COALESCE(a.login, (SELECT m.actor FROM registration_messages m
                    WHERE m.registration_id = r.id AND m.author = 'reviewer' ORDER BY m.id DESC LIMIT 1)) AS decided_by
         FROM registrations r LEFT JOIN admins a ON a.id = r.decided_by WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await;
    match existing {
        Err(error) => error.into(),
        Ok(None) => DecideError::NotFound,
        Ok(Some(decision)) => {
            match decoded(
                RequestStatus::parse(&decision.status),
                "status",
                &decision.status,
            ) {
                Ok(status) => DecideError::AlreadyDecided {
                    status,
                    by: decision.decided_by,
                    at: decision.decided_at.unwrap_or_default(),
                },
                Err(error) => error.into(),
            }
        }
    }
}

/// Validates a request: creates the account with its identifiant and sends the validation email with a
/// one-time password link (only its digest is stored).
pub async fn approve(
    ctx: &AppContext,
    admin: &Admin,
    actor: &Actor,
    id: i64,
) -> Result<Decided, DecideError> {
    // Two validations of different requests may pick the same free identifiant: the loser retries.
    for _ in 0..5 {
        match approve_once(ctx, admin, actor, id).await {
            Err(DecideError::Internal(error))
                if error
                    .downcast_ref::<sqlx::Error>()
                    .is_some_and(is_unique_violation) =>
            {
                continue;
            }
            outcome => {
                if outcome.is_ok() {
                    ctx.mail_wake.notify_one();
                }
                return outcome;
            }
        }
    }
    Err(DecideError::Internal(anyhow::anyhow!(
        "no free identifiant after 5 attempts"
    )))
}

async fn approve_once(
    ctx: &AppContext,
    admin: &Admin,
    actor: &Actor,
    id: i64,
) -> Result<Decided, DecideError> {
    let now = now_ms();
    let mut tx = ctx.db.begin_write().await?;
    let applicant = take_decision(&mut tx, id, RequestStatus::Approved, admin, now).await?;
    let registered: Option<(i64,)> = sqlx::query_as("SELECT id FROM accounts WHERE email_key = $1")
        .bind(&applicant.email_key)
        .fetch_optional(&mut *tx)
        .await?;
    if registered.is_some() {
        return Err(DecideError::AlreadyRegistered);
    }
    let base = login_base(&applicant.first_name, &applicant.last_name);
    let taken: Vec<(String,)> = sqlx::query_as("SELECT login FROM accounts WHERE login LIKE $1")
        .bind(format!("{base}%"))
        .fetch_all(&mut *tx)
        .await?;
    let taken: Vec<String> = taken.into_iter().map(|(l,)| l).collect();
    let login = first_free(&base, &taken);
    let (account_id,): (i64,) = sqlx::query_as(
        "INSERT INTO accounts (login, email_key, email, siren, registration_id, created_at, disabled)
         VALUES ($1, $2, $3, $4, $5, $6, 0) RETURNING id",
    )
    .bind(&login)
    .bind(&applicant.email_key)
    .bind(&applicant.email)
    .bind(&applicant.siren)
    .bind(id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(anyhow::Error::new)?;

    let lifetime = accounts::Lifetime::Validation;
    let link = accounts::issue_password_link(ctx, &mut tx, account_id, lifetime).await?;
    events::record(
        &mut tx,
        id,
        now,
        &admin.login,
        "approved",
        &format!("Demande validée ; compte créé avec l'identifiant {login}"),
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::RegistrationApproved,
        Some(Target::registration(id)),
        serde_json::json!({ "reference": applicant.reference, "login": login, "account_id": account_id }),
    )
    .await?;
    let email = templates::validation(
        &applicant.email,
        &applicant.first_name,
        &applicant.last_name,
        &applicant.reference,
        &login,
        &templates::PasswordLink {
            url: &link.url,
            valid_for: &lifetime.words(ctx),
            policy: &ctx.config.password_policy,
        },
    );
    outbox::enqueue_with_link(&mut tx, &email, Some(id), link.token_id).await?;
    tx.commit().await?;
    Ok(Decided {
        id,
        status: RequestStatus::Approved,
        login: Some(login),
    })
}

/// Refuses a request with at least one ready-made reason and optional free text; the email quotes them and
/// links to the form filled with the request's data.
pub async fn refuse(
    ctx: &AppContext,
    admin: &Admin,
    actor: &Actor,
    id: i64,
    codes: &[String],
    message: &str,
) -> Result<Decided, DecideError> {
    let message = message.trim();
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(DecideError::Invalid(format!(
            "Le message ne doit pas dépasser {MAX_MESSAGE_CHARS} caractères."
        )));
    }
    if codes.is_empty() {
        return Err(DecideError::Invalid(
            "Choisissez au moins un motif de refus.".into(),
        ));
    }
    let chosen = match super::reasons::chosen(ctx, ReadyMade::Refusal, codes).await {
        Ok(chosen) => chosen,
        Err(ReasonError::Invalid(message)) => {
            return Err(DecideError::Invalid(format!("Le motif {message}")));
        }
        Err(ReasonError::Internal(error)) => return Err(DecideError::Internal(error)),
    };
    let key = ctx.link_key().await?;
    let now = now_ms();
    let mut tx = ctx.db.begin_write().await?;
    let applicant = take_decision(&mut tx, id, RequestStatus::Refused, admin, now).await?;
    let code_list: Vec<&str> = chosen.iter().map(|r| r.code.as_str()).collect();
    sqlx::query::<Any>(
        "UPDATE registrations SET refusal_reasons = $1, refusal_message = $2 WHERE id = $3",
    )
    .bind(serde_json::to_string(&code_list).unwrap_or_else(|_| "[]".into()))
    .bind((!message.is_empty()).then_some(message))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let labels: Vec<&str> = chosen.iter().map(|r| r.label.as_str()).collect();
    events::record(
        &mut tx,
        id,
        now,
        &admin.login,
        "refused",
        &format!("Demande refusée : {}", labels.join(", ")),
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::RegistrationRefused,
        Some(Target::registration(id)),
        serde_json::json!({ "reference": applicant.reference, "reasons": code_list, "message": message }),
    )
    .await?;
    let link = format!(
        "{}/inscription#reprise={}",
        ctx.config.public_url,
        links::sign(
            &key,
            crate::registration::prefill::LINK_PURPOSE,
            id,
            now + REAPPLY_LINK_DAYS * DAY_MS
        )
    );
    let bodies: Vec<String> = chosen.iter().map(|r| r.body.clone()).collect();
    let email = templates::refusal(
        &applicant.email,
        &templates::Refusal {
            first_name: &applicant.first_name,
            last_name: &applicant.last_name,
            reference: &applicant.reference,
            reasons: &bodies,
            message: (!message.is_empty()).then_some(message),
            link: &link,
            kept_days: ctx.config.legal.retention.refused_days,
        },
    );
    outbox::enqueue(&mut tx, &email, Some(id)).await?;
    tx.commit().await?;
    ctx.mail_wake.notify_one();
    Ok(Decided {
        id,
        status: RequestStatus::Refused,
        login: None,
    })
}
