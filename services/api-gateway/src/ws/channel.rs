//! Channel names a client may subscribe to: `metrics:<SYMBOL>:<interval>`, `ticker:<SYMBOL>`,
//! `screener:<interval>`, `alerts`.

use market_model::{Interval, Symbol};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    Metrics(Symbol, Interval),
    Ticker(Symbol),
    Screener(Interval),
    Alerts,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown channel {0:?}: expected metrics:<SYMBOL>:<interval>, ticker:<SYMBOL>, screener:<interval> or alerts"
)]
pub struct ChannelError(pub String);

impl Channel {
    pub fn parse(name: &str) -> Result<Self, ChannelError> {
        let bad = || ChannelError(name.chars().take(64).collect());
        let parts: Vec<&str> = name.split(':').collect();
        match parts.as_slice() {
            ["metrics", symbol, interval] => Ok(Self::Metrics(
                Symbol::new(symbol).map_err(|_| bad())?,
                interval.parse().map_err(|_| bad())?,
            )),
            ["ticker", symbol] => Ok(Self::Ticker(Symbol::new(symbol).map_err(|_| bad())?)),
            ["screener", interval] => Ok(Self::Screener(interval.parse().map_err(|_| bad())?)),
            ["alerts"] => Ok(Self::Alerts),
            _ => Err(bad()),
        }
    }

    pub fn is_market_data(&self) -> bool {
        !matches!(self, Self::Alerts)
    }

    /// The hub's name for it; a key's alerts are its own channel.
    pub fn hub_name(&self, key: Option<Uuid>) -> Option<String> {
        Some(match self {
            Self::Metrics(symbol, interval) => format!("metrics:{symbol}:{interval}"),
            Self::Ticker(symbol) => format!("ticker:{symbol}"),
            Self::Screener(interval) => format!("screener:{interval}"),
            Self::Alerts => format!("alerts:{}", key?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_bad_ones_are_rejected() {
        assert_eq!(
            Channel::parse("metrics:BTCUSDT:1m")
                .unwrap()
                .hub_name(None)
                .unwrap(),
            "metrics:BTCUSDT:1m"
        );
        assert_eq!(
            Channel::parse("screener:1h").unwrap(),
            Channel::Screener(Interval::Hour1)
        );
        assert!(Channel::parse("alerts").unwrap().hub_name(None).is_none());
        for bad in [
            "metrics:btc usdt:1m",
            "metrics:BTCUSDT:2m",
            "ticker",
            "screener:1h:x",
            "nope",
        ] {
            assert!(Channel::parse(bad).is_err(), "{bad}");
        }
    }
}
