//! Simulated time: every event time and REST timestamp the simulator shows comes from here.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use crate::config::ClockSpeed;

#[derive(Debug)]
pub struct SimClock {
    origin_sim_ms: i64,
    origin: Instant,
    /// Wall-time factor; at `Max` the wall clock runs at 1 and streams run ahead of it.
    factor: f64,
    /// At `Max`: the latest bar close any stream has sent, so REST never lags behind the streams.
    frontier: AtomicI64,
}

impl SimClock {
    pub fn new(start_ms: Option<i64>, speed: ClockSpeed) -> Self {
        let origin_sim_ms = start_ms.unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
        let factor = match speed {
            ClockSpeed::Factor(f) => f,
            ClockSpeed::Max => 1.0,
        };
        Self {
            origin_sim_ms,
            origin: Instant::now(),
            factor,
            frontier: AtomicI64::new(i64::MIN),
        }
    }

    pub fn now_ms(&self) -> i64 {
        let elapsed = self.origin.elapsed().as_secs_f64() * 1000.0 * self.factor;
        (self.origin_sim_ms + elapsed as i64).max(self.frontier.load(Ordering::Relaxed))
    }

    /// Wall time until simulated time reaches `sim_ms` (zero if it already has), capped at an hour:
    /// callers re-check long before then anyway.
    pub fn until(&self, sim_ms: i64) -> Duration {
        wall_wait(sim_ms - self.now_ms(), self.factor)
    }

    pub fn advance_frontier(&self, sim_ms: i64) {
        self.frontier.fetch_max(sim_ms, Ordering::Relaxed);
    }
}

/// Wall time for `sim_ms_ahead` simulated ms at `factor`, clamped to 0..=1 h (never panics).
pub fn wall_wait(sim_ms_ahead: i64, factor: f64) -> Duration {
    let secs = sim_ms_ahead.max(0) as f64 / 1000.0 / factor;
    Duration::try_from_secs_f64(secs.min(3600.0)).unwrap_or(Duration::from_secs(3600))
}
