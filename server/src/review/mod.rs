//! The administrators' review of requests: the dashboard's list (here), one request with everything a
//! reviewer needs to decide (`detail`), and the decisions (`decide`).

#![warn(missing_docs)]

pub mod complement;
pub mod decide;
pub mod detail;
pub mod reasons;
pub mod rights;

use anyhow::Context;
use app::api::admin::{RegistrationPage, RegistrationRow, StatusCounts, WeekActivity};
use app::domain::OrganisationKind;
use app::domain::person_name::fold;
use sqlx::AssertSqlSafe;

use crate::AppContext;
use crate::store::{Backend, Sql, decoded, now_ms};

use app::domain::dates::DAY_MS;
const WEEK_MS: i64 = 7 * DAY_MS;
/// From this many requests holding a searched text, picking them in the list's order finds a page sooner
/// than reading and sorting every match.
const COMMON_MATCHES: i64 = 2_000;
/// Weeks shown in the dashboard's chart.
const CHART_WEEKS: i64 = 12;
/// Rows of a dashboard page when the query does not say.
pub const DEFAULT_PAGE: i64 = 50;
/// The most rows a page holds.
pub const MAX_PAGE: i64 = 200;

pub use app::api::admin::RequestStatus as Status;

/// Where a page starts: after this row of the sort order (queue, creation time, id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    queue: i64,
    created_at: i64,
    id: i64,
}

