//! Sign-in throttling (the CNIL's "restriction d'accès"). Each attempt is counted before its password is checked,
//! on three counters, in one transaction:
//!
//! - the login from one client address: a few failures, then a delay that doubles with each further failure,
//!   up to an hour. It refuses even the right password, but only from that address;
//! - the client address, whatever the login: more failures, then the same doubling delays;
//! - the login, from anywhere: past an allowance, only a short pause after each failure. A stranger who knows
//!   a login (they are guessable) can slow its owner down by a second, never lock them out.
//!
//! Counting first makes the throttle hold under parallel attempts: each one takes its place in the count while
//! the counter's row is locked, and once past the allowance the attempt that locks the counter is the only one
//! let through; the others are refused without a password check. A success gives its place back. Counters live
//! in the database, so that every instance applies them.

use sqlx::{Any, AnyConnection};

use crate::flood::address_key;
use crate::store::{Db, now_ms};

/// Failures allowed on one login from one address before the first delay.
pub const PAIR_FREE_FAILURES: i64 = 5;
/// Failures allowed from one client address (any login) before the first delay.
pub const ADDRESS_FREE_FAILURES: i64 = 20;
/// Failures allowed on one login, from every address, before each failure pauses it.
pub const LOGIN_FREE_FAILURES: i64 = 10;
/// The pause of a login past its allowance, after each failure.
pub const LOGIN_PAUSE_MS: i64 = 1_000;
/// The first delay, doubled for each further failure.
const FIRST_DELAY_MS: i64 = 30_000;
const MAX_DELAY_MS: i64 = 60 * 60 * 1000;
/// Failures older than this are forgotten.
const WINDOW_MS: i64 = app::domain::dates::DAY_MS;

/// How a counter delays the attempts past its allowance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Delay {
    /// 30 s, then twice as long after each further failure, up to an hour.
    Doubling,
    /// The same short pause after each failure.
    Pause(i64),
}

impl Delay {
    /// The delay after the `failures`-th failure of a counter that allows `free`.
    fn after(self, failures: i64, free: i64) -> Option<i64> {
        match self {
            Self::Doubling => delay_ms(failures, free),
            Self::Pause(ms) => (failures > free).then_some(ms),
        }
    }
}

/// The counters of one sign-in attempt.
pub struct Keys {
    counters: [(String, i64, Delay); 3],
}

impl Keys {
    /// The counters of a sign-in of `scope` (`admin`, `account`) on `login` from `address` (an IPv6 address
    /// counts by its /64).
    pub fn new(scope: &str, login: &str, address: &str) -> Self {
        let login = login.trim().to_lowercase();
        let address = address_key(address);
        Self {
            counters: [
                (
                    format!("{scope}:pair:{address}:{login}"),
                    PAIR_FREE_FAILURES,
                    Delay::Doubling,
                ),
                (
                    format!("{scope}:ip:{address}"),
                    ADDRESS_FREE_FAILURES,
                    Delay::Doubling,
                ),
                (
                    format!("{scope}:login:{login}"),
                    LOGIN_FREE_FAILURES,
                    Delay::Pause(LOGIN_PAUSE_MS),
                ),
            ],
        }
    }
}

/// An attempt let through: counted as a failure on each counter until [`succeeded`] gives its place back.
pub struct Admission {
    keys: Keys,
    /// Which counters this attempt locked (it went past their allowance).
    locked: [bool; 3],
}

