//! Token buckets in the instance's memory, one per key (an account, a client address): `per_second` uses a
//! second on average, `burst` at once. Each instance of a deployment gives the rate; memory follows the keys in
//! use now, not every key ever seen ([`Buckets::forget_full`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Instant;

/// The rate of one key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ApiRate {
    /// Uses a second, on average.
    pub per_second: f64,
    /// Uses at once.
    pub burst: f64,
}

impl Default for ApiRate {
    /// The data API's: 10 calls a second, 20 at once.
    fn default() -> Self {
        Self {
            per_second: 10.0,
            burst: 20.0,
        }
    }
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// A bucket per key, created full.
pub struct Buckets<K> {
    rate: ApiRate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// Past this many buckets, those full again are forgotten at the next use.
const TIDY_PAST: usize = 10_000;

impl<K: Eq + Hash> Buckets<K> {
    pub fn new(rate: ApiRate) -> Self {
        Self {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn rate(&self) -> ApiRate {
        self.rate
    }

    /// Takes a token of `key`: `Err` with the whole seconds (at least one) until one is back.
    pub fn take(&self, key: K) -> Result<(), i64> {
        let now = Instant::now();
        let rate = self.rate;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > TIDY_PAST {
            forget_full(&mut buckets, rate, now);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: rate.burst,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate.per_second).min(rate.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / rate.per_second).ceil().max(1.0) as i64)
        }
    }

    /// Forgets the buckets full again: a key that comes back starts full, as it would.
    pub fn forget_full(&self) {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        forget_full(&mut buckets, self.rate, Instant::now());
    }
}

fn forget_full<K>(buckets: &mut HashMap<K, Bucket>, rate: ApiRate, now: Instant) {
    buckets.retain(|_, b| {
        b.tokens + now.duration_since(b.updated).as_secs_f64() * rate.per_second < rate.burst
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_burst_then_waits() {
        let buckets = Buckets::new(ApiRate {
            per_second: 0.5,
            burst: 3.0,
        });
        for _ in 0..3 {
            assert_eq!(buckets.take("a"), Ok(()));
        }
        assert_eq!(buckets.take("a"), Err(2));
        assert_eq!(buckets.take("b"), Ok(()));
    }
}
