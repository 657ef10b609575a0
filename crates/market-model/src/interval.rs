//! Kline intervals with Binance's names and bar alignment rules.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::{MS_PER_DAY, month_start, next_month_start};

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
const MS_PER_WEEK: i64 = 7 * MS_PER_DAY;
/// 1970-01-01 was a Thursday; Binance weeks open on Monday, 3 days earlier (1969-12-29).
const WEEK_ANCHOR_MS: i64 = -3 * MS_PER_DAY;

/// A Binance kline interval. The string forms are case sensitive: `1m` is a minute, `1M` a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interval {
    Sec1,
    Min1,
    Min3,
    Min5,
    Min15,
    Min30,
    Hour1,
    Hour2,
    Hour4,
    Hour6,
    Hour8,
    Hour12,
    Day1,
    Day3,
    Week1,
    Month1,
}

/// The string did not name a Binance interval.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown kline interval {0:?} (expected one of 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M)"
)]
pub struct IntervalError(pub String);

impl Interval {
    /// Every interval, shortest first.
    pub const ALL: [Interval; 16] = [
        Interval::Sec1,
        Interval::Min1,
        Interval::Min3,
        Interval::Min5,
        Interval::Min15,
        Interval::Min30,
        Interval::Hour1,
        Interval::Hour2,
        Interval::Hour4,
        Interval::Hour6,
        Interval::Hour8,
        Interval::Hour12,
        Interval::Day1,
        Interval::Day3,
        Interval::Week1,
        Interval::Month1,
    ];

    /// Binance's exact spelling, used in stream names, REST queries, NATS subjects and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Interval::Sec1 => "1s",
            Interval::Min1 => "1m",
            Interval::Min3 => "3m",
            Interval::Min5 => "5m",
            Interval::Min15 => "15m",
            Interval::Min30 => "30m",
            Interval::Hour1 => "1h",
            Interval::Hour2 => "2h",
            Interval::Hour4 => "4h",
            Interval::Hour6 => "6h",
            Interval::Hour8 => "8h",
            Interval::Hour12 => "12h",
            Interval::Day1 => "1d",
            Interval::Day3 => "3d",
            Interval::Week1 => "1w",
            Interval::Month1 => "1M",
        }
    }

    /// Bar length in ms, or `None` for `1M` whose length depends on the calendar month.
    pub const fn duration_ms(self) -> Option<i64> {
        Some(match self {
            Interval::Sec1 => 1_000,
            Interval::Min1 => MS_PER_MINUTE,
            Interval::Min3 => 3 * MS_PER_MINUTE,
            Interval::Min5 => 5 * MS_PER_MINUTE,
            Interval::Min15 => 15 * MS_PER_MINUTE,
            Interval::Min30 => 30 * MS_PER_MINUTE,
            Interval::Hour1 => MS_PER_HOUR,
            Interval::Hour2 => 2 * MS_PER_HOUR,
            Interval::Hour4 => 4 * MS_PER_HOUR,
            Interval::Hour6 => 6 * MS_PER_HOUR,
            Interval::Hour8 => 8 * MS_PER_HOUR,
            Interval::Hour12 => 12 * MS_PER_HOUR,
            Interval::Day1 => MS_PER_DAY,
            Interval::Day3 => 3 * MS_PER_DAY,
            Interval::Week1 => MS_PER_WEEK,
            Interval::Month1 => return None,
        })
    }

    /// Open time of the bar containing `ts_ms`, aligned exactly as Binance aligns its klines:
    /// fixed intervals (including `3d`) in steps from the Unix epoch, `1w` on Mondays 00:00 UTC,
    /// `1M` on the first day of the UTC calendar month.
    pub fn bar_open(self, ts_ms: i64) -> i64 {
        match self {
            Interval::Month1 => month_start(ts_ms),
            Interval::Week1 => {
                let offset = ts_ms.saturating_sub(WEEK_ANCHOR_MS);
                offset
                    .saturating_sub(offset.rem_euclid(MS_PER_WEEK))
                    .saturating_add(WEEK_ANCHOR_MS)
            }
            fixed => {
                let step = fixed.duration_ms().unwrap_or(MS_PER_DAY);
                ts_ms.saturating_sub(ts_ms.rem_euclid(step))
            }
        }
    }

    /// Open time of the bar after the one containing `open_ms` (saturates at `i64::MAX`).
    pub fn next_open(self, open_ms: i64) -> i64 {
        match self.duration_ms() {
            Some(step) => self.bar_open(open_ms).saturating_add(step),
            None => next_month_start(open_ms),
        }
    }

    /// Last millisecond of the bar, matching Binance's `T` field (`next_open - 1`).
    pub fn close_time(self, open_ms: i64) -> i64 {
        self.next_open(open_ms).saturating_sub(1)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Interval {
    type Err = IntervalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Interval::ALL
            .into_iter()
            .find(|interval| interval.as_str() == s)
            .ok_or_else(|| IntervalError(s.chars().take(16).collect()))
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Interval;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Binance kline interval such as \"1m\" or \"1M\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Interval, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}