/// Why an attempt was not let through.
#[derive(Debug, thiserror::Error)]
pub enum Throttled {
    /// A counter is locked: retry after this many seconds.
    #[error("locked for {0} s")]
    Locked(i64),
    /// The counters cannot be read or written.
    #[error(transparent)]
    Internal(#[from] sqlx::Error),
}

/// Counts an attempt on every counter, in order, before its password is checked: `Ok` lets it through,
/// `Locked` refuses it while a counter is locked (the counters after that one do not count it).
pub async fn admit(db: &Db, keys: Keys) -> Result<Admission, Throttled> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let mut locked = [false; 3];
    for (i, (key, free, delay)) in keys.counters.iter().enumerate() {
        let (failures, locked_until) = count(&mut tx, key, now).await?;
        if locked_until > now {
            tx.commit().await?;
            return Err(Throttled::Locked(((locked_until - now) + 999) / 1000));
        }
        if let Some(ms) = delay.after(failures, *free) {
            sqlx::query::<Any>(
                "UPDATE login_throttle SET locked_until = $1 WHERE throttle_key = $2",
            )
            .bind(now + ms)
            .bind(key)
            .execute(&mut *tx)
            .await?;
            locked[i] = true;
        }
    }
    tx.commit().await?;
    Ok(Admission { keys, locked })
}

/// Counts an attempt on `key` (the row stays locked until the transaction ends) unless it is locked, in which
/// case nothing changes; a count older than the window starts again at one. Returns the count and the lock.
async fn count(conn: &mut AnyConnection, key: &str, now: i64) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO login_throttle (throttle_key, failures, first_failure_at, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = CASE WHEN login_throttle.locked_until > $2 THEN login_throttle.failures
                           WHEN login_throttle.first_failure_at < $3 THEN 1
                           ELSE login_throttle.failures + 1 END,
           first_failure_at = CASE WHEN login_throttle.locked_until > $2 THEN login_throttle.first_failure_at
                                   WHEN login_throttle.first_failure_at < $3 THEN $2
                                   ELSE login_throttle.first_failure_at END
         RETURNING failures, locked_until",
    )
    .bind(key)
    .bind(now)
    .bind(now - WINDOW_MS)
    .fetch_one(conn)
    .await
}

/// The attempt succeeded: the login's counter from this address is cleared, and the others give back the place
/// the attempt took (with the lock it set, if it set one); a counter left with nothing is removed.
pub async fn succeeded(db: &Db, admission: Admission) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let [(pair, _, _), others @ ..] = &admission.keys.counters;
    sqlx::query::<Any>("DELETE FROM login_throttle WHERE throttle_key = $1")
        .bind(pair)
        .execute(&mut *tx)
        .await?;
    for ((key, _, _), locked) in others.iter().zip(&admission.locked[1..]) {
        sqlx::query::<Any>(
            "UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
               locked_until = CASE WHEN $1 = 1 THEN 0 ELSE locked_until END
             WHERE throttle_key = $2",
        )
        .bind(i64::from(*locked))
        .bind(key)
        .execute(&mut *tx)
        .await?;
        sqlx::query::<Any>(
            "DELETE FROM login_throttle WHERE throttle_key = $1 AND failures = 0 AND locked_until <= $2",
        )
        .bind(key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
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
    use super::*;

    #[test]
    fn delays_double_after_the_allowance() {
        assert_eq!(delay_ms(5, 5), None);
        assert_eq!(delay_ms(6, 5), Some(30_000));
        assert_eq!(delay_ms(7, 5), Some(60_000));
        assert_eq!(delay_ms(8, 5), Some(120_000));
        assert_eq!(delay_ms(40, 5), Some(3_600_000));
    }

    #[test]
    fn a_login_past_its_allowance_only_pauses() {
        let pause = Delay::Pause(LOGIN_PAUSE_MS);
        assert_eq!(pause.after(LOGIN_FREE_FAILURES, LOGIN_FREE_FAILURES), None);
        assert_eq!(pause.after(1_000, LOGIN_FREE_FAILURES), Some(1_000));
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64() {
        let a = Keys::new("admin", "Admin", "2001:db8:1:2::1");
        let b = Keys::new("admin", "admin", "2001:db8:1:2:ffff::9");
        assert_eq!(a.counters[0].0, b.counters[0].0);
        assert_eq!(a.counters[0].0, "admin:pair:2001:db8:1:2::/64:admin");
    }
}
