//! What the collector knows about each (symbol, interval) stream, shared by every connection, the back-filler
//! and the publisher: when it last updated (staleness), the newest closed bar accepted (duplicate and gap
//! detection, back-fill start) and the oldest bar that fell out of the publish buffer (recovered by back-fill).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use market_model::{Candle, Interval, Symbol};

/// One kline stream of one symbol.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamKey {
    pub symbol: Symbol,
    pub interval: Interval,
}

impl StreamKey {
    pub fn of(candle: &Candle) -> Self {
        Self {
            symbol: candle.symbol.clone(),
            interval: candle.interval,
        }
    }
}

#[derive(Debug)]
struct StreamState {
    last_update: Instant,
    last_closed: Option<i64>,
    lost_from: Option<i64>,
    last_resubscribe: Option<Instant>,
}

/// What to do with a closed bar from the live stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Publish it.
    Accept,
    /// Publish it, and back-fill the bars in `from..=to` that the stream skipped.
    AcceptAfterGap { from: i64, to: i64 },
    /// Already accepted (overlapping connections during a rotation, a replayed frame).
    Duplicate,
}

#[derive(Debug, Default)]
pub struct StreamBook {
    streams: Mutex<HashMap<StreamKey, StreamState>>,
}

impl StreamBook {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<StreamKey, StreamState>> {
        self.streams.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts tracking `key` (a subscription begins), seeded with the newest stored bar, if any.
    pub fn track(&self, key: StreamKey, last_closed: Option<i64>) {
        let now = Instant::now();
        let mut streams = self.lock();
        let state = streams.entry(key).or_insert(StreamState {
            last_update: now,
            last_closed: None,
            lost_from: None,
            last_resubscribe: None,
        });
        state.last_closed = state.last_closed.max(last_closed);
    }

    /// Forgets streams that left the universe.
    pub fn retain(&self, keep: impl Fn(&StreamKey) -> bool) {
        self.lock().retain(|k, _| keep(k));
    }

    /// Restarts the staleness clock of streams whose connection was just (re)opened.
    pub fn touch(&self, keys: &[StreamKey]) {
        let now = Instant::now();
        let mut streams = self.lock();
        for key in keys {
            if let Some(state) = streams.get_mut(key) {
                state.last_update = now;
            }
        }
    }

    /// Records a kline update seen at `now`; for a closed bar, decides whether to publish it.
    pub fn on_kline(&self, candle: &Candle, now: Instant) -> Verdict {
        let mut streams = self.lock();
        let Some(state) = streams.get_mut(&StreamKey::of(candle)) else {
            // Not (or no longer) in the universe: an unsubscribe still in flight.
            return Verdict::Duplicate;
        };
        state.last_update = state.last_update.max(now);
        if !candle.closed {
            return Verdict::Accept;
        }
        let verdict = match state.last_closed {
            Some(last) if candle.open_time <= last => return Verdict::Duplicate,
            Some(last) => {
                let expected = candle.interval.next_open(last);
                if candle.open_time > expected {
                    Verdict::AcceptAfterGap {
                        from: expected,
                        to: candle.open_time - 1,
                    }
                } else {
                    Verdict::Accept
                }
            }
            None => Verdict::Accept,
        };
        state.last_closed = Some(candle.open_time);
        verdict
    }

    /// Back-fill published (or queued) this bar.
    pub fn note_backfilled(&self, key: &StreamKey, open_time: i64) {
        if let Some(state) = self.lock().get_mut(key) {
            state.last_closed = state.last_closed.max(Some(open_time));
        }
    }

    /// Where a back-fill after a (re)connect starts: the bar after the newest one accepted, or `None`
    /// when nothing is known (fetch the configured number of recent bars).
    pub fn resume_from(&self, key: &StreamKey) -> Option<i64> {
        self.lock()
            .get(key)
            .and_then(|s| s.last_closed)
            .map(|last| key.interval.next_open(last))
    }

    /// A closed bar could not be published and left the buffer.
    pub fn mark_lost(&self, key: &StreamKey, open_time: i64) {
        if let Some(state) = self.lock().get_mut(key) {
            state.lost_from = Some(state.lost_from.map_or(open_time, |f| f.min(open_time)));
        }
    }

    /// Streams with lost bars and where their recovery starts; clears the marks.
    pub fn take_lost(&self) -> Vec<(StreamKey, i64)> {
        let mut streams = self.lock();
        streams
            .iter_mut()
            .filter_map(|(k, s)| s.lost_from.take().map(|from| (k.clone(), from)))
            .collect()
    }

    /// Number of streams without an update for `threshold`, and the longest silence.
    pub fn staleness(&self, threshold: Duration) -> (usize, Duration) {
        let now = Instant::now();
        let streams = self.lock();
        streams
            .values()
            .fold((0, Duration::ZERO), |(count, max), s| {
                let age = now.saturating_duration_since(s.last_update);
                (count + usize::from(age >= threshold), max.max(age))
            })
    }

    /// Among `keys`, the streams silent for `threshold` and not resubscribed within `cooldown`;
    /// marks them as resubscribed now.
    pub fn take_stale(
        &self,
        keys: &[StreamKey],
        threshold: Duration,
        cooldown: Duration,
    ) -> Vec<StreamKey> {
        let now = Instant::now();
        let mut streams = self.lock();
        let mut stale = Vec::new();
        for key in keys {
            let Some(state) = streams.get_mut(key) else {
                continue;
            };
            let silent = now.saturating_duration_since(state.last_update) >= threshold;
            let cooled = state
                .last_resubscribe
                .is_none_or(|t| now.saturating_duration_since(t) >= cooldown);
            if silent && cooled {
                state.last_resubscribe = Some(now);
                stale.push(key.clone());
            }
        }
        stale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl StreamBook {
        fn on_kline_now(&self, candle: &Candle) -> Verdict {
            self.on_kline(candle, Instant::now())
        }
    }
    use crate::test_candles::bar;

    #[test]
    fn duplicates_and_gaps_are_told_apart() {
        let book = StreamBook::default();
        book.track(StreamKey::of(&bar(0, true)), Some(60_000));
        assert_eq!(book.on_kline_now(&bar(60_000, true)), Verdict::Duplicate);
        assert_eq!(book.on_kline_now(&bar(120_000, true)), Verdict::Accept);
        assert_eq!(book.on_kline_now(&bar(300_000, false)), Verdict::Accept);
        assert_eq!(
            book.on_kline_now(&bar(300_000, true)),
            Verdict::AcceptAfterGap {
                from: 180_000,
                to: 299_999
            }
        );
        assert_eq!(
            book.resume_from(&StreamKey::of(&bar(0, true))),
            Some(360_000)
        );
    }

    #[test]
    fn lost_bars_are_reported_once_from_the_oldest() {
        let book = StreamBook::default();
        let key = StreamKey::of(&bar(0, true));
        book.track(key.clone(), None);
        book.mark_lost(&key, 120_000);
        book.mark_lost(&key, 60_000);
        assert_eq!(book.take_lost(), vec![(key, 60_000)]);
        assert!(book.take_lost().is_empty());
    }
}
