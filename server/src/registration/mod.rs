//! Submitting an account request: every field re-validated with the browser's parsers, the company name taken
//! from the register, the request and its emails written in one transaction.
//!
//! The answer never says whether an address already has an account or a request under review: that would tell
//! anyone which addresses are registered. Such a request is counted against the flood limits as any other, is
//! not stored, and the owner of the address is told by email what to do instead ([`Received::Told`]).

#![warn(missing_docs)]

pub mod company;
pub mod events;
pub mod follow;
pub mod prefill;
pub mod reverify;

use anyhow::Context;
use app::api::RegistrationRequest;
use app::domain::company as messages;
use app::domain::registration::require_company_name;
use app::domain::{Field, FieldErrors, ValidRegistration};
use std::sync::Arc;

use rand::Rng;
use sqlx::AnyConnection;

use self::company::{Answer, Applied};
use crate::AppContext;
use crate::config::Config;
use crate::flood::{self, Action, FloodError, Rate, Refused, Scope};
use crate::mail::digest;
use crate::mail::outbox;
use crate::mail::templates::{self, RequestSummary};
use crate::sirene::{Company, UnitState};
use crate::store::{Param, Sql, is_unique_violation, now_ms};

/// A stored request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    /// The internal id.
    pub id: i64,
    /// The reference quoted to the applicant.
    pub reference: String,
}

/// What became of a request received: the sender is told the same either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// Stored (or the same request, sent again a moment later: the first one).
    Stored(Submitted),
    /// Not stored: its address has an account or a request under review, and its owner is told by email.
    Told,
}

/// Why a request was not received.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// Fields to correct.
    #[error("invalid fields")]
    Validation(FieldErrors),
    /// Too many requests from this client address or from everyone: try again later.
    #[error("flood limit reached")]
    Flooded(Refused),
    /// A database failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the request records of the company, after asking the register.
pub(crate) struct CompanyRecord {
    pub(crate) name: String,
    pub(crate) from_register: bool,
    pub(crate) verified: bool,
    pub(crate) state: Option<&'static str>,
    pub(crate) diffusible: Option<bool>,
    pub(crate) legal_category: Option<String>,
    pub(crate) flags: Vec<String>,
}

/// Stores a request sent from the client `address`: fields re-validated, the register asked, the request and
/// its emails in one transaction, counted against the flood limits. The same request sent twice in a short
/// while gets the first one back; a request whose address has an account or a request under review is not
/// stored, and the address's owner is told.
pub async fn submit(
    ctx: &AppContext,
    request: &RegistrationRequest,
    address: &str,
) -> Result<Received, SubmitError> {
    let valid = request.raw().parse().map_err(SubmitError::Validation)?;
    let mut conn = ctx.db.acquire().await?;
    flood::check(&mut conn, &ctx.config.flood, Action::Registration, address).await?;
    drop(conn);
    let mut company = company_record(ctx, &valid).await?;
    let email_key = valid.email.as_str().to_lowercase();

    let registered: Option<(String, String)> =
        sqlx::query_as("SELECT login, email FROM accounts WHERE email_key = $1")
            .bind(&email_key)
            .fetch_optional(&ctx.db.pool)
            .await
            .context("cannot check accounts")?;
    if let Some((login, owner)) = registered {
        let why = templates::AddressInUse::Account { login: &login };
        return tell_owner(ctx, &owner, &email_key, &why, address).await;
    }

    let flags = points_to_check(&mut company, &valid);
    let writing = Insert {
        config: ctx.config.clone(),
        valid: valid.clone(),
        company,
        flags,
        address: address.to_string(),
    };
    match ctx.db.write(move |conn| Box::pin(writing.run(conn))).await {
        Ok(submitted) => {
            ctx.mail_wake.notify_one();
            Ok(Received::Stored(submitted))
        }
        Err(NotWritten::Flooded(refused)) => Err(SubmitError::Flooded(refused)),
        Err(NotWritten::Failed(error)) if is_unique_violation(&error) => {
            replay_or_tell(ctx, &valid, &email_key, address).await
        }
        Err(NotWritten::Failed(error)) => Err(SubmitError::Internal(
            anyhow::Error::new(error).context("cannot store the request"),
        )),
    }
}

/// Emails to the owner of one address about requests sent with it: at most this many an hour, whoever sends.
const TOLD_PER_ADDRESS: Rate = Rate::per_hour(3);

/// A request not stored because its address is in use: counted against the flood limits like a stored one,
/// and the owner of the address told why, at the address as they wrote it (a few times an hour at most).
async fn tell_owner(
    ctx: &AppContext,
    owner: &str,
    email_key: &str,
    why: &templates::AddressInUse<'_>,
    address: &str,
) -> Result<Received, SubmitError> {
    let mut tx = ctx.db.begin().await?;
    flood::take(&mut tx, &ctx.config.flood, Action::Registration, address).await?;
    let told = flood::allowed(
        flood::hit(
            &mut tx,
            &format!("registration:told:{email_key}"),
            TOLD_PER_ADDRESS,
            Scope::Address,
        )
        .await,
    )
    .context("cannot count the emails to the address")?;
    if told {
        let email = templates::address_in_use(owner, why, &ctx.config.public_url);
        outbox::enqueue(&mut tx, &email, None)
            .await
            .context("cannot queue the email")?;
    }
    tx.commit().await.context("cannot count the request")?;
    if told {
        ctx.mail_wake.notify_one();
    }
    Ok(Received::Told)
}

