//! What stands between the form and an online register: a timeout, a rate limit within the API's quota, and a
//! circuit breaker. None of them waits: a source that may not be asked now is skipped, and the next source (or
//! "register unavailable", which lets the applicant type the name) answers at once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Failure, OnlineRegister};
use crate::sirene::Company;

/// A token bucket: `capacity` requests, refilled over `per`.
pub struct RateLimit {
    capacity: f64,
    per: Duration,
    state: Mutex<Bucket>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
    /// The API said to wait until then (`Retry-After`).
    blocked_until: Option<Instant>,
}

impl RateLimit {
    pub fn new(capacity: u32, per: Duration) -> Self {
        Self {
            capacity: f64::from(capacity),
            per,
            state: Mutex::new(Bucket {
                tokens: f64::from(capacity),
                at: Instant::now(),
                blocked_until: None,
            }),
        }
    }

    /// Takes a token when one is left.
    pub fn try_acquire(&self) -> bool {
        let Ok(mut bucket) = self.state.lock() else {
            return false;
        };
        let now = Instant::now();
        if bucket.blocked_until.is_some_and(|until| now < until) {
            return false;
        }
        let refill =
            now.duration_since(bucket.at).as_secs_f64() / self.per.as_secs_f64() * self.capacity;
        bucket.tokens = (bucket.tokens + refill).min(self.capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// The API refused for quota: nothing more until `after` has passed (a whole period when it did not say).
    pub fn block(&self, after: Option<Duration>) {
        if let Ok(mut bucket) = self.state.lock() {
            bucket.blocked_until = Some(Instant::now() + after.unwrap_or(self.per));
            bucket.tokens = 0.0;
        }
    }
}

/// Opens after `threshold` failures in a row; after `cool_down`, one request tries again (half-open): its
/// success closes the breaker, its failure opens it for another `cool_down`.
pub struct Breaker {
    threshold: u32,
    cool_down: Duration,
    state: Mutex<BreakerState>,
}

#[derive(Default)]
struct BreakerState {
    failures: u32,
    open_until: Option<Instant>,
    trial_running: bool,
}

impl Breaker {
    pub fn new(threshold: u32, cool_down: Duration) -> Self {
        Self {
            threshold,
            cool_down,
            state: Mutex::default(),
        }
    }

    /// Whether a request may go now.
    pub fn allow(&self) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        match state.open_until {
            None => true,
            Some(until) if Instant::now() < until => false,
            Some(_) if state.trial_running => false,
            Some(_) => {
                state.trial_running = true;
                true
            }
        }
    }

    pub fn success(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = BreakerState::default();
        }
    }

    pub fn failure(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.failures += 1;
            state.trial_running = false;
            if state.failures >= self.threshold || state.open_until.is_some() {
                state.open_until = Some(Instant::now() + self.cool_down);
            }
        }
    }

    /// Ends a trial that did not fail nor succeed (a quota refusal): the next request may try.
    fn release(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.trial_running = false;
        }
    }
}

/// Why a guarded source gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum Skipped {
    #[error("circuit open after repeated failures")]
    CircuitOpen,
    #[error("over the client-side rate limit")]
    OverQuota,
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error(transparent)]
    Failed(#[from] Failure),
}

/// An online register with its guards.
pub struct Guarded {
    pub name: &'static str,
    register: Box<dyn OnlineRegister>,
    timeout: Duration,
    limit: RateLimit,
    breaker: Breaker,
}

impl Guarded {
    pub fn new(
        name: &'static str,
        register: Box<dyn OnlineRegister>,
        timeout: Duration,
        limit: RateLimit,
        breaker: Breaker,
    ) -> Self {
        Self {
            name,
            register,
            timeout,
            limit,
            breaker,
        }
    }

    pub async fn lookup(&self, siren: &str) -> Result<Option<Company>, Skipped> {
        if !self.breaker.allow() {
            return Err(Skipped::CircuitOpen);
        }
        if !self.limit.try_acquire() {
            self.breaker.release();
            return Err(Skipped::OverQuota);
        }
        match tokio::time::timeout(self.timeout, self.register.lookup(siren)).await {
            Ok(Ok(answer)) => {
                self.breaker.success();
                Ok(answer)
            }
            Ok(Err(Failure::RateLimited(after))) => {
                self.limit.block(after);
                self.breaker.release();
                Err(Skipped::Failed(Failure::RateLimited(after)))
            }
            Ok(Err(failure)) => {
                self.breaker.failure();
                Err(Skipped::Failed(failure))
            }
            Err(_) => {
                self.breaker.failure();
                Err(Skipped::Timeout(self.timeout))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_gives_its_capacity_then_refills_over_its_period() {
        let limit = RateLimit::new(3, Duration::from_millis(300));
        assert!((0..3).all(|_| limit.try_acquire()));
        assert!(!limit.try_acquire());
        std::thread::sleep(Duration::from_millis(120));
        assert!(
            limit.try_acquire(),
            "one token back after a third of the period"
        );
        assert!(!limit.try_acquire());
    }

    #[test]
    fn retry_after_blocks_the_bucket() {
        let limit = RateLimit::new(10, Duration::from_secs(1));
        limit.block(Some(Duration::from_millis(100)));
        assert!(!limit.try_acquire());
        std::thread::sleep(Duration::from_millis(150));
        assert!(limit.try_acquire());
    }

    #[test]
    fn the_breaker_opens_after_failures_and_lets_one_trial_through() {
        let breaker = Breaker::new(2, Duration::from_millis(100));
        breaker.failure();
        assert!(breaker.allow());
        breaker.failure();
        assert!(!breaker.allow(), "open");
        std::thread::sleep(Duration::from_millis(120));
        assert!(breaker.allow(), "half-open: one trial");
        assert!(!breaker.allow(), "only one at a time");
        breaker.failure();
        assert!(!breaker.allow(), "the failed trial opens it again");
        std::thread::sleep(Duration::from_millis(120));
        assert!(breaker.allow());
        breaker.success();
        assert!(breaker.allow() && breaker.allow(), "closed");
    }
}
