//! The 24 h change of every snapshot, from the symbol's 1 h series.
//!
//! A candle closing at `T` is compared with the open of the 1 h candle that started at `T - 24 h`. That candle
//! closed about 23 h before `T`, so in live operation it is always known whatever order the intervals of a
//! symbol arrive in: the value depends on the data, not on processing order, and a restart or a replica
//! takeover reproduces it. [`RollingChange`] holds the opens of the last 25 hours (one more than 24 so that the
//! 1 h candle covering `T` may already be recorded when a shorter candle closing at `T` is processed).

use indicators::{Candle as Bar, RollingChange};
use market_model::{Candle, Interval};

const HOUR_MS: i64 = 3_600_000;
const SLOTS: i64 = 25;

#[derive(Debug, Clone)]
pub struct DayChange {
    opens: RollingChange,
}

impl Default for DayChange {
    fn default() -> Self {
        // 25 h is a whole number of hours below MAX_PERIOD, so `new` cannot refuse it; the fallback is never used.
        let opens = RollingChange::new(HOUR_MS, SLOTS * HOUR_MS).unwrap_or_default();
        Self { opens }
    }
}

impl DayChange {
    /// The change up to `candle`'s close, in percent; `None` while the reference hour is unknown (warm-up, gap,
    /// or a 1 h series that ran ahead of this candle in a replay).
    pub fn change(&self, candle: &Candle) -> Option<f64> {
        let covering_hour = Interval::Hour1.bar_open(candle.close_time);
        // A probe one hour later puts the start of the 25-slot window at covering_hour - 23 h = T - 24 h.
        let probe = Bar {
            open_time_ms: covering_hour.saturating_add(HOUR_MS),
            open: candle.close,
            high: candle.close,
            low: candle.close,
            close: candle.close,
            volume: 0.0,
        };
        self.opens.peek(&probe).ok().flatten()
    }

    /// Records a closed candle if it belongs to the 1 h series.
    pub fn record(&mut self, candle: &Candle) {
        if candle.interval == Interval::Hour1 {
            self.record_hour(&bar(candle));
        }
    }

    /// Records a closed 1 h bar; older or repeated hours (redeliveries) are ignored.
    pub fn record_hour(&mut self, hour: &Bar) {
        let _ = self.opens.update(hour);
    }

    pub fn heap_bytes(&self) -> usize {
        self.opens.heap_bytes()
    }
}

/// The indicator engine's view of a market candle.
pub fn bar(candle: &Candle) -> Bar {
    Bar {
        open_time_ms: candle.open_time,
        open: candle.open,
        high: candle.high,
        low: candle.low,
        close: candle.close,
        volume: candle.volume,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candle(interval: Interval, open_time: i64, open: f64, close: f64) -> Candle {
        Candle {
            exchange: "binance".parse().unwrap(),
            symbol: "ETHBTC".parse().unwrap(),
            interval,
            open_time,
            close_time: interval.close_time(open_time),
            open,
            high: open.max(close),
            low: open.min(close),
            close,
            volume: 1.0,
            quote_volume: 1.0,
            taker_buy_base: 0.0,
            taker_buy_quote: 0.0,
            trades: 1,
            closed: true,
            event_time: open_time,
        }
    }

    #[test]
    fn compares_the_close_with_the_open_24_hours_earlier_whatever_the_order() {
        let start = 1_700_000_000_000 / HOUR_MS * HOUR_MS;
        let mut day = DayChange::default();
        for h in 0..24 {
            day.record(&candle(
                Interval::Hour1,
                start + h * HOUR_MS,
                100.0 + h as f64,
                101.0 + h as f64,
            ));
        }
        // A 5 m candle closing at start + 24 h: the reference is the open of the hour starting at `start`.
        let five = candle(Interval::Min5, start + 24 * HOUR_MS - 300_000, 120.0, 110.0);
        assert_eq!(day.change(&five), Some(10.0));
        // The same answer after the 1 h candle covering it was recorded first.
        let mut ahead = day.clone();
        ahead.record(&candle(Interval::Hour1, start + 23 * HOUR_MS, 123.0, 110.0));
        assert_eq!(ahead.change(&five), Some(10.0));
        // The 1 h candle's own change uses the same reference.
        assert_eq!(
            day.change(&candle(Interval::Hour1, start + 23 * HOUR_MS, 123.0, 110.0)),
            Some(10.0)
        );
    }

    #[test]
    fn unknown_reference_gives_none() {
        let day = DayChange::default();
        assert_eq!(
            day.change(&candle(
                Interval::Min5,
                1_700_000_100_000 / 300_000 * 300_000,
                1.0,
                2.0
            )),
            None
        );
    }
}