/// Why the rows of a request were not written (nothing of them stays, the flood counters included).
enum NotWritten {
    Flooded(Refused),
    Failed(sqlx::Error),
}

impl From<sqlx::Error> for NotWritten {
    fn from(error: sqlx::Error) -> Self {
        Self::Failed(error)
    }
}

impl From<FloodError> for NotWritten {
    fn from(error: FloodError) -> Self {
        match error {
            FloodError::Refused(refused) => Self::Flooded(refused),
            FloodError::Internal(error) => Self::Failed(error),
        }
    }
}

impl From<FloodError> for SubmitError {
    fn from(error: FloodError) -> Self {
        match error {
            FloodError::Refused(refused) => Self::Flooded(refused),
            FloodError::Internal(error) => {
                Self::Internal(anyhow::Error::new(error).context("cannot count the request"))
            }
        }
    }
}

pub(crate) async fn company_record(
    ctx: &AppContext,
    valid: &ValidRegistration,
) -> Result<CompanyRecord, SubmitError> {
    let typed = valid.company_name.as_deref();
    let field_error = |field: Field, message: String| {
        let mut errors = FieldErrors::default();
        errors.insert(field, message);
        SubmitError::Validation(errors)
    };
    let record = match ctx.register.lookup(valid.siren.as_str()).await {
        Ok(None) => {
            return Err(field_error(
                Field::Siren,
                messages::UNKNOWN_SIREN.to_string(),
            ));
        }
        Ok(Some(Company {
            state: UnitState::Ceased,
            name,
            ..
        })) => {
            return Err(field_error(Field::Siren, messages::ceased(name.as_deref())));
        }
        Ok(Some(found)) => {
            let name = match &found.name {
                Some(name) if found.diffusible => name.clone(),
                _ => require_company_name(typed)
                    .map_err(|e| field_error(Field::CompanyName, e))?
                    .to_string(),
            };
            let flags = company::points(
                Answer::Found(&found),
                Applied {
                    company_name: &name,
                    organisation_kind: Some(valid.organisation_kind),
                },
            );
            CompanyRecord {
                from_register: found.diffusible && found.name.is_some(),
                name,
                verified: true,
                state: Some(found.state.code()),
                diffusible: Some(found.diffusible),
                legal_category: found.legal_category,
                flags,
            }
        }
        Err(unavailable) => {
            tracing::warn!(error = %unavailable, "company register unavailable, the request will be marked");
            let name = require_company_name(typed)
                .map_err(|e| field_error(Field::CompanyName, e))?
                .to_string();
            let flags = company::points(
                Answer::NotVerified,
                Applied {
                    company_name: &name,
                    organisation_kind: Some(valid.organisation_kind),
                },
            );
            CompanyRecord {
                name,
                from_register: false,
                verified: false,
                state: None,
                diffusible: None,
                legal_category: None,
                flags,
            }
        }
    };
    Ok(record)
}

/// The points a reviewer must look at: the register's, then the fields' warnings (taken from `company`).
pub(crate) fn points_to_check(
    company: &mut CompanyRecord,
    valid: &ValidRegistration,
) -> Vec<String> {
    let mut flags = std::mem::take(&mut company.flags);
    flags.extend(
        valid
            .warnings
            .iter()
            .map(|(field, warning)| format!("{} : {}", field.label(), warning.message(*field))),
    );
    flags
}

/// The columns of what the applicant sent, each with its value: what a submission inserts and a completion
/// writes again, re-validated and with what the register said (`reference` goes into the search text).
pub(crate) fn sent_columns(
    valid: &ValidRegistration,
    company: &CompanyRecord,
    flags: &[String],
    reference: &str,
    now: i64,
) -> Vec<(&'static str, Param)> {
    let text = |value: Option<&str>| value.map_or(Param::NullText, Param::from);
    let int = |value: Option<i64>| value.map_or(Param::NullInt, Param::from);
    vec![
        ("profile", valid.profile.code().into()),
        ("last_name", valid.last_name.as_str().into()),
        ("first_name", valid.first_name.as_str().into()),
        ("email", valid.email.as_str().into()),
        ("email_key", valid.email.as_str().to_lowercase().into()),
        ("organisation_kind", valid.organisation_kind.code().into()),
        ("siren", valid.siren.as_str().into()),
        (
            "siret",
            text(valid.siret.as_ref().map(app::domain::Siret::as_str)),
        ),
        ("company_name", company.name.as_str().into()),
        (
            "company_name_source",
            if company.from_register {
                "register"
            } else {
                "applicant"
            }
            .into(),
        ),
        ("siren_verified", company.verified.into()),
        ("register_state", text(company.state)),
        (
            "register_diffusible",
            int(company.diffusible.map(i64::from)),
        ),
        ("legal_category", text(company.legal_category.as_deref())),
        ("phone", valid.phone.e164().into()),
        ("phone_national", valid.phone.nsn().into()),
        (
            "warnings",
            serde_json::to_string(flags)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ),
        (
            "search_text",
            events::search_text(&[
                reference,
                valid.last_name.as_str(),
                valid.first_name.as_str(),
                valid.email.as_str(),
                valid.siren.as_str(),
                &company.name,
            ])
            .into(),
        ),
        ("register_checked_at", int(company.verified.then_some(now))),
    ]
}

