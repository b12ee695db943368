//! Fair use of the data API: a rate per account (a token bucket: `GEODAE_API_RATE` calls a second on average,
//! `GEODAE_API_BURST` at once; 10 and 20 by default), and each account's calls counted per day (UTC).
//!
//! The bucket lives in the instance's memory (each instance of a deployment gives the rate); the counts are
//! gathered in memory and written every few seconds in one transaction, so that a call never waits on a write.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use sqlx::Any;

use crate::store::{Db, now_ms};

/// How often the counts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

pub use crate::bucket::ApiRate;
use crate::bucket::Buckets;

#[derive(Default)]
struct Counts {
    calls: i64,
    refused: i64,
    last_call_at: i64,
}

/// The rate limiter and call counter of the data API.
pub struct Usage {
    buckets: Buckets<i64>,
    /// Not yet written: by account and day.
    pending: Mutex<HashMap<(i64, String), Counts>>,
}

/// The UTC day of a time in milliseconds, `AAAA-MM-JJ`.
pub fn day_of(ms: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl Usage {
    pub fn new(rate: ApiRate) -> Self {
        Self {
            buckets: Buckets::new(rate),
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a call of `account_id`: `Err` with the seconds to wait when it goes over the account's rate.
    pub fn take(&self, account_id: i64) -> Result<(), i64> {
        let taken = self.buckets.take(account_id);
        let at = now_ms();
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let counts = pending.entry((account_id, day_of(at))).or_default();
        if taken.is_ok() {
            counts.calls += 1;
            counts.last_call_at = at;
        } else {
            counts.refused += 1;
        }
        taken
    }

    /// Writes the counts gathered since the last time, in one transaction; kept for the next time on failure.
    pub async fn flush(&self, db: &Db) -> Result<(), sqlx::Error> {
        // Buckets full again are forgotten: memory follows the accounts calling now, not every account.
        self.buckets.forget_full();
        let pending = std::mem::take(
            &mut *self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if pending.is_empty() {
            return Ok(());
        }
        let result = write(db, &pending).await;
        if result.is_err() {
            let mut kept_counts = self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for (key, counts) in pending {
                let kept = kept_counts.entry(key).or_default();
                kept.calls += counts.calls;
                kept.refused += counts.refused;
                kept.last_call_at = kept.last_call_at.max(counts.last_call_at);
            }
        }
        result
    }
}

async fn write(db: &Db, pending: &HashMap<(i64, String), Counts>) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    for ((account_id, day), counts) in pending {
        sqlx::query::<Any>(
            "INSERT INTO api_usage (account_id, day, calls, refused, last_call_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account_id, day) DO UPDATE SET
                 calls = api_usage.calls + excluded.calls,
                 refused = api_usage.refused + excluded.refused,
                 last_call_at = CASE WHEN excluded.last_call_at > api_usage.last_call_at
                     THEN excluded.last_call_at ELSE api_usage.last_call_at END",
        )
        .bind(*account_id)
        .bind(day)
        .bind(counts.calls)
        .bind(counts.refused)
        .bind(counts.last_call_at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Writes the counts every [`FLUSH_EVERY`] until `stopping`, then once more.
pub async fn run(
    usage: std::sync::Arc<Usage>,
    db: Db,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let stop = tokio::select! {
            () = tokio::time::sleep(FLUSH_EVERY) => false,
            changed = stopping.wait_for(|stop| *stop) => { let _ = changed; true }
        };
        if let Err(error) = usage.flush(&db).await {
            tracing::warn!(error = %error, "cannot write the data API's counts; kept for the next time");
        }
        if stop {
            break;
        }
    }
}

impl ApiRate {
    /// The rate in words, for the account page and the administrators.
    pub fn describe(self) -> String {
        let number = |n: f64| {
            if n.fract() == 0.0 {
                format!("{n:.0}")
            } else {
                format!("{n}").replace('.', ",")
            }
        };
        format!(
            "{} appels par seconde en moyenne, {} d'affilée",
            number(self.per_second),
            number(self.burst)
        )
    }
}

/// The account page's and the administrators' view of an account's use.
pub async fn view(
    db: &Db,
    rate: ApiRate,
    account_id: i64,
) -> Result<app::api::ApiUsage, sqlx::Error> {
    let usage = of_account(db, account_id).await?;
    Ok(app::api::ApiUsage {
        today: usage.today,
        last_30_days: usage.last_30_days,
        refused_30_days: usage.refused_30_days,
        last_call_at: usage.last_call_at,
        rate: rate.describe(),
    })
}

/// An account's use of the data API: calls today (UTC), over the last 30 days, refused over the rate (30 days),
/// and the time of its last call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountUsage {
    pub today: i64,
    pub last_30_days: i64,
    pub refused_30_days: i64,
    pub last_call_at: Option<i64>,
}

pub async fn of_account(db: &Db, account_id: i64) -> Result<AccountUsage, sqlx::Error> {
    let now = now_ms();
    let today = day_of(now);
    let since = day_of(now - 29 * 24 * 3600 * 1000);
    let row: (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        // SUM of integers is NUMERIC on PostgreSQL: cast back.
        "SELECT CAST(SUM(CASE WHEN day = $2 THEN calls ELSE 0 END) AS BIGINT), CAST(SUM(calls) AS BIGINT),
                CAST(SUM(refused) AS BIGINT)
         FROM api_usage WHERE account_id = $1 AND day >= $3",
    )
    .bind(account_id)
    .bind(&today)
    .bind(&since)
    .fetch_one(&db.pool)
    .await?;
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(last_call_at) FROM api_usage WHERE account_id = $1 AND calls > 0",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(AccountUsage {
        today: row.0.unwrap_or(0),
        last_30_days: row.1.unwrap_or(0),
        refused_30_days: row.2.unwrap_or(0),
        last_call_at: last.filter(|t| *t > 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate() {
        let usage = Usage::new(ApiRate {
            per_second: 2.0,
            burst: 3.0,
        });
        for _ in 0..3 {
            assert_eq!(usage.take(7), Ok(()));
        }
        let wait = usage.take(7).expect_err("over the burst");
        assert_eq!(wait, 1);
        // Another account has its own bucket.
        assert_eq!(usage.take(8), Ok(()));
        std::thread::sleep(Duration::from_millis(600));
        assert_eq!(usage.take(7), Ok(()));
    }

    #[test]
    fn rates_are_said_in_french() {
        assert_eq!(
            ApiRate::default().describe(),
            "10 appels par seconde en moyenne, 20 d'affilée"
        );
        assert_eq!(
            ApiRate {
                per_second: 0.5,
                burst: 3.0
            }
            .describe(),
            "0,5 appels par seconde en moyenne, 3 d'affilée"
        );
    }

    #[test]
    fn days_are_utc() {
        assert_eq!(day_of(0), "1970-01-01");
        // 2026-11-29 23:30 UTC.
        assert_eq!(day_of(1_795_995_000_000), "2026-11-29");
    }
}