impl Cursor {
    /// Reads the `next` of a previous page: three numbers of 1 to 18 digits joined by `-`.
    pub fn parse(text: &str) -> Option<Self> {
        let number = |part: &str| {
            (!part.is_empty() && part.len() <= 18 && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<i64>().ok())
                .flatten()
        };
        let mut parts = text.split('-').map(number);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(Some(queue)), Some(Some(created_at)), Some(Some(id)), None) => Some(Self {
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

/// What the dashboard asks.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Only requests of this status.
    pub status: Option<Status>,
    /// Text searched in the names, email, SIREN, raison sociale and reference.
    pub search: Option<String>,
    /// Where the page starts.
    pub after: Option<Cursor>,
    /// Rows wanted (clamped to 1…`MAX_PAGE`).
    pub limit: i64,
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

/// Whether at least `COMMON_MATCHES` requests hold the FTS5 `phrase` (counted in the trigram index, up to that
/// many).
async fn common_text(ctx: &AppContext, phrase: &str) -> anyhow::Result<bool> {
    let (matches,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT 1 FROM registrations_search WHERE registrations_search MATCH $1 LIMIT $2)",
    )
    .bind(phrase)
    .bind(COMMON_MATCHES)
    .fetch_one(&ctx.db.pool)
    .await
    .context("cannot search the requests")?;
    Ok(matches >= COMMON_MATCHES)
}

/// The text as one FTS5 phrase: a substring to find, whatever punctuation it holds.
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[derive(sqlx::FromRow)]
pub(crate) struct RowRecord {
    pub(crate) id: i64,
    pub(crate) reference: String,
    pub(crate) status: String,
    pub(crate) last_name: String,
    pub(crate) first_name: String,
    pub(crate) email: String,
    pub(crate) siren: String,
    pub(crate) company_name: String,
    pub(crate) organisation_kind: String,
    pub(crate) created_at: i64,
    pub(crate) decided_at: Option<i64>,
    pub(crate) warnings: String,
    pub(crate) queue: i64,
    pub(crate) taken_by: Option<String>,
}

pub(crate) const ROW_COLUMNS: &str = "id, reference, status, last_name, first_name, email, siren, company_name, organisation_kind, created_at, decided_at, warnings, queue,
    (SELECT a.login FROM admins a WHERE a.id = registrations.taken_by AND registrations.status IN ('pending', 'complement', 'completed')) AS taken_by";

impl RowRecord {
    /// The dashboard's line, its stored words read back as their enums.
    pub(crate) fn view(
        self,
        now: i64,
        overdue_after_days: i64,
    ) -> Result<RegistrationRow, sqlx::Error> {
        let until = self.decided_at.unwrap_or(now);
        let waited_days = (until - self.created_at).max(0) / DAY_MS;
        let flags = serde_json::from_str::<Vec<String>>(&self.warnings)
            .map(|w| w.len())
            .unwrap_or(0);
        let status = decoded(Status::parse(&self.status), "status", &self.status)?;
        Ok(RegistrationRow {
            overdue: matches!(status, Status::Pending | Status::Completed)
                && waited_days >= overdue_after_days,
            id: self.id,
            reference: self.reference,
            status,
            last_name: self.last_name,
            first_name: self.first_name,
            email: self.email,
            siren: self.siren,
            company_name: self.company_name,
            organisation_kind: decoded(
                OrganisationKind::from_code(&self.organisation_kind),
                "organisation kind",
                &self.organisation_kind,
            )?,
            created_at: self.created_at,
            decided_at: self.decided_at,
            waited_days,
            flags,
            taken_by: self.taken_by,
        })
    }
}

/// One page of the dashboard: pending requests first, oldest first; keyset pagination on the sort order,
/// so that every page costs the same however deep. Counts and the chart come with the first page.
pub async fn list(ctx: &AppContext, query: &ListQuery) -> anyhow::Result<RegistrationPage> {
    let now = now_ms();
    let overdue_after_days = ctx.config.review_target_days;
    let limit = query.limit.clamp(1, MAX_PAGE);
    // The conditions, each a fixed fragment and its bound values, joined by AND; the page's SQL around them.
    let mut filter = Sql::default();
    let and = |filter: &mut Sql| {
        filter.push(if filter.text().is_empty() {
            "WHERE "
        } else {
            " AND "
        });
    };
    if let Some(status) = query.status {
        and(&mut filter);
        filter.push("status = ").bind(status.code());
    }
    // Whether the page is chosen from an index in the list's order before its rows are read.
    let mut in_order = false;
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (column, value) = exact_search(search);
        and(&mut filter);
        if let Some(column) = column {
            // A whole SIREN, reference or address: an indexed equality rather than a scan.
            filter.push(&format!("{column} = ")).bind(value);
        } else if ctx.db.backend == Backend::Sqlite && value.chars().count() >= 3 {
            // The trigram index (FTS5) gives the requests holding the text. A few are read and sorted; many are
            // picked in the list's order from the index that holds it (`+id`: not by their ids), and only the
            // page's rows are read.
            let phrase = fts_phrase(&value);
            let common = common_text(ctx, &phrase).await?;
            filter
                .push(if common { "+id" } else { "id" })
                .push(
                    " IN (SELECT rowid FROM registrations_search WHERE registrations_search MATCH ",
                )
                .bind(phrase)
                .push(")");
            in_order = common;
        } else {
            // On PostgreSQL the trigram index (pg_trgm) answers `LIKE '%…%'` itself; on SQLite, text shorter
            // than a trigram is read in place.
            let escaped = value
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            filter
                .push("search_text LIKE ")
                .bind(format!("%{escaped}%"))
                .push(" ESCAPE '\\'");
        }
    }
    let order = if query.status.is_some() {
        "created_at, id"
    } else {
        "queue, created_at, id"
    };
    if let Some(after) = query.after {
        and(&mut filter);
        if query.status.is_some() {
            filter
                .push("(created_at, id) > (")
                .bind_list([after.created_at, after.id])
                .push(")");
        } else {
            filter
                .push("(queue, created_at, id) > (")
                .bind_list([after.queue, after.created_at, after.id])
                .push(")");
        }
    }
    filter
        .push(&format!(" ORDER BY {order} LIMIT "))
        .bind(limit + 1);
    let sql = if in_order {
        filter
            .prefixed("SELECT id FROM registrations ")
            .prefixed(&format!(
                "SELECT {ROW_COLUMNS} FROM registrations WHERE id IN ("
            ))
            .suffixed(&format!(") ORDER BY {order}"))
    } else {
        filter.prefixed(&format!("SELECT {ROW_COLUMNS} FROM registrations "))
    };
    let statement = sql.query_as::<RowRecord>();
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
        .collect::<Result<_, _>>()
        .context("cannot read a request")?;
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
    // Kept per status by the triggers of the transactions that add, decide or remove requests.
    let per_status = async {
        sqlx::query_as::<_, (String, i64)>("SELECT status, n FROM registration_counts")
            .fetch_all(&ctx.db.pool)
            .await
            .context("cannot count requests")
    };
    let overdue = async {
        sqlx::query_as::<_, (i64,)>(
            "SELECT COUNT(*) FROM registrations WHERE status IN ('pending', 'completed') AND created_at <= $1",
        )
        .bind(now - overdue_after_days * DAY_MS)
        .fetch_one(&ctx.db.pool)
        .await
        .map(|(n,)| n)
        .context("cannot count overdue requests")
    };
    let (per_status, overdue) = tokio::try_join!(per_status, overdue)?;
    let count = |status: Status| {
        per_status
            .iter()
            .find(|(code, _)| code == status.code())
            .map_or(0, |(_, n)| *n)
    };
    let (pending, approved, refused) = (
        count(Status::Pending),
        count(Status::Approved),
        count(Status::Refused),
    );
    let counts = StatusCounts {
        pending,
        approved,
        refused,
        overdue,
        complement: count(Status::Complement),
        completed: count(Status::Completed),
        withdrawn: count(Status::Withdrawn),
        closed: count(Status::Closed),
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
