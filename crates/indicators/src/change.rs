//! Rolling 24 h change per symbol, fed from a coarse candle series (1 h candles by default).
//!
//! Definition: for a candle `c` of a series with interval `I` and a window of `W = window / I` candles, the
//! change is `100 * (c.close - open_ref) / open_ref`, where `open_ref` is the open of the candle that starts
//! `(W - 1) * I` before `c` does, i.e. the first candle of the `W`-candle window ending with `c`. For a closed
//! 1 h candle with `W = 24` that is exactly "close now vs the price 24 h earlier" (an open is the previous close
//! in a contiguous feed); for an in-progress candle ([`RollingChange::peek`]) the span is 23 h plus the elapsed
//! part of the current hour. Matching by open time (not by count) means a gap in the feed yields `None` for the
//! windows that would start inside it instead of silently measuring a longer span.

use crate::{Candle, IndicatorError, MAX_PERIOD};

const HOUR_MS: i64 = 3_600_000;

/// Opens of the last `W` candles, each in the slot of its interval number, so the window's first open is an
/// O(1) lookup.
#[derive(Debug, Clone)]
pub struct RollingChange {
    interval_ms: i64,
    /// `(open_time_ms, open)`; an empty slot holds `i64::MIN` as its time, which no aligned candle can match.
    slots: Box<[(i64, f64)]>,
    last_open_time_ms: Option<i64>,
}

impl Default for RollingChange {
    /// 24 h change from 1 h candles.
    fn default() -> Self {
        Self::with_slots(HOUR_MS, 24)
    }
}

impl RollingChange {
    /// A change over `window_ms` fed from candles of `interval_ms`; the window must be a whole number of
    /// intervals.
    pub fn new(interval_ms: i64, window_ms: i64) -> Result<Self, IndicatorError> {
        if interval_ms <= 0 || window_ms <= 0 || window_ms % interval_ms != 0 {
            return Err(IndicatorError::InvalidConfig(format!(
                "window {window_ms} ms must be a positive multiple of the interval {interval_ms} ms"
            )));
        }
        let len = usize::try_from(window_ms / interval_ms).unwrap_or(usize::MAX);
        if len > MAX_PERIOD {
            return Err(IndicatorError::InvalidConfig(format!(
                "window of {len} candles exceeds {MAX_PERIOD}"
            )));
        }
        Ok(Self::with_slots(interval_ms, len))
    }

    fn with_slots(interval_ms: i64, len: usize) -> Self {
        Self {
            interval_ms,
            slots: vec![(i64::MIN, 0.0); len].into_boxed_slice(),
            last_open_time_ms: None,
        }
    }

    /// Records a closed candle and returns its change; `None` while the window's first candle is unknown (warm-up
    /// or a gap) or its open is 0.
    pub fn update(&mut self, candle: &Candle) -> Result<Option<f64>, IndicatorError> {
        let change = self.peek(candle)?;
        if let Some(slot) = self.slot_mut(candle.open_time_ms) {
            *slot = (candle.open_time_ms, candle.open);
        }
        self.last_open_time_ms = Some(candle.open_time_ms);
        Ok(change)
    }

    /// The change an in-progress candle gives now, without recording it.
    pub fn peek(&self, candle: &Candle) -> Result<Option<f64>, IndicatorError> {
        candle.validate()?;
        if candle.open_time_ms.rem_euclid(self.interval_ms) != 0 {
            return Err(IndicatorError::Misaligned {
                open_time_ms: candle.open_time_ms,
                interval_ms: self.interval_ms,
            });
        }
        if let Some(last) = self.last_open_time_ms
            && candle.open_time_ms <= last
        {
            return Err(IndicatorError::OutOfOrder {
                open_time_ms: candle.open_time_ms,
                last_open_time_ms: last,
            });
        }
        let span = self.interval_ms.saturating_mul(self.slots.len() as i64 - 1);
        let start = candle.open_time_ms.saturating_sub(span);
        let reference = if start == candle.open_time_ms {
            Some(candle.open)
        } else {
            self.slot(start)
                .filter(|(time, _)| *time == start)
                .map(|(_, open)| open)
        };
        Ok(reference
            .filter(|open| *open != 0.0)
            .map(|open| (candle.close - open) / open * 100.0))
    }

    fn slot_index(&self, open_time_ms: i64) -> usize {
        let interval_number = open_time_ms.div_euclid(self.interval_ms);
        interval_number.rem_euclid(self.slots.len() as i64) as usize
    }

    fn slot(&self, open_time_ms: i64) -> Option<(i64, f64)> {
        self.slots.get(self.slot_index(open_time_ms)).copied()
    }

    fn slot_mut(&mut self, open_time_ms: i64) -> Option<&mut (i64, f64)> {
        let index = self.slot_index(open_time_ms);
        self.slots.get_mut(index)
    }

    /// Bytes owned on the heap (the slot ring).
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.slots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hour(index: i64, open: f64, close: f64) -> Candle {
        Candle {
            open_time_ms: 1_700_000_000_000 / HOUR_MS * HOUR_MS + index * HOUR_MS,
            open,
            high: open.max(close),
            low: open.min(close),
            close,
            volume: 1.0,
        }
    }

    #[test]
    fn compares_with_the_open_of_the_first_candle_of_the_window() {
        let mut change = RollingChange::default();
        for i in 0..23 {
            assert_eq!(
                change
                    .update(&hour(i, 100.0 + i as f64, 101.0 + i as f64))
                    .unwrap(),
                None
            );
        }
        // Window = candles 0..=23; reference is candle 0's open (100).
        let last = hour(23, 123.0, 110.0);
        assert_eq!(change.peek(&last).unwrap(), Some(10.0));
        assert_eq!(change.update(&last).unwrap(), Some(10.0));
        // Next window starts at candle 1 (open 101).
        let next = hour(24, 110.0, 101.0 * 1.5);
        assert_eq!(change.peek(&next).unwrap(), Some(50.0));
    }

    #[test]
    fn a_gap_gives_none_instead_of_a_longer_span() {
        let mut change = RollingChange::new(HOUR_MS, 3 * HOUR_MS).unwrap();
        change.update(&hour(0, 1.0, 1.0)).unwrap();
        change.update(&hour(1, 2.0, 2.0)).unwrap();
        assert_eq!(change.update(&hour(3, 4.0, 4.0)).unwrap(), Some(100.0));
        assert_eq!(change.update(&hour(4, 4.0, 4.0)).unwrap(), None);
    }

    #[test]
    fn refuses_bad_windows_misaligned_and_repeated_candles() {
        assert!(RollingChange::new(HOUR_MS, HOUR_MS * 3 / 2).is_err());
        assert!(RollingChange::new(0, HOUR_MS).is_err());
        let mut change = RollingChange::default();
        let mut misaligned = hour(0, 1.0, 1.0);
        misaligned.open_time_ms += 1;
        assert!(matches!(
            change.peek(&misaligned),
            Err(IndicatorError::Misaligned { .. })
        ));
        change.update(&hour(1, 1.0, 1.0)).unwrap();
        assert!(matches!(
            change.update(&hour(1, 1.0, 1.0)),
            Err(IndicatorError::OutOfOrder { .. })
        ));
        let mut nan = hour(2, 1.0, 1.0);
        nan.close = f64::NAN;
        assert!(matches!(
            change.update(&nan),
            Err(IndicatorError::NonFinite { .. })
        ));
    }
}
