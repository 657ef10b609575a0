//! The exchange's clock as far as the collector can tell: the later of the local clock and the newest event
//! time seen. A bar whose close time is behind it is certainly closed, so back-fill never publishes a bar that
//! may still change, even against a simulator whose clock runs fast.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub struct ExchangeClock {
    newest_event_ms: AtomicI64,
}

pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl ExchangeClock {
    pub fn observe(&self, event_time_ms: i64) {
        self.newest_event_ms
            .fetch_max(event_time_ms, Ordering::Relaxed);
    }

    pub fn now_ms(&self) -> i64 {
        wall_ms().max(self.newest_event_ms.load(Ordering::Relaxed))
    }
}
