//! The administrators' review of requests: the dashboard's list, one request with everything a reviewer
//! needs to decide, and the decisions (in `decide`).

pub mod decide;

use anyhow::Context;
use app::api::admin::{
    DecisionView, HistoryEntry, RegisterView, RegistrationDetail, RegistrationPage,
    RegistrationRow, Related, SirenCheck, StatusCounts, WeekActivity,
};
use app::domain::OrganisationKind;
use app::domain::person_name::fold;
use sqlx::{Any, AssertSqlSafe};

use crate::AppContext;
use crate::sirene::UnitState;
use crate::store::now_ms;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const WEEK_MS: i64 = 7 * DAY_MS;
/// Weeks shown in the dashboard's chart.
const CHART_WEEKS: i64 = 12;
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Approved,
    Refused,
}

impl Status {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "refused" => Some(Self::Refused),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }
}

/// Where a page starts: after this row of the sort order (queue, creation time, id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    queue: i64,
    created_at: i64,
    id: i64,
}

impl Cursor {
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-').map(str::parse::<i64>);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(Ok(queue)), Some(Ok(created_at)), Some(Ok(id)), None) => Some(Self {
                queue,
                created_at,
                id,
            }),
            _ => None,
        }
    }

    fn format(self) -> String {
        format!("{}-{}-{}", self.queue, self.created_at, self.id)
    }
}

#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub status: Option<Status>,
    pub search: Option<String>,
    pub after: Option<Cursor>,
    pub limit: i64,
}

/// The text a search matches: reference, names, email, SIREN and raison sociale, lowercase without accents.
pub fn search_text(parts: &[&str]) -> String {
    fold(&parts.join(" "))
}

/// The indexed column a search names exactly (a SIREN or SIRET, a reference, an email address), with the value
/// to compare; otherwise no column and the folded text to look for anywhere.
fn exact_search(search: &str) -> (Option<&'static str>, String) {
    let compact: String = search.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.chars().all(|c| c.is_ascii_digit());
    if digits && (compact.len() == 9 || compact.len() == 14) {
        return (Some("siren"), compact[..9].to_string());
    }
    let upper = compact.to_uppercase();
    if upper.len() == 12 && upper.starts_with("DAE-") {
        return (Some("reference"), upper);
    }
    if app::domain::Email::parse(search).is_ok() {
        return (Some("email_key"), search.to_lowercase());
    }
    (None, fold(search))
}

/// A bound value of a query assembled from fixed fragments.
enum Bind {
    Int(i64),
    Text(String),
}

#[derive(sqlx::FromRow)]
struct RowRecord {
    id: i64,
    reference: String,
    status: String,
    last_name: String,
    first_name: String,
    email: String,
    siren: String,
    company_name: String,
    organisation_kind: String,
    created_at: i64,
    decided_at: Option<i64>,
    warnings: String,
    queue: i64,
}

const ROW_COLUMNS: &str = "id, reference, status, last_name, first_name, email, siren, company_name, organisation_kind, created_at, decided_at, warnings, queue";

impl RowRecord {
    fn view(self, now: i64, overdue_after_days: i64) -> RegistrationRow {
        let until = self.decided_at.unwrap_or(now);
        let waited_days = (until - self.created_at).max(0) / DAY_MS;
        let flags = serde_json::from_str::<Vec<String>>(&self.warnings)
            .map(|w| w.len())
            .unwrap_or(0);
        RegistrationRow {
            overdue: self.status == "pending" && waited_days >= overdue_after_days,
            id: self.id,
            reference: self.reference,
            status: self.status,
            last_name: self.last_name,
            first_name: self.first_name,
            email: self.email,
            siren: self.siren,
            company_name: self.company_name,
            organisation_kind: self.organisation_kind,
            created_at: self.created_at,
            decided_at: self.decided_at,
            waited_days,
            flags,
        }
    }
}

