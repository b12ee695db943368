//! The ready-made texts of the reviewers — the reasons of a refusal and the messages of a request for a
//! complement: those offered, and their wording, which admins edit (each change in the audit trail).

use anyhow::Context;
use app::api::admin::{ReasonUpdate, RefusalReason};
use sqlx::AssertSqlSafe;

use crate::AppContext;
use crate::audit::{self, Actor, AuditAction};
use crate::store::now_ms;

/// Why a reason was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ReasonError {
    /// A field is wrong: the French message says which and what is expected.
    #[error("{0}")]
    Invalid(String),
    /// A database failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub use app::api::admin::ReadyMade;

/// The table of the texts of `kind`.
fn table(kind: ReadyMade) -> &'static str {
    match kind {
        ReadyMade::Refusal => "refusal_reasons",
        ReadyMade::Complement => "complement_messages",
    }
}

/// The texts of `kind`, in their order: the active ones, or all of them (`all`, for the admins who edit them).
pub async fn list(
    ctx: &AppContext,
    kind: ReadyMade,
    all: bool,
) -> anyhow::Result<Vec<RefusalReason>> {
    let rows: Vec<ReasonRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT code, label, body, active FROM {} WHERE active = 1 OR $1 = 1 ORDER BY position, code",
        table(kind)
    )))
    .bind(i64::from(all))
    .fetch_all(&ctx.db.pool)
    .await
    .context("cannot read refusal reasons")?;
    Ok(rows.into_iter().map(RefusalReason::from).collect())
}

#[derive(sqlx::FromRow)]
struct ReasonRow {
    code: String,
    label: String,
    body: String,
    active: i64,
}

impl From<ReasonRow> for RefusalReason {
    fn from(row: ReasonRow) -> Self {
        Self {
            code: row.code,
            label: row.label,
            body: row.body,
            active: row.active == 1,
        }
    }
}

/// The texts of `kind` chosen by their codes, each once, in the order chosen; a code unknown or no longer
/// offered is named in the error.
pub async fn chosen(
    ctx: &AppContext,
    kind: ReadyMade,
    codes: &[String],
) -> Result<Vec<RefusalReason>, ReasonError> {
    let available = list(ctx, kind, false).await?;
    let mut seen = std::collections::HashSet::new();
    let mut chosen = Vec::new();
    for code in codes.iter().filter(|code| seen.insert(*code)) {
        match available.iter().find(|r| &r.code == code) {
            Some(text) => chosen.push(text.clone()),
            None => {
                return Err(ReasonError::Invalid(format!(
                    "« {code} » n'existe pas ou n'est plus proposé."
                )));
            }
        }
    }
    Ok(chosen)
}

/// Creates the text `code` of `kind` (after the others) or changes it, in the audit trail.
pub async fn save(
    ctx: &AppContext,
    actor: &Actor,
    kind: ReadyMade,
    code: &str,
    update: &ReasonUpdate,
) -> Result<RefusalReason, ReasonError> {
    let code_ok = (2..=60).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !code_ok {
        return Err(ReasonError::Invalid(
            "Le code fait 2 à 60 caractères : lettres minuscules, chiffres, tirets bas.".into(),
        ));
    }
    let (label, text) = (update.label.trim(), update.body.trim());
    if label.is_empty() || label.chars().count() > 100 {
        return Err(ReasonError::Invalid(
            "Le libellé est obligatoire (100 caractères au plus).".into(),
        ));
    }
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(ReasonError::Invalid(
            "Le texte lu par le demandeur est obligatoire (1000 caractères au plus).".into(),
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let table = table(kind);
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} (code, label, body, position, active, updated_at)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM {table}), $4, $5)
         ON CONFLICT (code) DO UPDATE SET label = $2, body = $3, active = $4, updated_at = $5"
    )))
    .bind(code)
    .bind(label)
    .bind(text)
    .bind(i64::from(update.active))
    .bind(now_ms())
    .execute(&mut *tx)
    .await
    .context("cannot store the ready-made text")?;
    audit::record(
        &mut tx,
        actor,
        match kind {
            ReadyMade::Refusal => AuditAction::RefusalReasonSaved,
            ReadyMade::Complement => AuditAction::ComplementMessageSaved,
        },
        None,
        serde_json::json!({ "code": code, "label": label, "body": text, "active": update.active }),
    )
    .await
    .context("cannot record the change")?;
    tx.commit().await.context("cannot store the reason")?;
    Ok(RefusalReason {
        code: code.to_string(),
        label: label.to_string(),
        body: text.to_string(),
        active: update.active,
    })
}
