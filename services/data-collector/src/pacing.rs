//! A sliding-window rate limiter: at most `max` events in any `window`. Used for new connections (300 per
//! 5 minutes on Binance) and for each connection's outgoing frames (5 per second, pongs included).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
pub struct SlidingWindow {
    max: usize,
    window: Duration,
    events: VecDeque<Instant>,
}

impl SlidingWindow {
    /// `max` of 0 is treated as 1 so the limiter never blocks forever.
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max: max.max(1),
            window,
            events: VecDeque::new(),
        }
    }

    /// When the next event may happen (now or later).
    pub fn next_slot(&mut self, now: Instant) -> Instant {
        while self
            .events
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            self.events.pop_front();
        }
        if self.events.len() < self.max {
            return now;
        }
        self.events
            .get(self.events.len() - self.max)
            .map_or(now, |t| *t + self.window)
    }

    /// Records an event that happened at `at` (e.g. a pong the WebSocket library sent by itself).
    pub fn record(&mut self, at: Instant) {
        self.events.push_back(at);
    }

    /// Waits for a slot and takes it.
    pub async fn acquire(&mut self) {
        let slot = self.next_slot(Instant::now());
        tokio::time::sleep_until(slot).await;
        self.record(Instant::now().max(slot));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_max_in_any_window() {
        let mut limiter = SlidingWindow::new(4, Duration::from_secs(1));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..12 {
            limiter.acquire().await;
            times.push(Instant::now() - start);
        }
        for (i, t) in times.iter().enumerate().skip(4) {
            assert!(*t >= times[i - 4] + Duration::from_secs(1), "{times:?}");
        }
        assert!(times[11] < Duration::from_secs(3) + Duration::from_millis(1));
    }
}
