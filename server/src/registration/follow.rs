//! The applicant's side of a request, without an account: the private follow link of the acknowledgement email,
//! what the follow page shows, withdrawal, and « J'ai perdu le lien ».
//!
//! A follow link's secret is never at rest in clear: its email is queued with the outbox's placeholder and the
//! link's row, and the secret is drawn when the email leaves ([`draw`]); only its digest is stored. Each email
//! carries a link of its own, and every link of a request works as long as the request's personal data is kept
//! (erasing it deletes them). The page reads the secret from the URL's fragment, which browsers never send, and
//! gives it to the API in a body: no proxy or server log holds it.

use anyhow::Context;
use app::api::RegistrationRequest;
use app::api::admin::ExchangeAuthor;
use app::api::admin::RequestStatus;
use app::api::follow::{FollowStep, FollowStepKind, FollowView};
use app::domain::dates::DAY_MS;
use app::domain::{Field, FieldErrors, OrganisationKind, PhoneNumber};
use sqlx::{Any, AnyConnection};

use super::events::{self, MAX_MESSAGE_CHARS, record_message};
use super::prefill::REAPPLY_LINK_DAYS;
use crate::AppContext;
use crate::audit::{self, Actor, AuditAction, Target};
use crate::auth::token;
use crate::flood::{self, FloodError, Rate, Refused, Scope};
use crate::links;
use crate::mail::{outbox, templates};
use crate::store::{Db, Sql, decoded, now_ms};

/// The follow page.
pub const PAGE: &str = "/demande/suivi";

/// The follow page with a link's secret, in the fragment.
pub fn page_url(public_url: &str, secret: &str) -> String {
    format!("{public_url}{PAGE}#cle={secret}")
}

/// A new follow link of a request, in the caller's transaction: its row, whose secret is drawn when its email
/// leaves; the email's URL holds the placeholder.
pub async fn new_link(
    conn: &mut AnyConnection,
    public_url: &str,
    registration_id: i64,
) -> Result<(i64, String), sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO follow_links (registration_id, token_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(registration_id)
    .bind(format!("{}{}", outbox::UNDRAWN, token::random()))
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, page_url(public_url, outbox::SECRET_PLACEHOLDER)))
}

/// Draws the secret of the follow link `link_id` as its email leaves; `None` when the request's personal data
/// is erased (the email must not leave).
pub async fn draw(db: &Db, link_id: i64) -> Result<Option<String>, sqlx::Error> {
    let secret = token::random();
    let drawn = sqlx::query::<Any>(
        "UPDATE follow_links SET token_hash = $1 WHERE id = $2
         AND EXISTS (SELECT 1 FROM registrations r WHERE r.id = follow_links.registration_id AND r.erased_at IS NULL)",
    )
    .bind(token::digest(&secret))
    .bind(link_id)
    .execute(&db.pool)
    .await?;
    Ok((drawn.rows_affected() == 1).then_some(secret))
}

/// Why the follow page gives nothing, or an action was not taken.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// No request has this link (never one, or its data erased).
    #[error("unknown follow link")]
    Unknown,
    /// The request is no longer under way (it cannot be withdrawn), or not waiting for a complement (it cannot
    /// be completed).
    #[error("the request is {0:?}")]
    Closed(RequestStatus),
    /// Fields of a completion to correct.
    #[error("invalid fields")]
    Validation(FieldErrors),
    /// The answer is wrong: the French message says why.
    #[error("{0}")]
    Invalid(String),
    /// Too many completions sent for this request: try again later.
    #[error("flood limit reached")]
    Flooded(Refused),
    /// A database failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for FollowError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(anyhow::Error::new(error).context("cannot read the followed request"))
    }
}

/// The request of a follow link's secret, while its data is kept.
async fn request_of(db: &Db, secret: &str) -> Result<i64, FollowError> {
    let secret = secret.trim();
    if secret.is_empty() || secret.len() > 200 {
        return Err(FollowError::Unknown);
    }
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT f.registration_id FROM follow_links f JOIN registrations r ON r.id = f.registration_id
         WHERE f.token_hash = $1 AND r.erased_at IS NULL",
    )
    .bind(token::digest(secret))
    .fetch_optional(&db.pool)
    .await?;
    found.map(|(id,)| id).ok_or(FollowError::Unknown)
}