/// One page of the dashboard: pending requests first, oldest first; keyset pagination on the sort order,
/// so that every page costs the same however deep. Counts and the chart come with the first page.
pub async fn list(ctx: &AppContext, query: &ListQuery) -> anyhow::Result<RegistrationPage> {
    let now = now_ms();
    let overdue_after_days = ctx.config.review_target_days;
    let limit = query.limit.clamp(1, MAX_PAGE);
    let mut conditions = Vec::new();
    let mut binds = Vec::new();
    let placeholder = |bind: Bind, binds: &mut Vec<Bind>| {
        binds.push(bind);
        format!("${}", binds.len())
    };
    if let Some(status) = query.status {
        let p = placeholder(Bind::Text(status.code().into()), &mut binds);
        conditions.push(format!("status = {p}"));
    }
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (column, value) = exact_search(search);
        if let Some(column) = column {
            // A whole SIREN, reference or address: an indexed equality rather than a scan.
            let p = placeholder(Bind::Text(value), &mut binds);
            conditions.push(format!("{column} = {p}"));
        } else {
            let escaped = value
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let p = placeholder(Bind::Text(format!("%{escaped}%")), &mut binds);
            conditions.push(format!("search_text LIKE {p} ESCAPE '\\'"));
        }
    }
    let order = if query.status.is_some() {
        "created_at, id"
    } else {
        "queue, created_at, id"
    };
    if let Some(after) = query.after {
        let key = if query.status.is_some() {
            let c = placeholder(Bind::Int(after.created_at), &mut binds);
            let i = placeholder(Bind::Int(after.id), &mut binds);
            format!("(created_at, id) > ({c}, {i})")
        } else {
            let q = placeholder(Bind::Int(after.queue), &mut binds);
            let c = placeholder(Bind::Int(after.created_at), &mut binds);
            let i = placeholder(Bind::Int(after.id), &mut binds);
            format!("(queue, created_at, id) > ({q}, {c}, {i})")
        };
        conditions.push(key);
    }
    let limit_p = placeholder(Bind::Int(limit + 1), &mut binds);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM registrations {filter} ORDER BY {order} LIMIT {limit_p}"
    );
    let mut statement = sqlx::query_as::<Any, RowRecord>(AssertSqlSafe(sql));
    for bind in binds {
        statement = match bind {
            Bind::Int(v) => statement.bind(v),
            Bind::Text(v) => statement.bind(v),
        };
    }
    let mut records = statement
        .fetch_all(&ctx.db.pool)
        .await
        .context("cannot list requests")?;
    let next = if records.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        records.pop();
        records.last().map(|r| {
            Cursor {
                queue: r.queue,
                created_at: r.created_at,
                id: r.id,
            }
            .format()
        })
    } else {
        None
    };
    let items = records
        .into_iter()
        .map(|r| r.view(now, overdue_after_days))
        .collect();
    let (counts, weeks) = if query.after.is_none() {
        // Independent reads: on separate connections at once, so the page waits for the slowest only.
        tokio::try_join!(
            counts(ctx, now, overdue_after_days),
            weekly_activity(ctx, now)
        )?
    } else {
        (StatusCounts::default(), Vec::new())
    };
    Ok(RegistrationPage {
        items,
        next,
        counts,
        weeks,
        overdue_after_days,
    })
}

async fn counts(
    ctx: &AppContext,
    now: i64,
    overdue_after_days: i64,
) -> anyhow::Result<StatusCounts> {
    // One count per status, each answered from the (status, created_at, id) index.
    let count = |status: &'static str| async move {
        sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM registrations WHERE status = $1")
            .bind(status)
            .fetch_one(&ctx.db.pool)
            .await
            .map(|(n,)| n)
            .context("cannot count requests")
    };
    let overdue = async {
        sqlx::query_as::<_, (i64,)>(
            "SELECT COUNT(*) FROM registrations WHERE status = 'pending' AND created_at <= $1",
        )
        .bind(now - overdue_after_days * DAY_MS)
        .fetch_one(&ctx.db.pool)
        .await
        .map(|(n,)| n)
        .context("cannot count overdue requests")
    };
    let (pending, approved, refused, overdue) = tokio::try_join!(
        count("pending"),
        count("approved"),
        count("refused"),
        overdue
    )?;
    let counts = StatusCounts {
        pending,
        approved,
        refused,
        overdue,
    };
    Ok(counts)
}

/// Monday 00:00 UTC of the week holding `ms`.
fn week_start(ms: i64) -> i64 {
    // 1970-01-01 was a Thursday: Mondays are 4 days after the epoch modulo a week.
    let since_monday = (ms - 4 * DAY_MS).rem_euclid(WEEK_MS);
    ms - since_monday
}

