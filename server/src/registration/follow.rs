//! The applicant's side of a request, without an account: the private follow link of the acknowledgement email,
//! what the follow page shows, withdrawal, and « J'ai perdu le lien ».
//!
//! A follow link's secret is never at rest in clear: its email is queued with the outbox's placeholder and the
//! link's row, and the secret is drawn when the email leaves ([`draw`]); only its digest is stored. Each email
//! carries a link of its own, and every link of a request works as long as the request's personal data is kept
//! (erasing it deletes them). The page reads the secret from the URL's fragment, which browsers never send, and
//! gives it to the API in a body: no proxy or server log holds it.

use anyhow::Context;
use app::api::admin::RequestStatus;
use app::api::follow::{FollowStep, FollowStepKind, FollowView};
use app::domain::OrganisationKind;
use app::domain::dates::DAY_MS;
use sqlx::{Any, AnyConnection};

use super::events;
use crate::AppContext;
use crate::accounts::recovery::{self, RecoveryError};
use crate::audit::{self, Actor, AuditAction, Target};
use crate::auth::token;
use crate::flood::{self, Rate, Scope};
use crate::links;
use crate::mail::{outbox, templates};
use crate::review::decide::REAPPLY_LINK_DAYS;
use crate::store::{Db, decoded, now_ms};

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
    /// The request is no longer under way: it cannot be withdrawn.
    #[error("the request is {0:?}")]
    Closed(RequestStatus),
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
        "SELECT reference, status, created_at, decided_at, last_name, first_name, email, organisation_kind, siren,
                siret, company_name, phone, refusal_reasons, refusal_message
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
    })
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
    let mut tx = ctx.db.pool.begin().await?;
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
pub async fn lost(ctx: &AppContext, email: String, address: &str) -> Result<(), RecoveryError> {
    recovery::answer_first(ctx, address, "send a follow link", move |ctx| async move {
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
