//! Flood limits on the public endpoints that write or send mail: each action is allowed so many times per
//! window from one client address (an IPv4 address, or an IPv6 /64: see [`address_key`]), and, for the actions
//! that need one, so many times per window from everyone. The counters live in the database, so that every
//! instance applies the same limits.
//!
//! Counters are fixed windows: the first use opens a window, the window's uses are counted, and once past the
//! allowance every use is refused until the window ends (the refusal says when, `Retry-After`). A use refused
//! by its address's allowance counts nowhere else: one client past its own allowance never spends everyone's
//! (a global allowance that one client could fill would shut the service for all).

#![warn(missing_docs)]

use std::fmt;
use std::future::Future;
use std::str::FromStr;

use sqlx::{Any, AnyConnection};

use crate::AppContext;
use crate::store::now_ms;

/// `max` uses per `window_ms`, written `20/h`, `60/min`, `5/s`, `500/j`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// Uses allowed in one window.
    pub max: i64,
    /// The window's length.
    pub window_ms: i64,
}

impl Rate {
    /// `max` uses per hour.
    pub const fn per_hour(max: i64) -> Self {
        Self {
            max,
            window_ms: 3_600_000,
        }
    }

    /// `max` uses per minute.
    pub const fn per_minute(max: i64) -> Self {
        Self {
            max,
            window_ms: 60_000,
        }
    }
}

impl Rate {
    /// The rate in French: `in_words("avis")` → « 20 avis par heure ».
    pub fn in_words(&self, what: &str) -> String {
        let per = match self.window_ms {
            1_000 => "par seconde",
            60_000 => "par minute",
            3_600_000 => "par heure",
            _ => "par jour",
        };
        format!("{} {what} {per}", self.max)
    }
}

impl FromStr for Rate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || format!("{text:?} is not a rate such as 20/h, 60/min, 5/s or 500/j");
        let (max, unit) = text.trim().split_once('/').ok_or_else(expected)?;
        let max: i64 = max.trim().parse().map_err(|_| expected())?;
        let window_ms = match unit.trim() {
            "s" => 1_000,
            "min" => 60_000,
            "h" => 3_600_000,
            "j" | "d" => app::domain::dates::DAY_MS,
            _ => return Err(expected()),
        };
        if max < 1 {
            return Err(format!("{text:?}: the number of uses must be at least 1"));
        }
        Ok(Self { max, window_ms })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.window_ms {
            1_000 => "s",
            60_000 => "min",
            3_600_000 => "h",
            _ => "j",
        };
        write!(f, "{}/{unit}", self.max)
    }
}

/// The limits of one action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// From one client address.
    pub per_address: Rate,
    /// From everyone together, for an action whose total must be bounded (the requests, which the ministry
    /// reviews); `None` for the others.
    pub global: Option<Rate>,
}

impl Limit {
    /// A limit per client address only.
    pub const fn per_address(rate: Rate) -> Self {
        Self {
            per_address: rate,
            global: None,
        }
    }
}

/// Every action's limits (`GEODAE_FLOOD_*`, see the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FloodLimits {
    /// Requests stored (`POST /registrations`): each sends two emails.
    pub registrations: Limit,
    /// Emails asked without a session: forgotten password or identifiant, a new password link. No global
    /// allowance: each account gets at most a few such emails an hour whoever asks, so the total is bounded.
    pub recovery: Limit,
    /// Sign-ins and password creations (each one hashes a password). No global allowance: the throttling of
    /// failures protects the passwords, and a total that strangers could spend would lock everyone out.
    pub sign_in: Limit,
    /// Notices of new requests to the ministry's inbox; past this, new requests go in one digest.
    pub ministry_notices: Rate,
}

impl Default for FloodLimits {
    fn default() -> Self {
        Self {
            registrations: Limit {
                per_address: Rate::per_hour(20),
                global: Some(Rate::per_hour(500)),
            },
            recovery: Limit::per_address(Rate::per_hour(20)),
            sign_in: Limit::per_address(Rate::per_minute(60)),
            ministry_notices: Rate::per_hour(20),
        }
    }
}