async fn weekly_activity(ctx: &AppContext, now: i64) -> anyhow::Result<Vec<WeekActivity>> {
    let start = week_start(now) - (CHART_WEEKS - 1) * WEEK_MS;
    let bucket = |column: &str| {
        format!(
            "SELECT ({column} - $1) / {WEEK_MS} AS week, COUNT(*) FROM registrations WHERE {column} >= $1 GROUP BY ({column} - $1) / {WEEK_MS}"
        )
    };
    let (received_sql, decided_sql) = (bucket("created_at"), bucket("decided_at"));
    let per_week = |sql: String| async move {
        sqlx::query_as::<_, (i64, i64)>(AssertSqlSafe(sql))
            .bind(start)
            .fetch_all(&ctx.db.pool)
            .await
            .context("cannot count requests per week")
    };
    let (received, decided) = tokio::try_join!(per_week(received_sql), per_week(decided_sql))?;
    let count = |rows: &[(i64, i64)], week: i64| {
        rows.iter().find(|(w, _)| *w == week).map_or(0, |(_, n)| *n)
    };
    Ok((0..CHART_WEEKS)
        .map(|week| WeekActivity {
            week: date(start + week * WEEK_MS),
            received: count(&received, week),
            decided: count(&decided, week),
        })
        .collect())
}

/// `YYYY-MM-DD` (UTC).
fn date(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_default()
}

#[derive(sqlx::FromRow)]
struct DetailRecord {
    profile: String,
    siret: Option<String>,
    phone: String,
    phone_as_typed: String,
    company_name_source: String,
    siren_verified: i64,
    register_checked_at: Option<i64>,
    email_key: String,
    refusal_reasons: Option<String>,
    refusal_message: Option<String>,
    decided_by: Option<String>,
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
        "SELECT r.profile, r.siret, r.phone, r.phone_as_typed, r.company_name_source, r.siren_verified, r.register_checked_at, r.email_key,
                r.refusal_reasons, r.refusal_message, a.login AS decided_by
         FROM registrations r LEFT JOIN admins a ON a.id = r.decided_by WHERE r.id = $1",
    )
    .bind(id)
    .fetch_one(&ctx.db.pool)
    .await
    .context("cannot read the request")?;
    let warnings: Vec<String> = serde_json::from_str(&record.warnings).unwrap_or_default();

    let register = match ctx.register.lookup(&record.siren).await {
        Ok(found) => found,
        Err(unavailable) => {
            tracing::warn!(error = %unavailable, "company register unavailable for a review");
            None
        }
    };
    let check = SirenCheck::from_code(more.siren_verified);
    let mut mismatches = Vec::new();
    match check {
        SirenCheck::NotVerified => mismatches.push(
            "SIREN non vérifié : le répertoire SIRENE ne répondait pas lors de la demande ; il est interrogé à nouveau automatiquement."
                .to_string(),
        ),
        SirenCheck::Unknown => mismatches.push(format!(
            "SIREN inconnu du répertoire SIRENE (vérifié le {}).",
            more.register_checked_at.map(app::domain::dates::date_time).unwrap_or_default()
        )),
        SirenCheck::Verified => {}
    }
    if let Some(company) = &register {
        if company.state == UnitState::Ceased {
            mismatches.push("La structure est cessée au répertoire SIRENE.".to_string());
        }
        if !company.diffusible {
            mismatches.push(
                "Structure non diffusible : raison sociale saisie par le demandeur, à vérifier."
                    .to_string(),
            );
        }
        if let Some(name) = &company.name
            && fold(name) != fold(&record.company_name)
        {
            mismatches.push(format!(
                "Raison sociale saisie « {} », répertoire « {name} ».",
                record.company_name
            ));
        }
        if let (Some(category), Some(kind)) = (
            &company.legal_category,
            OrganisationKind::from_code(&record.organisation_kind),
        ) && let Some(expected) = OrganisationKind::expected_for_legal_category(category)
            && expected != kind
        {
            mismatches.push(format!(
                        "Type de structure « {} », mais la catégorie juridique {category} correspond à « {} ».",
                        kind.label(),
                        expected.label()
                    ));
        }
    } else if check == SirenCheck::Verified {
        mismatches.push("Le SIREN n'est plus au répertoire local.".to_string());
    }

    let related = related(ctx, id, &more.email_key, &record.siren).await?;
    let decision = decision(ctx, id, &record, &more).await?;
    let history = history(&ctx.db, id).await?;
    Ok(Some(RegistrationDetail {
        profile: more.profile,
        siret: more.siret,
        phone: more.phone,
        phone_as_typed: more.phone_as_typed,
        company_name_source: more.company_name_source,
        siren_verified: check == SirenCheck::Verified,
        siren_check: check,
        register_checked_at: more.register_checked_at,
        register: register.map(|c| RegisterView {
            company_name: c.name,
            state: c.state.code().to_string(),
            legal_category: c.legal_category,
            diffusible: c.diffusible,
        }),
        mismatches,
        warnings,
        related,
        decision,
        history,
        row: record.view(now, ctx.config.review_target_days),
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
            same.push("email".to_string());
        }
        if row_siren == siren {
            same.push("siren".to_string());
        }
        same
    };
    let requests: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, reference, status, email_key, siren, created_at FROM registrations
         WHERE (email_key = $1 OR siren = $2) AND id <> $3 ORDER BY created_at DESC LIMIT 50",
    )
    .bind(email_key)
    .bind(siren)
    .bind(id)
    .fetch_all(&ctx.db.pool)
    .await
    .context("cannot read related requests")?;
    let accounts: Vec<(i64, String, i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, login, disabled, email_key, siren, created_at FROM accounts
         WHERE (email_key = $1 OR siren = $2) AND registration_id <> $3 ORDER BY created_at DESC LIMIT 50",
    )
    .bind(email_key)
    .bind(siren)
    .bind(id)
    .fetch_all(&ctx.db.pool)
    .await
    .context("cannot read related accounts")?;
    let mut related: Vec<Related> = accounts
        .into_iter()
        .map(
            |(id, login, disabled, email, row_siren, created_at)| Related {
                kind: "account".into(),
                id,
                label: login,
                status: if disabled == 1 { "disabled" } else { "active" }.into(),
                same: same(&email, &row_siren),
                created_at,
            },
        )
        .collect();
    related.extend(requests.into_iter().map(
        |(id, reference, status, email, row_siren, created_at)| Related {
            kind: "registration".into(),
            id,
            label: reference,
            status,
            same: same(&email, &row_siren),
            created_at,
        },
    ));
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
    let account: Option<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, login, disabled, password_hash FROM accounts WHERE registration_id = $1",
    )
    .bind(id)
    .fetch_optional(&ctx.db.pool)
    .await
    .context("cannot read the account")?;
    Ok(Some(DecisionView {
        status: record.status.clone(),
        decided_at,
        decided_by: more.decided_by.clone(),
        reasons,
        message: more.refusal_message.clone(),
        login: account.as_ref().map(|a| a.1.clone()),
        account_id: account.as_ref().map(|a| a.0),
        account_disabled: account.as_ref().is_some_and(|a| a.2 == 1),
        account_activated: account.as_ref().is_some_and(|a| a.3.is_some()),
    }))
}

