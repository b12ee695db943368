//! An applicant's rights over their data (RGPD articles 15 and 17), exercised by an administrator on the
//! request's page: a copy of everything held about the request and its account, and its erasure. Both are
//! recorded in the audit trail with who and why.

use anyhow::Context;
use app::api::admin::Erased;
use app::domain::dates;
use serde::Serialize;
use sqlx::{Any, AnyConnection};

use crate::AppContext;
use crate::audit::{self, Actor, AuditAction, Target};
use crate::retention;
use crate::store::now_ms;

/// Why a right is exercised: checked before anything is read or changed.
pub fn reason(text: &str) -> Result<&str, &'static str> {
    let text = text.trim();
    match text.chars().count() {
        0..=2 => Err(
            "Motif : indiquez qui a fait la demande, quand et comment (par exemple « mail du demandeur du 3 mars »).",
        ),
        3..=500 => Ok(text),
        _ => Err("Motif : 500 caractères au plus."),
    }
}

/// Everything held about one request and its account, dates in words, without secrets (password hash, the
/// hashes of links, sessions and tokens).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonalData {
    /// When this copy was made.
    pub exported_at: String,
    /// Who holds the data, and where to ask about it.
    pub controller: String,
    /// The request as sent, and its decision.
    pub request: RequestData,
    /// The request's history.
    pub history: Vec<Event>,
    /// The exchange with the reviewers: requests for a complement and the answers, with what changed.
    pub exchanges: Vec<app::api::admin::Exchange>,
    /// The account created when the request was validated.
    pub account: Option<AccountData>,
    /// The data API's calls per day.
    pub api_usage: Vec<UsageDay>,
    /// Password links sent.
    pub links: Vec<Link>,
    /// Sessions of the account.
    pub sessions: Vec<Session>,
    /// Emails sent about the request or to its address.
    pub emails: Vec<EmailData>,
    /// The audit trail's entries about the request and the account.
    pub audit: Vec<AuditData>,
}

/// The request.
#[derive(Debug, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct RequestData {
    /// The request's reference.
    pub reference: String,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    /// Nom.
    pub last_name: String,
    /// Prénom.
    pub first_name: String,
    /// The email address.
    pub email: String,
    /// The telephone (E.164).
    pub phone: String,
    /// The kind of organisation.
    pub organisation_kind: String,
    /// SIREN.
    pub siren: String,
    /// SIRET, when given.
    pub siret: Option<String>,
    /// Raison sociale.
    pub company_name: String,
    /// Codes of the refusal reasons.
    pub refusal_reasons: Option<String>,
    /// The administrator's message with a refusal.
    pub refusal_message: Option<String>,
    /// When it was created.
    #[serde(serialize_with = "date_time")]
    pub created_at: i64,
    /// When it was decided.
    #[serde(serialize_with = "maybe_date_time")]
    pub decided_at: Option<i64>,
}

/// One step of the history.
#[derive(Debug, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Event {
    /// When.
    #[serde(serialize_with = "date_time")]
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What.
    pub detail: String,
}

/// The API account.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountData {
    /// Its internal id (not exported).
    #[serde(skip)]
    pub id: i64,
    /// The identifiant.
    pub login: String,
    /// The email address.
    pub email: String,
    /// When it was created.
    #[serde(serialize_with = "date_time")]
    pub created_at: i64,
    /// Whether a password was created (it is kept only as an irreversible hash, not given).
    pub password_set: bool,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// When it was disabled.
    #[serde(serialize_with = "maybe_date_time")]
    pub disabled_at: Option<i64>,
}

/// One day's use of the data API.
#[derive(Debug, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct UsageDay {
    /// The day (UTC).
    pub day: String,
    /// Calls answered.
    pub calls: i64,
    /// Calls refused past the rate.
    pub refused: i64,
}

/// A password link (its secret is not kept).
#[derive(Debug, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Link {
    /// What the link was for.
    pub purpose: String,
    /// When it was created.
    #[serde(serialize_with = "date_time")]
    pub created_at: i64,
    /// When it ends.
    #[serde(serialize_with = "date_time")]
    pub expires_at: i64,
    /// When it was used.
    #[serde(serialize_with = "maybe_date_time")]
    pub used_at: Option<i64>,
}

/// A session (its secret is not kept).
#[derive(Debug, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Session {
    /// When it was created.
    #[serde(serialize_with = "date_time")]
    pub created_at: i64,
    /// Last use.
    #[serde(serialize_with = "date_time")]
    pub last_seen_at: i64,
    /// When it ends.
    #[serde(serialize_with = "date_time")]
    pub expires_at: i64,
}

/// An email.
#[derive(Debug, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct EmailData {
    /// To whom.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// The text sent.
    pub body_text: String,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    /// When it was created.
    #[serde(serialize_with = "date_time")]
    pub created_at: i64,
    /// When it was sent.
    #[serde(serialize_with = "maybe_date_time")]
    pub sent_at: Option<i64>,
}

/// An entry of the audit trail.
#[derive(Debug, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct AuditData {
    /// When.
    #[serde(serialize_with = "date_time")]
    pub at: i64,
    /// The action.
    pub action: String,
    /// Who acted.
    pub actor_login: Option<String>,
    /// The address the action came from.
    pub ip: Option<String>,
    /// What.
    pub detail: String,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's signature
fn date_time<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&dates::date_time(*ms))
}

#[allow(clippy::ref_option)] // serde's signature
fn maybe_date_time<S: serde::Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => date_time(ms, s),
        None => s.serialize_none(),
    }
}

