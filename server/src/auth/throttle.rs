//! Sign-in throttling (the CNIL's "restriction d'accès"): after a few failures on one login, or many from one
//! address, sign-in is refused for a delay that doubles with each further failure, up to an hour. Counters
//! live in the database, so that every instance applies them.

use sqlx::Any;

use crate::store::{Db, now_ms};

/// Failures allowed on one login before the first delay.
pub const LOGIN_FREE_FAILURES: i64 = 5;
/// Failures allowed from one client address (any login) before the first delay.
pub const ADDRESS_FREE_FAILURES: i64 = 20;
/// The first delay, doubled for each further failure.
const FIRST_DELAY_MS: i64 = 30_000;
const MAX_DELAY_MS: i64 = 60 * 60 * 1000;
/// Failures older than this are forgotten.
const WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// The counters of one sign-in attempt.
pub struct Keys {
    /// The counter of the login.
    pub login: String,
    /// The counter of the client address.
    pub address: String,
}

impl Keys {
    /// The counters of a sign-in of `scope` (`admin`, `account`).
    pub fn new(scope: &str, login: &str, address: &str) -> Self {
        Self {
            login: format!("{scope}:login:{}", login.trim().to_lowercase()),
            address: format!("{scope}:ip:{address}"),
        }
    }
}

/// `Some(seconds)` while either counter is locked.
pub async fn locked(db: &Db, keys: &Keys) -> Result<Option<i64>, sqlx::Error> {
    let now = now_ms();
    let until: Option<(i64,)> = sqlx::query_as(
        "SELECT MAX(locked_until) FROM login_throttle WHERE throttle_key IN ($1, $2) AND locked_until > $3 HAVING COUNT(*) > 0",
    )
    .bind(&keys.login)
    .bind(&keys.address)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(until.map(|(until,)| ((until - now) + 999) / 1000))
}

/// Counts a failure on both counters, locking them when past their allowance.
pub async fn failed(db: &Db, keys: &Keys) -> Result<(), sqlx::Error> {
    count_failure(db, &keys.login, LOGIN_FREE_FAILURES).await?;
    count_failure(db, &keys.address, ADDRESS_FREE_FAILURES).await
}

/// A successful sign-in clears the login's counter (not the address's).
pub async fn succeeded(db: &Db, keys: &Keys) -> Result<(), sqlx::Error> {
    sqlx::query::<Any>("DELETE FROM login_throttle WHERE throttle_key = $1")
        .bind(&keys.login)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Counts one event on `key` within a window (a count older than the window starts again at one); returns the
/// count.
async fn count(db: &Db, key: &str, window_ms: i64) -> Result<i64, sqlx::Error> {
    let now = now_ms();
    let (count,): (i64,) = sqlx::query_as(
        "INSERT INTO login_throttle (throttle_key, failures, first_failure_at, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = CASE WHEN login_throttle.first_failure_at < $3 THEN 1 ELSE login_throttle.failures + 1 END,
           first_failure_at = CASE WHEN login_throttle.first_failure_at < $3 THEN $2 ELSE login_throttle.first_failure_at END
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(now - window_ms)
    .fetch_one(&db.pool)
    .await?;
    Ok(count)
}

async fn count_failure(db: &Db, key: &str, free: i64) -> Result<(), sqlx::Error> {
    let failures = count(db, key, WINDOW_MS).await?;
    let now = now_ms();
    if let Some(delay) = delay_ms(failures, free) {
        sqlx::query::<Any>("UPDATE login_throttle SET locked_until = $1 WHERE throttle_key = $2")
            .bind(now + delay)
            .bind(key)
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

/// The delay after the `failures`-th failure: none within the allowance, then 30 s, 1 min, 2 min… up to 1 h.
pub fn delay_ms(failures: i64, free: i64) -> Option<i64> {
    let over = failures - free;
    (over >= 1).then(|| {
        let doublings = u32::try_from((over - 1).min(20)).unwrap_or(20);
        FIRST_DELAY_MS
            .saturating_mul(1i64 << doublings)
            .min(MAX_DELAY_MS)
    })
}

#[cfg(test)]
mod tests {
    use super::delay_ms;

    #[test]
    fn delays_double_after_the_allowance() {
        assert_eq!(delay_ms(5, 5), None);
        assert_eq!(delay_ms(6, 5), Some(30_000));
        assert_eq!(delay_ms(7, 5), Some(60_000));
        assert_eq!(delay_ms(8, 5), Some(120_000));
        assert_eq!(delay_ms(40, 5), Some(3_600_000));
    }
}