impl FloodLimits {
    /// The same rate everywhere, per address and for everyone (a load test's limits, far above its load).
    pub fn uniform(rate: Rate) -> Self {
        let limit = Limit {
            per_address: rate,
            global: Some(rate),
        };
        Self {
            registrations: limit,
            recovery: limit,
            sign_in: limit,
            ministry_notices: rate,
        }
    }
}

/// A limited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A request stored.
    Registration,
    /// An email asked without a session.
    Recovery,
    /// A sign-in or a password creation.
    SignIn,
}

impl Action {
    fn code(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::Recovery => "recovery",
            Self::SignIn => "sign_in",
        }
    }

    fn limit(self, limits: &FloodLimits) -> Limit {
        match self {
            Self::Registration => limits.registrations,
            Self::Recovery => limits.recovery,
            Self::SignIn => limits.sign_in,
        }
    }
}

/// Which allowance is spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The client address's.
    Address,
    /// Everyone's.
    Global,
}

/// A use refused: which allowance, and when the window ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The allowance spent.
    pub scope: Scope,
    /// Seconds until the window ends (at least one).
    pub retry_after_s: i64,
}

/// Why a use was not counted.
#[derive(Debug, thiserror::Error)]
pub enum FloodError {
    /// An allowance is spent.
    #[error("flood limit reached")]
    Refused(Refused),
    /// The counters cannot be read or written.
    #[error(transparent)]
    Internal(#[from] sqlx::Error),
}

/// `Ok(true)` for a use counted, `Ok(false)` for one refused: for the allowances that decide what happens rather
/// than refuse (a notice or a digest), the failure alone is an error.
pub fn allowed(counted: Result<(), FloodError>) -> Result<bool, sqlx::Error> {
    match counted {
        Ok(()) => Ok(true),
        Err(FloodError::Refused(_)) => Ok(false),
        Err(FloodError::Internal(error)) => Err(error),
    }
}

/// Counts one use of `action` from `address` in a transaction of its own (a route whose work is not written
/// with it): refused, it is logged.
pub async fn spend(
    db: &crate::store::Db,
    limits: &FloodLimits,
    action: Action,
    address: &str,
) -> Result<(), FloodError> {
    let mut tx = db.pool.begin().await?;
    let taken = take(&mut tx, limits, action, address).await;
    tx.commit().await?;
    if let Err(FloodError::Refused(refused)) = &taken {
        tracing::warn!(action = ?action, scope = ?refused.scope, "flood limit reached");
    }
    taken
}

/// The counters of an action from an address: the address's, then everyone's when the action has one.
fn counters(action: Action, address: &str, limits: &FloodLimits) -> Vec<(String, Rate, Scope)> {
    let limit = action.limit(limits);
    let mut counters = vec![(
        format!("flood:{}:ip:{}", action.code(), address_key(address)),
        limit.per_address,
        Scope::Address,
    )];
    if let Some(global) = limit.global {
        counters.push((
            format!("flood:{}:all", action.code()),
            global,
            Scope::Global,
        ));
    }
    counters
}

/// Counts one use of `action` from `address` on the caller's connection (inside its transaction, the use
/// counts only if the transaction commits). `Refused` when an allowance is spent; a use refused counts
/// against no other allowance: refused by its address's, it never reaches everyone's, and refused by
/// everyone's, it is taken back from its address's.
pub async fn take(
    conn: &mut AnyConnection,
    limits: &FloodLimits,
    action: Action,
    address: &str,
) -> Result<(), FloodError> {
    let mut counted: Vec<String> = Vec::new();
    for (key, rate, scope) in counters(action, address, limits) {
        if let Err(error) = hit(&mut *conn, &key, rate, scope).await {
            for earlier in &counted {
                unhit(&mut *conn, earlier).await?;
            }
            return Err(error);
        }
        counted.push(key);
    }
    Ok(())
}

/// Takes back one use counted on `key` (a use that another allowance refused).
async fn unhit(conn: &mut AnyConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query::<Any>(
        "UPDATE rate_counters SET hits = hits - 1 WHERE counter_key = $1 AND hits > 0",
    )
    .bind(key)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The key of a client address in the per-address counters: an IPv4 address as it is, an IPv6 address by its
/// /64 (the prefix a single subscriber or host gets: rotating within it is free, so it is one client), an
/// IPv4-mapped IPv6 address as the IPv4 address. Anything else (no address known) as it is.
pub fn address_key(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => address.to_string(),
    }
}

/// Whether `action` from `address` would be refused now, without counting a use (a cheap early answer before
/// the work that [`take`] then counts).
pub async fn check(
    conn: &mut AnyConnection,
    limits: &FloodLimits,
    action: Action,
    address: &str,
) -> Result<(), FloodError> {
    let now = now_ms();
    for (key, rate, scope) in counters(action, address, limits) {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT window_start, hits FROM rate_counters WHERE counter_key = $1")
                .bind(&key)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some((window_start, hits)) = row
            && let Some(refused) = over(rate, scope, window_start, hits, now)
        {
            return Err(FloodError::Refused(refused));
        }
    }
    Ok(())
}

/// Counts one use on `key`, a fixed window of `rate`.
pub async fn hit(
    conn: &mut AnyConnection,
    key: &str,
    rate: Rate,
    scope: Scope,
) -> Result<(), FloodError> {
    let now = now_ms();
    let (hits, window_start): (i64, i64) = sqlx::query_as::<Any, (i64, i64)>(
        "INSERT INTO rate_counters (counter_key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (counter_key) DO UPDATE SET
           hits = CASE WHEN rate_counters.window_start <= $3 THEN 1 ELSE rate_counters.hits + 1 END,
           window_start = CASE WHEN rate_counters.window_start <= $3 THEN $2 ELSE rate_counters.window_start END
         RETURNING hits, window_start",
    )
    .bind(key)
    .bind(now)
    .bind(now - rate.window_ms)
    .fetch_one(conn)
    .await?;
    over(rate, scope, window_start, hits, now)
        .map_or(Ok(()), |refused| Err(FloodError::Refused(refused)))
}

/// The refusal when `hits` uses in the window opened at `window_start` are past the allowance.
fn over(rate: Rate, scope: Scope, window_start: i64, hits: i64, now: i64) -> Option<Refused> {
    let end = window_start + rate.window_ms;
    (hits > rate.max && end > now).then(|| Refused {
        scope,
        retry_after_s: ((end - now) + 999) / 1000,
    })
}

/// An email asked without a session (a password or follow link, an identifiant): counts the use against the
/// recovery allowance, then runs `work` after the answer (a failure is logged with its cause, in the request's
/// span: with its id), so that the answer is the same whether there is an email to send or not.
pub async fn answer_first<F, Fut>(
    ctx: &AppContext,
    address: &str,
    what: &'static str,
    work: F,
) -> Result<(), FloodError>
where
    F: FnOnce(AppContext) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    spend(&ctx.db, &ctx.config.flood, Action::Recovery, address).await?;
    let ctx = ctx.clone();
    tokio::spawn(tracing::Instrument::instrument(
        async move {
            if let Err(error) = work(ctx).await {
                tracing::error!(error = format!("{error:#}"), "cannot {what}");
            }
        },
        tracing::Span::current(),
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_written_in_the_configuration() {
        assert_eq!("20/h".parse(), Ok(Rate::per_hour(20)));
        assert_eq!(" 60 / min ".parse(), Ok(Rate::per_minute(60)));
        assert_eq!(
            "5/s".parse(),
            Ok(Rate {
                max: 5,
                window_ms: 1_000
            })
        );
        assert_eq!("500/j".parse::<Rate>().map(|r| r.window_ms), Ok(86_400_000));
        assert!("20".parse::<Rate>().is_err());
        assert!("0/h".parse::<Rate>().is_err());
        assert!("20/week".parse::<Rate>().is_err());
        assert_eq!(Rate::per_minute(60).to_string(), "60/min");
    }

    #[test]
    fn refused_past_the_allowance_until_the_window_ends() {
        let rate = Rate::per_minute(3);
        assert_eq!(over(rate, Scope::Address, 0, 3, 10_000), None);
        assert_eq!(
            over(rate, Scope::Address, 0, 4, 10_000),
            Some(Refused {
                scope: Scope::Address,
                retry_after_s: 50
            })
        );
        assert_eq!(over(rate, Scope::Global, 0, 4, 60_000), None);
    }

    #[test]
    fn an_ipv6_client_is_its_64_prefix() {
        assert_eq!(
            address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:2:ffff::9")
        );
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
        assert_eq!(address_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(address_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(address_key("inconnue"), "inconnue");
    }
}
