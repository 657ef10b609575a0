//! Candle intervals, spelled as Binance spells them.

use serde::{Serialize, Serializer};
use std::fmt;

/// A candle interval; `M1` is one month (`1M`), distinct from one minute (`1m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    S1,
    Min1,
    Min3,
    Min5,
    Min15,
    Min30,
    H1,
    H2,
    H4,
    H6,
    H8,
    H12,
    D1,
    D3,
    W1,
    M1,
}

const ALL: [(Interval, &str); 16] = [
    (Interval::S1, "1s"),
    (Interval::Min1, "1m"),
    (Interval::Min3, "3m"),
    (Interval::Min5, "5m"),
    (Interval::Min15, "15m"),
    (Interval::Min30, "30m"),
    (Interval::H1, "1h"),
    (Interval::H2, "2h"),
    (Interval::H4, "4h"),
    (Interval::H6, "6h"),
    (Interval::H8, "8h"),
    (Interval::H12, "12h"),
    (Interval::D1, "1d"),
    (Interval::D3, "3d"),
    (Interval::W1, "1w"),
    (Interval::M1, "1M"),
];

impl Interval {
    /// Case-sensitive, because `1m` and `1M` differ.
    pub fn parse(s: &str) -> Option<Self> {
        ALL.iter().find(|(_, name)| *name == s).map(|(i, _)| *i)
    }

    pub fn as_str(self) -> &'static str {
        ALL.iter()
            .find(|(i, _)| *i == self)
            .map_or("?", |(_, name)| name)
    }

    /// Every valid spelling, for error messages.
    pub fn names() -> impl Iterator<Item = &'static str> {
        ALL.iter().map(|(_, name)| *name)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_interval_round_trips_through_its_name() {
        for name in Interval::names() {
            assert_eq!(Interval::parse(name).map(Interval::as_str), Some(name));
        }
        assert_eq!(Interval::parse("1M"), Some(Interval::M1));
        assert_eq!(Interval::parse("1m"), Some(Interval::Min1));
        assert_eq!(Interval::parse("2m"), None);
    }
}