/// A request's events, oldest first.
pub async fn history(db: &crate::store::Db, id: i64) -> anyhow::Result<Vec<HistoryEntry>> {
    let events: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT at, actor, kind, detail FROM registration_events WHERE registration_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .context("cannot read the history")?;
    Ok(events
        .into_iter()
        .map(|(at, actor, action, detail)| HistoryEntry {
            at,
            actor,
            action,
            detail,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        // 2026-11-28 (a Saturday) 14:00 UTC → Monday 2026-11-23.
        let saturday = 1_795_874_400_000;
        assert_eq!(date(saturday), "2026-11-28");
        assert_eq!(date(week_start(saturday)), "2026-11-23");
        assert_eq!(week_start(week_start(saturday)), week_start(saturday));
    }

    #[test]
    fn whole_identifiers_are_searched_by_index() {
        assert_eq!(
            exact_search("356 000 000"),
            (Some("siren"), "356000000".into())
        );
        assert_eq!(
            exact_search("35600000000048"),
            (Some("siren"), "356000000".into())
        );
        assert_eq!(
            exact_search("dae-7k3f9q2m"),
            (Some("reference"), "DAE-7K3F9Q2M".into())
        );
        assert_eq!(
            exact_search("Contact@Exemple.fr"),
            (Some("email_key"), "contact@exemple.fr".into())
        );
        assert_eq!(exact_search("Éluard"), (None, "eluard".into()));
        assert_eq!(exact_search("3560"), (None, "3560".into()));
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            queue: 0,
            created_at: 1_700_000_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&cursor.format()), Some(cursor));
        assert_eq!(Cursor::parse("1-2"), None);
        assert_eq!(Cursor::parse("a-b-c"), None);
        assert_eq!(Cursor::parse("1-2-3-4"), None);
    }
}
