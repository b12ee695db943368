//! One request with everything a reviewer needs to decide: what the register says now, the points to check,
//! the related requests and accounts, the decision, the history.

use anyhow::Context;
use app::api::CompanyState;
use app::api::admin::{
    DecisionView, RegisterView, RegistrationDetail, Related, RelatedKind, RelatedStatus,
    SharedWith, SirenCheck,
};
use app::domain::{OrganisationKind, Profile};
use sqlx::AssertSqlSafe;

use super::{ROW_COLUMNS, RowRecord, Status};
use crate::AppContext;
use crate::admins::Admin;
use crate::registration::company::{self, Answer, Applied};
use crate::registration::events;
use crate::sirene::UnitState;
use crate::store::{decoded, now_ms};

#[derive(sqlx::FromRow)]
struct DetailRecord {
    profile: String,
    siret: Option<String>,
    phone: String,
    phone_national: String,
    company_name_source: String,
    siren_verified: i64,
    register_checked_at: Option<i64>,
    email_key: String,
    refusal_reasons: Option<String>,
    refusal_message: Option<String>,
    decided_by: Option<String>,
    erased_at: Option<i64>,
    taken_at: Option<i64>,
}

/// Records that an administrator opened a request under way for the first time: the applicant's follow page
/// then shows it « en cours d'examen ». Opened again, or decided: nothing changes.
pub async fn mark_opened(ctx: &AppContext, id: i64, admin: &Admin) -> anyhow::Result<()> {
    let now = now_ms();
    let mut tx = ctx.db.begin().await?;
    let first = sqlx::query::<sqlx::Any>(
        "UPDATE registrations SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL
         AND status IN ('pending', 'complement', 'completed')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await
    .context("cannot mark the request opened")?;
    if first.rows_affected() == 1 {
        events::record(
            &mut tx,
            id,
            now,
            &admin.login,
            "opened",
            "Demande ouverte par un administrateur",
        )
        .await
        .context("cannot record the opening")?;
    }
    tx.commit().await.context("cannot mark the request opened")
}

/// Everything about one request; `None` when there is no such request.
pub async fn detail(ctx: &AppContext, id: i64) -> anyhow::Result<Option<RegistrationDetail>> {
    let now = now_ms();
    let record: Option<RowRecord> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {ROW_COLUMNS} FROM registrations WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&ctx.db.pool)
    .await
    .context("cannot read the request")?;
    let Some(record) = record else {
        return Ok(None);
    };
    let more: DetailRecord = sqlx::query_as(
        "SELECT r.profile, r.siret, r.phone, r.phone_national, r.company_name_source, r.siren_verified, r.register_checked_at, r.email_key,
                r.refusal_reasons, r.refusal_message, a.login AS decided_by, r.erased_at, r.taken_at
         FROM registrations r LEFT JOIN admins a ON a.id = r.decided_by WHERE r.id = $1",
    )
    .bind(id)
    .fetch_one(&ctx.db.pool)
    .await
    .context("cannot read the request")?;

    let profile = decoded(Profile::from_code(&more.profile), "profile", &more.profile)
        .context("cannot read the request")?;
    if more.erased_at.is_some() {
        // Only the anonymous statistic is left: nothing to look up nor relate.
        return Ok(Some(RegistrationDetail {
            profile,
            siret: None,
            phone: String::new(),
            phone_national: String::new(),
            company_name_source: more.company_name_source,
            siren_verified: false,
            siren_check: SirenCheck::from_code(more.siren_verified),
            register_checked_at: None,
            register: None,
            mismatches: Vec::new(),
            warnings: Vec::new(),
            related: Vec::new(),
            decision: None,
            history: Vec::new(),
            erased_at: more.erased_at,
            taken_at: None,
            exchanges: Vec::new(),
            row: record
                .view(now, ctx.config.review_target_days)
                .context("cannot read the request")?,
        }));
    }
    let register = ctx.register.lookup(&record.siren).await;
    if let Err(unavailable) = &register {
        tracing::warn!(error = %unavailable, "company register unavailable for a review");
    }
    let check = SirenCheck::from_code(more.siren_verified);
    let answer = match (&register, check) {
        (_, SirenCheck::NotVerified) => Answer::NotVerified,
        (_, SirenCheck::Unknown) => Answer::Unknown {
            checked_at: more.register_checked_at,
        },
        (Ok(Some(company)), SirenCheck::Verified) => Answer::Found(company),
        (Ok(None), SirenCheck::Verified) => Answer::Gone,
        (Err(_), SirenCheck::Verified) => Answer::Unavailable,
    };
    let mismatches = company::points(
        answer,
        Applied {
            company_name: &record.company_name,
            organisation_kind: OrganisationKind::from_code(&record.organisation_kind),
        },
    );
    // The company points stored at submission are listed above as they stand now, not twice.
    let warnings: Vec<String> = serde_json::from_str::<Vec<String>>(&record.warnings)
        .unwrap_or_default()
        .into_iter()
        .filter(|warning| !company::is_point(warning))
        .collect();
    let register = register.ok().flatten();

    let related = related(ctx, id, &more.email_key, &record.siren).await?;
    let decision = decision(ctx, id, &record, &more).await?;
    let history = events::history(&ctx.db, id).await?;
    let exchanges = events::exchanges(&ctx.db.pool, id, false).await?;
    Ok(Some(RegistrationDetail {
        profile,
        siret: more.siret,
        phone: more.phone,
        phone_national: more.phone_national,
        company_name_source: more.company_name_source,
        siren_verified: check == SirenCheck::Verified,
        siren_check: check,
        register_checked_at: more.register_checked_at,
        register: register.map(|c| RegisterView {
            company_name: c.name,
            state: match c.state {
                UnitState::Active => CompanyState::Active,
                UnitState::Ceased => CompanyState::Ceased,
            },
            legal_category: c.legal_category,
            diffusible: c.diffusible,
        }),
        mismatches,
        warnings,
        related,
        decision,
        history,
        erased_at: None,
        taken_at: record.taken_by.is_some().then_some(more.taken_at).flatten(),
        exchanges,
        row: record
            .view(now, ctx.config.review_target_days)
            .context("cannot read the request")?,
    }))
}

