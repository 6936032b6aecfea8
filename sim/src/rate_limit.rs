//! Per-token rate limiting (token bucket): `rate` requests per second, bursts up to `rate`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Token buckets keyed by access token; `None` rate means unlimited.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    rate: Option<u32>,
    buckets: HashMap<String, Bucket>,
}

impl RateLimiter {
    pub fn new(rate: Option<u32>) -> Self {
        RateLimiter {
            inner: Mutex::new(Inner {
                rate: rate.filter(|r| *r > 0),
                buckets: HashMap::new(),
            }),
        }
    }

    pub fn set_rate(&self, rate: Option<u32>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.rate = rate.filter(|r| *r > 0);
        inner.buckets.clear();
    }

    pub fn rate(&self) -> Option<u32> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).rate
    }

    /// Takes one request from `key`'s bucket, or says how many whole seconds to wait.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let Some(rate) = inner.rate else {
            return Ok(());
        };
        let rate = f64::from(rate);
        let now = Instant::now();
        let bucket = inner.buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: rate,
            last: now,
        });
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            Err((wait.ceil() as u64).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_refuses() {
        let limiter = RateLimiter::new(Some(3));
        for _ in 0..3 {
            assert_eq!(limiter.check("a"), Ok(()));
        }
        assert_eq!(limiter.check("a"), Err(1));
        assert_eq!(limiter.check("b"), Ok(()), "buckets are per token");
        limiter.set_rate(None);
        assert_eq!(limiter.check("a"), Ok(()));
    }
}