/// The copy of one request's data, recorded in the audit trail; `None` when there is no such request (or
/// nothing is left of it to copy).
pub async fn export(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    why: &str,
) -> anyhow::Result<Option<PersonalData>> {
    let mut tx = ctx.db.begin_write().await?;
    let conn: &mut AnyConnection = &mut tx;
    let request: Option<RequestData> = sqlx::query_as(
        "SELECT reference, status, last_name, first_name, email, phone, organisation_kind, siren, siret,
                company_name, refusal_reasons, refusal_message, created_at, decided_at
         FROM registrations WHERE id = $1 AND erased_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .context("cannot read the request")?;
    let Some(request) = request else {
        return Ok(None);
    };
    let history: Vec<Event> = sqlx::query_as(
        "SELECT at, actor, detail FROM registration_events WHERE registration_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the history")?;
    let exchanges = crate::registration::events::exchanges(&mut *conn, id, false).await?;
    let account: Option<AccountData> = sqlx::query_as(
        "SELECT id, login, email, created_at, CAST(CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS password_set,
                disabled, disabled_at
         FROM accounts WHERE registration_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .context("cannot read the account")?
    .map(|row: AccountRow| row.into());
    let account_id = account.as_ref().map_or(-1, |a| a.id);
    let api_usage = sqlx::query_as(
        "SELECT day, calls, refused FROM api_usage WHERE account_id = $1 ORDER BY day",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the API use")?;
    let links = sqlx::query_as(
        "SELECT purpose, created_at, expires_at, used_at FROM account_tokens WHERE account_id = $1 ORDER BY id",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the links")?;
    let sessions = sqlx::query_as(
        "SELECT created_at, last_seen_at, expires_at FROM sessions WHERE kind = 'account' AND subject_id = $1
         ORDER BY created_at",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the sessions")?;
    let emails = sqlx::query_as(
        "SELECT recipient, subject, body_text, status, created_at, sent_at FROM outbox
         WHERE registration_id = $1 OR recipient = $2 ORDER BY id",
    )
    .bind(id)
    .bind(&request.email)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the emails")?;
    let audit_entries = sqlx::query_as(
        "SELECT at, action, actor_login, ip, detail FROM audit_log
         WHERE (target_kind = 'registration' AND target_id = $1) OR (target_kind = 'account' AND target_id = $2)
            OR (actor_kind = 'account' AND actor_id = $2)
         ORDER BY id",
    )
    .bind(id)
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the audit trail")?;
    audit::record(
        conn,
        actor,
        AuditAction::RegistrationExported,
        Some(Target::registration(id)),
        serde_json::json!({ "reference": request.reference, "reason": why }),
    )
    .await
    .context("cannot record the copy")?;
    tx.commit().await.context("cannot record the copy")?;
    let legal = &ctx.config.legal;
    Ok(Some(PersonalData {
        exported_at: dates::date_time(now_ms()),
        controller: format!(
            "{}, {} ; contact : {}",
            legal.publisher,
            legal.publisher_address,
            app::api::CONTACT_EMAIL
        ),
        request,
        history,
        exchanges,
        account,
        api_usage,
        links,
        sessions,
        emails,
        audit: audit_entries,
    }))
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    login: String,
    email: String,
    created_at: i64,
    password_set: i64,
    disabled: i64,
    disabled_at: Option<i64>,
}

impl From<AccountRow> for AccountData {
    fn from(row: AccountRow) -> Self {
        Self {
            id: row.id,
            login: row.login,
            email: row.email,
            created_at: row.created_at,
            password_set: row.password_set != 0,
            disabled: row.disabled != 0,
            disabled_at: row.disabled_at,
        }
    }
}

/// Erases a request's personal data at its applicant's request: its account ends (links, sessions, tokens);
/// a pending request is deleted whole, a decided one stays as an anonymous statistic. `None` when there is no
/// such request or it is already erased.
pub async fn erase(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    why: &str,
) -> anyhow::Result<Option<Erased>> {
    let now = now_ms();
    let mut tx = ctx.db.begin_write().await?;
    let conn: &mut AnyConnection = &mut tx;
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT reference, status, email_key FROM registrations WHERE id = $1 AND erased_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .context("cannot read the request")?;
    let Some((reference, status, email_key)) = row else {
        return Ok(None);
    };
    // Every email to the address goes, not only those tied to the request (a recovery, a duplicate's notice).
    sqlx::query::<Any>("DELETE FROM outbox WHERE LOWER(recipient) = $1")
        .bind(&email_key)
        .execute(&mut *conn)
        .await
        .context("cannot erase the emails")?;
    let accounts: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM accounts WHERE registration_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .context("cannot read the account")?;
    for (account,) in &accounts {
        retention::delete_account(conn, *account).await?;
    }
    retention::erase_registration(conn, id, now).await?;
    let deleted = matches!(status.as_str(), "pending" | "complement" | "completed");
    if deleted {
        // Not decided: nothing to keep as a statistic of decisions.
        sqlx::query::<Any>("DELETE FROM registrations WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .context("cannot delete the request")?;
    }
    let erased = Erased {
        deleted,
        account_deleted: !accounts.is_empty(),
    };
    audit::record(
        conn,
        actor,
        AuditAction::RegistrationErased,
        Some(Target::registration(id)),
        serde_json::json!({ "reference": reference, "reason": why, "deleted": erased.deleted, "account_deleted": erased.account_deleted }),
    )
    .await
    .context("cannot record the erasure")?;
    tx.commit().await.context("cannot erase the request")?;
    Ok(Some(erased))
}