/// A followed request, as stored.
#[derive(sqlx::FromRow)]
struct Followed {
    reference: String,
    profile: String,
    company_name_source: String,
    status: String,
    created_at: i64,
    decided_at: Option<i64>,
    last_name: String,
    first_name: String,
    email: String,
    organisation_kind: String,
    siren: String,
    siret: Option<String>,
    company_name: String,
    phone: String,
    refusal_reasons: Option<String>,
    refusal_message: Option<String>,
}

/// What the follow page shows of the request of a link.
pub async fn view(ctx: &AppContext, secret: &str) -> Result<FollowView, FollowError> {
    let id = request_of(&ctx.db, secret).await?;
    view_of(ctx, id).await
}

async fn view_of(ctx: &AppContext, id: i64) -> Result<FollowView, FollowError> {
    let row: Followed = sqlx::query_as(
        "SELECT reference, profile, company_name_source, status, created_at, decided_at, last_name, first_name, email,
                organisation_kind, siren, siret, company_name, phone, refusal_reasons, refusal_message
         FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&ctx.db.pool)
    .await?;
    let status = decoded(RequestStatus::parse(&row.status), "status", &row.status)
        .context("cannot read the followed request")?;
    let kind = decoded(
        OrganisationKind::from_code(&row.organisation_kind),
        "organisation_kind",
        &row.organisation_kind,
    )
    .context("cannot read the followed request")?;
    let events: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, at FROM registration_events WHERE registration_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&ctx.db.pool)
    .await?;
    let steps = events
        .into_iter()
        .filter_map(|(kind, at)| {
            let step = match kind.as_str() {
                "submitted" => FollowStepKind::Submitted,
                "opened" => FollowStepKind::InReview,
                "complement_asked" => FollowStepKind::ComplementAsked,
                "completed" => FollowStepKind::Completed,
                "approved" => FollowStepKind::Approved,
                "refused" => FollowStepKind::Refused,
                "withdrawn" => FollowStepKind::Withdrawn,
                "closed" => FollowStepKind::Closed,
                _ => return None,
            };
            Some(FollowStep { step, at })
        })
        .collect();

    let mut reasons = Vec::new();
    let mut reapply_url = None;
    if status == RequestStatus::Refused {
        let codes: Vec<String> = row
            .refusal_reasons
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        for code in codes {
            let body: Option<(String,)> =
                sqlx::query_as("SELECT body FROM refusal_reasons WHERE code = $1")
                    .bind(&code)
                    .fetch_optional(&ctx.db.pool)
                    .await?;
            reasons.extend(body.map(|(b,)| b));
        }
        // The refusal email's link (the same signature: same request, same end), while it works.
        let end = row.decided_at.unwrap_or(row.created_at) + REAPPLY_LINK_DAYS * DAY_MS;
        if end > now_ms() {
            let key = ctx.link_key().await?;
            reapply_url = Some(format!(
                "{}/inscription#reprise={}",
                ctx.config.public_url,
                links::sign(&key, super::prefill::LINK_PURPOSE, id, end)
            ));
        }
    }
    let password_set = if status == RequestStatus::Approved {
        let set: Option<(i64,)> = sqlx::query_as(
            "SELECT CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END FROM accounts WHERE registration_id = $1",
        )
        .bind(id)
        .fetch_optional(&ctx.db.pool)
        .await?;
        set.is_some_and(|(s,)| s == 1)
    } else {
        false
    };
    let form = (status == RequestStatus::Complement).then(|| {
        let (phone_prefix, phone_number) = split_phone(&row.phone);
        RegistrationRequest {
            profile: row.profile.clone(),
            last_name: row.last_name.clone(),
            first_name: row.first_name.clone(),
            email: row.email.clone(),
            organisation_kind: row.organisation_kind.clone(),
            siren: row.siren.clone(),
            siret: row.siret.clone().unwrap_or_default(),
            // The register's name is filled again by the lookup; a typed one is given back.
            company_name: if row.company_name_source == "applicant" {
                row.company_name.clone()
            } else {
                String::new()
            },
            phone_prefix,
            phone_number,
        }
    });
    let exchanges = events::exchanges(&ctx.db.pool, id, true).await?;
    let mut sent = vec![
        ("Type de structure".to_string(), kind.label().to_string()),
        ("SIREN".to_string(), row.siren),
    ];
    if let Some(siret) = row.siret {
        sent.push(("SIRET".to_string(), siret));
    }
    sent.extend([
        ("Raison sociale".to_string(), row.company_name),
        ("Nom".to_string(), row.last_name),
        ("Prénom".to_string(), row.first_name),
        ("Adresse email".to_string(), row.email),
        ("Téléphone".to_string(), row.phone),
    ]);
    Ok(FollowView {
        reference: row.reference,
        status,
        created_at: row.created_at,
        sent,
        steps,
        review_target_days: ctx.config.review_target_days,
        reasons,
        message: if status == RequestStatus::Refused {
            row.refusal_message
        } else {
            None
        },
        reapply_url,
        password_set,
        exchanges,
        form,
    })
}

