//! Rate-limited logging for bad input: the first occurrence of each reason is logged at once, then at most one
//! line per interval with the number suppressed, so a flood of malformed frames cannot flood the logs.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct RateLimitedLog {
    every: Duration,
    state: Mutex<HashMap<&'static str, (Instant, u64)>>,
}

impl RateLimitedLog {
    pub fn new(every: Duration) -> Self {
        Self {
            every,
            state: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(suppressed)` when a line for `reason` should be written now.
    pub fn should_log(&self, reason: &'static str) -> Option<u64> {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.get_mut(reason) {
            None => {
                state.insert(reason, (now, 0));
                Some(0)
            }
            Some((last, suppressed)) if now.duration_since(*last) >= self.every => {
                let count = *suppressed;
                *last = now;
                *suppressed = 0;
                Some(count)
            }
            Some((_, suppressed)) => {
                *suppressed += 1;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_suppressed_and_counted() {
        let log = RateLimitedLog::new(Duration::from_secs(3600));
        assert_eq!(log.should_log("invalid_json"), Some(0));
        assert_eq!(log.should_log("invalid_json"), None);
        assert_eq!(log.should_log("bad_number"), Some(0));
        let log = RateLimitedLog::new(Duration::ZERO);
        log.should_log("x");
        assert_eq!(log.should_log("x"), Some(0));
    }
}
