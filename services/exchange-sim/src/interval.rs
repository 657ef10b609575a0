//! Binance kline intervals and their bar boundaries (weeks start Monday 00:00 UTC, months on the 1st).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, TimeZone, Utc};

use crate::error::ConfigError;

const SECOND: i64 = 1000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// 1970-01-01 was a Thursday; the first Monday is four days later.
const FIRST_MONDAY: i64 = 4 * DAY;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interval {
    S1,
    M1,
    M3,
    M5,
    M15,
    M30,
    H1,
    H2,
    H4,
    H6,
    H8,
    H12,
    D1,
    D3,
    W1,
    Mo1,
}

impl Interval {
    pub const ALL: [Interval; 16] = [
        Self::S1,
        Self::M1,
        Self::M3,
        Self::M5,
        Self::M15,
        Self::M30,
        Self::H1,
        Self::H2,
        Self::H4,
        Self::H6,
        Self::H8,
        Self::H12,
        Self::D1,
        Self::D3,
        Self::W1,
        Self::Mo1,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::S1 => "1s",
            Self::M1 => "1m",
            Self::M3 => "3m",
            Self::M5 => "5m",
            Self::M15 => "15m",
            Self::M30 => "30m",
            Self::H1 => "1h",
            Self::H2 => "2h",
            Self::H4 => "4h",
            Self::H6 => "6h",
            Self::H8 => "8h",
            Self::H12 => "12h",
            Self::D1 => "1d",
            Self::D3 => "3d",
            Self::W1 => "1w",
            Self::Mo1 => "1M",
        }
    }

    /// Bar length in ms; months use 30 days, which is only right for sizing (volumes), never for boundaries.
    pub fn nominal_ms(self) -> i64 {
        match self {
            Self::S1 => SECOND,
            Self::M1 => MINUTE,
            Self::M3 => 3 * MINUTE,
            Self::M5 => 5 * MINUTE,
            Self::M15 => 15 * MINUTE,
            Self::M30 => 30 * MINUTE,
            Self::H1 => HOUR,
            Self::H2 => 2 * HOUR,
            Self::H4 => 4 * HOUR,
            Self::H6 => 6 * HOUR,
            Self::H8 => 8 * HOUR,
            Self::H12 => 12 * HOUR,
            Self::D1 => DAY,
            Self::D3 => 3 * DAY,
            Self::W1 => 7 * DAY,
            Self::Mo1 => 30 * DAY,
        }
    }

    /// Open time of the bar containing `ts`.
    pub fn open_time(self, ts: i64) -> i64 {
        match self {
            Self::W1 => ts - (ts - FIRST_MONDAY).rem_euclid(7 * DAY),
            Self::Mo1 => match Utc.timestamp_millis_opt(ts).single() {
                Some(dt) => month_start(dt.year(), dt.month()).unwrap_or(ts),
                None => ts,
            },
            fixed => ts - ts.rem_euclid(fixed.nominal_ms()),
        }
    }

    /// Open time of the bar after the one opening at `open`.
    pub fn next_open(self, open: i64) -> i64 {
        match self {
            Self::Mo1 => match Utc.timestamp_millis_opt(open).single() {
                Some(dt) => {
                    let (y, m) = if dt.month() == 12 {
                        (dt.year() + 1, 1)
                    } else {
                        (dt.year(), dt.month() + 1)
                    };
                    month_start(y, m).unwrap_or(open + self.nominal_ms())
                }
                None => open + self.nominal_ms(),
            },
            fixed => open + fixed.nominal_ms(),
        }
    }

    /// Open time of the bar before the one opening at `open`.
    pub fn prev_open(self, open: i64) -> i64 {
        match self {
            Self::Mo1 => self.open_time(open - 1),
            fixed => open - fixed.nominal_ms(),
        }
    }

    /// Binance's close time: the last millisecond of the bar.
    pub fn close_time(self, open: i64) -> i64 {
        self.next_open(open) - 1
    }
}

fn month_start(year: i32, month: u32) -> Option<i64> {
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()
        .map(|dt| dt.timestamp_millis())
}

impl FromStr for Interval {
    type Err = ConfigError;

    /// Case sensitive like Binance: `1m` is a minute, `1M` a month.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| ConfigError::InvalidInterval(s.to_owned()))
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_open_on_monday_and_months_on_the_first() {
        // 2024-01-03 (Wednesday) 12:00 UTC
        let ts = 1_704_283_200_000;
        assert_eq!(Interval::W1.open_time(ts), 1_704_067_200_000); // Monday 2024-01-01
        assert_eq!(Interval::Mo1.open_time(ts), 1_704_067_200_000);
        assert_eq!(
            Interval::Mo1.next_open(1_704_067_200_000),
            1_706_745_600_000
        ); // 2024-02-01
        assert_eq!(
            Interval::Mo1.prev_open(1_704_067_200_000),
            1_701_388_800_000
        ); // 2023-12-01
        assert_eq!(Interval::M5.close_time(0), 299_999);
    }

    #[test]
    fn parsing_is_case_sensitive() {
        assert_eq!("1M".parse::<Interval>().ok(), Some(Interval::Mo1));
        assert_eq!("1m".parse::<Interval>().ok(), Some(Interval::M1));
        assert!("1H".parse::<Interval>().is_err());
    }
}