/// An E.164 number as the form's prefix and number; an unreadable one as an empty French number.
pub fn split_phone(e164: &str) -> (String, String) {
    match PhoneNumber::from_e164(e164) {
        Ok(number) => (number.prefix().code().to_string(), number.nsn().to_string()),
        Err(_) => ("+33".to_string(), String::new()),
    }
}

/// The applicant's details, for the emails.
#[derive(sqlx::FromRow)]
struct Applicant {
    reference: String,
    first_name: String,
    last_name: String,
    email: String,
}

/// Withdraws the request of a link, still under way, from the client `address`: out of the queue and of the
/// duplicate check, recorded in its history and the audit trail, confirmed by email. Two withdrawals, or a
/// withdrawal and a decision at once: the first wins, the other is told the request is no longer under way.
pub async fn withdraw(
    ctx: &AppContext,
    secret: &str,
    address: &str,
) -> Result<FollowView, FollowError> {
    let id = request_of(&ctx.db, secret).await?;
    let now = now_ms();
    let mut tx = ctx.db.begin_write().await?;
    // The first statement: the write lock (SQLite) or the row lock (PostgreSQL) before anything is read.
    let taken = sqlx::query::<Any>(
        "UPDATE registrations SET status = 'withdrawn', queue = 1, decided_at = $1
         WHERE id = $2 AND status IN ('pending', 'complement', 'completed')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() == 0 {
        drop(tx);
        let (status,): (String,) = sqlx::query_as("SELECT status FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_one(&ctx.db.pool)
            .await?;
        let status = decoded(RequestStatus::parse(&status), "status", &status)
            .context("cannot read the followed request")?;
        return Err(FollowError::Closed(status));
    }
    let applicant: Applicant = sqlx::query_as(
        "SELECT reference, first_name, last_name, email FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    events::record(
        &mut tx,
        id,
        now,
        events::APPLICANT,
        "withdrawn",
        "Demande retirée par le demandeur",
    )
    .await?;
    audit::record(
        &mut tx,
        &Actor::applicant(address),
        AuditAction::RegistrationWithdrawn,
        Some(Target::registration(id)),
        serde_json::json!({ "reference": applicant.reference }),
    )
    .await?;
    let email = templates::withdrawal(
        &applicant.email,
        &applicant.first_name,
        &applicant.last_name,
        &applicant.reference,
        &ctx.config.public_url,
    );
    outbox::enqueue(&mut tx, &email, Some(id)).await?;
    tx.commit().await?;
    ctx.mail_wake.notify_one();
    view_of(ctx, id).await
}

/// Follow links sent again for one request: at most this many an hour, whoever asks.
const LINKS_PER_REQUEST: Rate = Rate::per_hour(3);

/// « J'ai perdu le lien » from the client `address`: a new follow link by email to the latest request sent
/// with this address whose data is kept. Answered at once and the same whether there is one or not (counted
/// against the flood limit of the emails asked without a session); at most a few an hour per request.
pub async fn lost(ctx: &AppContext, email: String, address: &str) -> Result<(), FloodError> {
    flood::answer_first(ctx, address, "send a follow link", move |ctx| async move {
        send_again(&ctx, &email).await
    })
    .await
}

async fn send_again(ctx: &AppContext, email: &str) -> anyhow::Result<()> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM registrations WHERE email_key = $1 AND erased_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(email.trim().to_lowercase())
    .fetch_optional(&ctx.db.pool)
    .await
    .context("cannot look for the request")?;
    let Some((id,)) = found else {
        return Ok(());
    };
    let mut tx = ctx.db.begin().await?;
    let allowed = flood::allowed(
        flood::hit(
            &mut tx,
            &format!("follow:registration:{id}"),
            LINKS_PER_REQUEST,
            Scope::Address,
        )
        .await,
    )
    .context("cannot count the follow links sent")?;
    if !allowed {
        tracing::warn!(
            registration_id = id,
            "follow link not sent again: rate limit"
        );
        return Ok(());
    }
    let applicant: Applicant = sqlx::query_as(
        "SELECT reference, first_name, last_name, email FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .context("cannot read the request")?;
    let (link_id, url) = new_link(&mut tx, &ctx.config.public_url, id)
        .await
        .context("cannot create the follow link")?;
    let message = templates::follow_link_again(
        &applicant.email,
        &applicant.first_name,
        &applicant.last_name,
        &applicant.reference,
        &url,
    );
    outbox::enqueue_with_follow_link(&mut tx, &message, id, link_id)
        .await
        .context("cannot queue the follow link")?;
    tx.commit().await.context("cannot send the follow link")?;
    ctx.mail_wake.notify_one();
    Ok(())
}

/// Completions sent for one request: at most this many an hour (each asks the register and may be a typing
/// mistake away from the next).
const COMPLETIONS_PER_REQUEST: Rate = Rate::per_hour(10);

/// A request as stored, to compare with its completion.
#[derive(sqlx::FromRow)]
struct Stored {
    reference: String,
    profile: String,
    last_name: String,
    first_name: String,
    email: String,
    email_key: String,
    organisation_kind: String,
    siren: String,
    siret: Option<String>,
    company_name: String,
    phone: String,
}

/// What the applicant changed, field by field (label, before, after), in the form's order.
fn changes(
    stored: &Stored,
    valid: &app::domain::ValidRegistration,
    company: &str,
) -> Vec<(String, String, String)> {
    let kind_label = |code: &str| {
        OrganisationKind::from_code(code).map_or(code.to_string(), |k| k.label().to_string())
    };
    let profile_label = |code: &str| {
        app::domain::Profile::from_code(code).map_or(code.to_string(), |p| p.label().to_string())
    };
    let pairs = [
        (
            Field::Profile,
            profile_label(&stored.profile),
            valid.profile.label().to_string(),
        ),
        (
            Field::LastName,
            stored.last_name.clone(),
            valid.last_name.as_str().to_string(),
        ),
        (
            Field::FirstName,
            stored.first_name.clone(),
            valid.first_name.as_str().to_string(),
        ),
        (
            Field::Email,
            stored.email.clone(),
            valid.email.as_str().to_string(),
        ),
        (
            Field::OrganisationKind,
            kind_label(&stored.organisation_kind),
            valid.organisation_kind.label().to_string(),
        ),
        (
            Field::Siren,
            stored.siren.clone(),
            valid.siren.as_str().to_string(),
        ),
        (
            Field::Siret,
            stored.siret.clone().unwrap_or_default(),
            valid
                .siret
                .as_ref()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        ),
        (
            Field::CompanyName,
            stored.company_name.clone(),
            company.to_string(),
        ),
        (Field::PhoneNumber, stored.phone.clone(), valid.phone.e164()),
    ];
    pairs
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| (field.label().to_string(), before, after))
        .collect()
}

/// The applicant completes the request of a link, waiting for a complement, from the client `address`: every
/// field re-validated with the form's parsers and the register asked again, as when it was sent; what changed
/// is recorded beside the answer, and the request returns to the reviewers' queue as « complétée ». Counted
/// against a limit per request; a completion and a closing or a second completion at once: the first wins.
pub async fn complete(
    ctx: &AppContext,
    secret: &str,
    request: &RegistrationRequest,
    answer: &str,
    address: &str,
) -> Result<FollowView, FollowError> {
    let id = request_of(&ctx.db, secret).await?;
    let answer = answer.trim();
    if answer.chars().count() > MAX_MESSAGE_CHARS {
        return Err(FollowError::Invalid(format!(
            "Votre réponse ne doit pas dépasser {MAX_MESSAGE_CHARS} caractères."
        )));
    }
    let mut tx = ctx.db.begin().await?;
    let counted = flood::hit(
        &mut tx,
        &format!("follow:complete:{id}"),
        COMPLETIONS_PER_REQUEST,
        Scope::Address,
    )
    .await;
    match counted {
        Ok(()) => tx.commit().await.context("cannot count the completion")?,
        Err(FloodError::Refused(refused)) => {
            tx.commit().await.context("cannot count the completion")?;
            return Err(FollowError::Flooded(refused));
        }
        Err(FloodError::Internal(error)) => return Err(error.into()),
    }
    let stored: Stored = sqlx::query_as(
        "SELECT reference, profile, last_name, first_name, email, email_key, organisation_kind, siren, siret, company_name,
                phone
         FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&ctx.db.pool)
    .await?;
    let valid = request.raw().parse().map_err(FollowError::Validation)?;
    let mut company = match super::company_record(ctx, &valid).await {
        Ok(company) => company,
        Err(super::SubmitError::Validation(errors)) => return Err(FollowError::Validation(errors)),
        Err(super::SubmitError::Flooded(refused)) => return Err(FollowError::Flooded(refused)),
        Err(super::SubmitError::Internal(error)) => return Err(FollowError::Internal(error)),
    };
    let email_key = valid.email.as_str().to_lowercase();
    if email_key != stored.email_key {
        let registered: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM accounts WHERE email_key = $1")
                .bind(&email_key)
                .fetch_optional(&ctx.db.pool)
                .await?;
        if registered.is_some() {
            return Err(address_taken());
        }
    }
    let changed = changes(&stored, &valid, &company.name);
    if changed.is_empty() && answer.is_empty() {
        return Err(FollowError::Invalid(
            "Corrigez votre demande comme l'administrateur vous le demande, ou répondez-lui : rien n'a changé.".into(),
        ));
    }
    let flags = super::points_to_check(&mut company, &valid);
    let now = now_ms();
    let mut update = Sql::new(
        "UPDATE registrations SET status = 'completed', queue = 0, complement_asked_at = NULL, complement_reminded_at = NULL",
    );
    for (column, value) in super::sent_columns(&valid, &company, &flags, &stored.reference, now) {
        update.push(", ").push(column).push(" = ").bind(value);
    }
    update
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND status = 'complement'");
    write_completion(ctx, id, update, &changed, answer, address, now).await?;
    view_of(ctx, id).await
}

/// The completion's new address is an account's or another open request's.
fn address_taken() -> FollowError {
    let mut errors = FieldErrors::default();
    errors.insert(
        Field::Email,
        "Cette adresse ne peut pas être utilisée pour cette demande : indiquez-en une autre, ou gardez celle de votre demande.",
    );
    FollowError::Validation(errors)
}

/// The completion's rows, in one transaction starting with its conditional update.
async fn write_completion(
    ctx: &AppContext,
    id: i64,
    update: Sql,
    changed: &[(String, String, String)],
    answer: &str,
    address: &str,
    now: i64,
) -> Result<(), FollowError> {
    let mut tx = ctx.db.begin_write().await?;
    // The first statement: the write lock (SQLite) or the row lock (PostgreSQL) before anything is read.
    let updated = update.query().execute(&mut *tx).await;
    let updated = match updated {
        Ok(updated) => updated,
        // Another request under way holds the new address.
        Err(error) if crate::store::is_unique_violation(&error) => return Err(address_taken()),
        Err(error) => return Err(error.into()),
    };
    if updated.rows_affected() == 0 {
        drop(tx);
        let (status,): (String,) = sqlx::query_as("SELECT status FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_one(&ctx.db.pool)
            .await?;
        let status = decoded(RequestStatus::parse(&status), "status", &status)
            .context("cannot read the followed request")?;
        return Err(FollowError::Closed(status));
    }
    let changes_json = serde_json::to_string(&changed).unwrap_or_else(|_| "[]".into());
    record_message(
        &mut tx,
        id,
        now,
        ExchangeAuthor::Applicant,
        events::APPLICANT,
        answer,
        &changes_json,
    )
    .await?;
    let fields: Vec<&str> = changed.iter().map(|(field, _, _)| field.as_str()).collect();
    events::record(
        &mut tx,
        id,
        now,
        events::APPLICANT,
        "completed",
        &if fields.is_empty() {
            "Demande complétée par le demandeur : réponse sans modification".to_string()
        } else {
            format!(
                "Demande complétée par le demandeur : {} modifié(s)",
                fields.join(", ")
            )
        },
    )
    .await?;
    audit::record(
        &mut tx,
        &Actor::applicant(address),
        AuditAction::RegistrationCompleted,
        Some(Target::registration(id)),
        serde_json::json!({ "fields": fields }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
