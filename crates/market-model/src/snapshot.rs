//! The metric snapshot: one (symbol, interval) update with its candle values and every indicator field, as the
//! metrics-calculator publishes it (`metrics.*` closed, `live.metrics.*` in progress) and the alert engine,
//! the gateway's screener view and WebSocket clients read it.

use indicators::{Field, Values};
use serde::{Deserialize, Serialize};

use crate::{ExchangeId, Interval, Symbol};

/// Version of the snapshot payload; bumped only for incompatible changes (see docs/wire-format.md).
pub const SNAPSHOT_VERSION: u32 = 1;
pub const SNAPSHOT_CONTENT_TYPE: &str = "application/vnd.crypto-screener.metrics+json; v=1";

/// Indicator fields sit at the top level of the JSON next to the candle's, under the product's field names;
/// a field with no value yet is `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSnapshot {
    pub v: u32,
    pub exchange: ExchangeId,
    pub symbol: Symbol,
    pub interval: Interval,
    /// Bar open time, ms since the Unix epoch.
    pub open_time: i64,
    /// false for an in-progress bar (values computed with `peek`, state unchanged).
    pub closed: bool,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    #[serde(flatten)]
    pub indicators: Values,
    /// Rolling 24 h change of the symbol, in percent (from the coarse series; `null` until known).
    pub change_pct_24h: Option<f64>,
    /// When the calculator produced this snapshot, ms since the Unix epoch.
    pub computed_at: i64,
}

/// Names of the candle fields a snapshot carries besides the indicators (rule operands, screener fields).
pub const CANDLE_FIELDS: [&str; 5] = ["open", "high", "low", "close", "volume"];

impl MetricSnapshot {
    /// Any numeric field by its product name: candle fields, indicator fields and `change_pct_24h`.
    /// `None` for an unknown name or a field without a value yet.
    pub fn field(&self, name: &str) -> Option<f64> {
        match name {
            "open" => Some(self.open),
            "high" => Some(self.high),
            "low" => Some(self.low),
            "close" => Some(self.close),
            "volume" => Some(self.volume),
            "change_pct_24h" => self.change_pct_24h,
            other => other
                .parse::<Field>()
                .ok()
                .and_then(|f| self.indicators.get(f)),
        }
    }

    /// Every numeric field name a snapshot has, in a stable order.
    pub fn field_names() -> impl Iterator<Item = &'static str> {
        CANDLE_FIELDS
            .into_iter()
            .chain(indicators::FIELD_NAMES)
            .chain(["change_pct_24h"])
    }

    pub fn encode(&self, buf: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        buf.clear();
        serde_json::to_writer(&mut *buf, self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The `Nats-Msg-Id` of a closed snapshot: `exchange:symbol:interval:open_time`, as for candles.
    pub fn msg_id(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.exchange, self.symbol, self.interval, self.open_time
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> MetricSnapshot {
        MetricSnapshot {
            v: SNAPSHOT_VERSION,
            exchange: "binance".parse().unwrap(),
            symbol: "ETHBTC".parse().unwrap(),
            interval: Interval::Min5,
            open_time: 1_515_560_100_000,
            closed: true,
            open: 0.0984,
            high: 0.099_476_6,
            low: 0.098_286_05,
            close: 0.099_476_6,
            volume: 1_820.544_474_18,
            indicators: Values {
                rsi_14: Some(28.5),
                obv: Some(1_820.544_474_18),
                ..Values::default()
            },
            change_pct_24h: None,
            computed_at: 1_515_560_400_001,
        }
    }

    #[test]
    fn json_round_trip_is_exact_and_flat() {
        let snapshot = sample();
        let mut buf = Vec::new();
        snapshot.encode(&mut buf).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(json["rsi_14"], 28.5);
        assert!(json["sma_20"].is_null());
        assert_eq!(json["interval"], "5m");
        assert_eq!(MetricSnapshot::decode(&buf).unwrap(), snapshot);
    }

    #[test]
    fn fields_resolve_by_product_name() {
        let snapshot = sample();
        assert_eq!(snapshot.field("close"), Some(0.099_476_6));
        assert_eq!(snapshot.field("rsi_14"), Some(28.5));
        assert_eq!(snapshot.field("sma_20"), None);
        assert_eq!(snapshot.field("nope"), None);
        assert_eq!(
            MetricSnapshot::field_names().count(),
            5 + indicators::FIELD_NAMES.len() + 1
        );
        assert_eq!(snapshot.msg_id(), "binance:ETHBTC:5m:1515560100000");
    }
}
