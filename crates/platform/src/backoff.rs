//! Exponential backoff with full jitter, capped, written once for every retry loop.

use std::time::Duration;

use rand::RngExt;

#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Self {
        Self {
            initial,
            max,
            attempt: 0,
        }
    }

    /// The next delay: a random duration up to `initial * 2^attempt`, capped at `max`, and at least a tenth of
    /// the cap so retries never spin.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let floor = ceiling / 10;
        let jitter = rand::rng().random_range(0.0..=1.0);
        floor + (ceiling - floor).mul_f64(jitter)
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    fn ceiling(&self) -> Duration {
        let factor = 2u32.saturating_pow(self.attempt.min(30));
        self.initial.saturating_mul(factor).min(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stay_under_the_cap() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let delays: Vec<Duration> = (0..12).map(|_| backoff.next_delay()).collect();
        assert!(delays[0] <= Duration::from_millis(100));
        assert!(
            delays
                .iter()
                .all(|d| *d <= Duration::from_secs(2) && *d >= Duration::from_millis(10))
        );
        assert!(
            delays[8..].iter().all(|d| *d >= Duration::from_millis(200)),
            "late delays use the cap's range"
        );
        backoff.reset();
        assert_eq!(backoff.attempts(), 0);
    }
}