async fn related(
    ctx: &AppContext,
    id: i64,
    email_key: &str,
    siren: &str,
) -> anyhow::Result<Vec<Related>> {
    let same = |row_email: &str, row_siren: &str| {
        let mut same = Vec::new();
        if row_email == email_key {
            same.push(SharedWith::Email);
        }
        if row_siren == siren {
            same.push(SharedWith::Siren);
        }
        same
    };
    let accounts: Vec<RelatedRow> = sqlx::query_as(
        "SELECT id, login AS label, CASE WHEN disabled = 1 THEN 'disabled' ELSE 'active' END AS status,
                email_key, siren, created_at FROM accounts
         WHERE (email_key = $1 OR siren = $2) AND registration_id <> $3 ORDER BY created_at DESC LIMIT 50",
    )
    .bind(email_key)
    .bind(siren)
    .bind(id)
    .fetch_all(&ctx.db.pool)
    .await
    .context("cannot read related accounts")?;
    let requests: Vec<RelatedRow> = sqlx::query_as(
        "SELECT id, reference AS label, status, email_key, siren, created_at FROM registrations
         WHERE (email_key = $1 OR siren = $2) AND id <> $3 ORDER BY created_at DESC LIMIT 50",
    )
    .bind(email_key)
    .bind(siren)
    .bind(id)
    .fetch_all(&ctx.db.pool)
    .await
    .context("cannot read related requests")?;
    let related = |kind: RelatedKind, row: RelatedRow| {
        Ok(Related {
            kind,
            same: same(&row.email_key, &row.siren),
            status: decoded(RelatedStatus::parse(&row.status), "status", &row.status)?,
            id: row.id,
            label: row.label,
            created_at: row.created_at,
        })
    };
    let related = accounts
        .into_iter()
        .map(|row| related(RelatedKind::Account, row))
        .chain(
            requests
                .into_iter()
                .map(|row| related(RelatedKind::Registration, row)),
        )
        .collect::<Result<Vec<Related>, sqlx::Error>>()
        .context("cannot read a related item")?;
    Ok(related)
}

async fn decision(
    ctx: &AppContext,
    id: i64,
    record: &RowRecord,
    more: &DetailRecord,
) -> anyhow::Result<Option<DecisionView>> {
    let Some(decided_at) = record.decided_at else {
        return Ok(None);
    };
    let codes: Vec<String> = more
        .refusal_reasons
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let mut reasons = Vec::new();
    for code in codes {
        let label: Option<(String,)> =
            sqlx::query_as("SELECT label FROM refusal_reasons WHERE code = $1")
                .bind(&code)
                .fetch_optional(&ctx.db.pool)
                .await
                .context("cannot read refusal reasons")?;
        reasons.push(label.map_or(code, |(l,)| l));
    }
    let account: Option<DecidedAccount> = sqlx::query_as(
        "SELECT id, login, disabled, password_hash FROM accounts WHERE registration_id = $1",
    )
    .bind(id)
    .fetch_optional(&ctx.db.pool)
    .await
    .context("cannot read the account")?;
    let api_usage = match &account {
        Some(account) => Some(
            crate::dae::usage::view(&ctx.db, ctx.config.api_rate, account.id)
                .await
                .context("cannot read the API usage")?,
        ),
        None => None,
    };
    Ok(Some(DecisionView {
        api_usage,
        status: Status::parse(&record.status).unwrap_or(Status::Pending),
        decided_at,
        decided_by: more.decided_by.clone(),
        reasons,
        message: more.refusal_message.clone(),
        login: account.as_ref().map(|a| a.login.clone()),
        account_id: account.as_ref().map(|a| a.id),
        account_disabled: account.as_ref().is_some_and(|a| a.disabled == 1),
        account_activated: account.as_ref().is_some_and(|a| a.password_hash.is_some()),
    }))
}

/// A request or an account sharing the address or the SIREN of the request reviewed.
#[derive(sqlx::FromRow)]
struct RelatedRow {
    id: i64,
    /// The reference, or the identifiant.
    label: String,
    status: String,
    email_key: String,
    siren: String,
    created_at: i64,
}

/// The account a validation created.
#[derive(sqlx::FromRow)]
struct DecidedAccount {
    id: i64,
    login: String,
    disabled: i64,
    /// `NULL` until its password is set.
    password_hash: Option<String>,
}