/// The rows of one request: what the write needs, owned, for the group commit runs it on its own task.
struct Insert {
    config: Arc<Config>,
    valid: ValidRegistration,
    company: CompanyRecord,
    flags: Vec<String>,
    address: String,
}

impl Insert {
    /// Writes the request, its event and its emails on `tx` (a transaction or a savepoint), counted against
    /// the flood limits.
    async fn run(self, tx: &mut AnyConnection) -> Result<Submitted, NotWritten> {
        let Self {
            config,
            valid,
            company,
            flags,
            address,
        } = self;
        let reference = new_reference();
        let now = now_ms();
        flood::take(tx, &config.flood, Action::Registration, &address).await?;
        let mut insert =
            Sql::new("INSERT INTO registrations (reference, status, created_at, queue");
        let columns = sent_columns(&valid, &company, &flags, &reference, now);
        for (column, _) in &columns {
            insert.push(", ").push(column);
        }
        insert
            .push(") VALUES (")
            .bind(reference.as_str())
            .push(", 'pending', ")
            .bind(now)
            .push(", 0, ")
            .bind_list(columns.into_iter().map(|(_, value)| value))
            .push(") RETURNING id");
        let (id,): (i64,) = insert.query_as().fetch_one(&mut *tx).await?;
        events::record(
            tx,
            id,
            now,
            events::APPLICANT,
            "submitted",
            &format!(
                "Demande déposée par {} {}",
                valid.first_name.as_str(),
                valid.last_name.as_str()
            ),
        )
        .await?;

        let summary = RequestSummary {
            id,
            reference: &reference,
            first_name: valid.first_name.as_str(),
            last_name: valid.last_name.as_str(),
            email: valid.email.as_str(),
            company_name: &company.name,
            siren: valid.siren.as_str(),
            organisation_kind: valid.organisation_kind.label(),
            phone: &valid.phone.e164(),
            flags: &flags,
        };
        let (follow_link, follow_url) = follow::new_link(tx, &config.public_url, id).await?;
        outbox::enqueue_with_follow_link(
            tx,
            &templates::acknowledgement(&summary, &follow_url),
            id,
            follow_link,
        )
        .await?;
        if digest::notice_allowed(tx, config.flood.ministry_notices).await? {
            for admin in &config.admin_emails {
                outbox::enqueue(
                    tx,
                    &templates::admin_notice(&summary, admin, &config.public_url),
                    Some(id),
                )
                .await?;
            }
        } else {
            digest::postpone(tx, id, now).await?;
        }
        Ok(Submitted { id, reference })
    }
}

/// The insert lost against a pending request of the same address. The same request sent twice (a double
/// click, a retried network call) gets the first one back; for a different one the owner is told.
async fn replay_or_tell(
    ctx: &AppContext,
    valid: &ValidRegistration,
    email_key: &str,
    address: &str,
) -> Result<Received, SubmitError> {
    let pending: Option<Pending> = sqlx::query_as(
        "SELECT id, reference, siren, last_name, first_name, phone, created_at, email FROM registrations WHERE email_key = $1 AND status IN ('pending', 'complement', 'completed')",
    )
    .bind(email_key)
    .fetch_optional(&ctx.db.pool)
    .await
    .context("cannot read the pending request")?;
    let Some(pending) = pending else {
        return Err(SubmitError::Internal(anyhow::anyhow!(
            "unique violation without a pending request"
        )));
    };
    let same = pending.siren == valid.siren.as_str()
        && pending.last_name == valid.last_name.as_str()
        && pending.first_name == valid.first_name.as_str()
        && pending.phone == valid.phone.e164();
    if same && now_ms() - pending.created_at < REPLAY_WINDOW_MS {
        Ok(Received::Stored(Submitted {
            id: pending.id,
            reference: pending.reference,
        }))
    } else {
        let why = templates::AddressInUse::Pending {
            reference: &pending.reference,
        };
        tell_owner(ctx, &pending.email, email_key, &why, address).await
    }
}

/// The request under review of an address.
#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    reference: String,
    siren: String,
    last_name: String,
    first_name: String,
    phone: String,
    created_at: i64,
    email: String,
}

/// How long the same request sent again counts as a repeat of the first rather than a second request.
const REPLAY_WINDOW_MS: i64 = 10 * 60 * 1000;

/// A reference such as `DAE-7K3F9Q2M`: Crockford's base 32, without letters that read like digits.
fn new_reference() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let code: String = (0..8)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("DAE-{code}")
}
