//! The candle (kline) record that flows from the collector through NATS to every consumer.

use serde::{Deserialize, Serialize};

use crate::{ExchangeId, Interval, Symbol};

/// One OHLCV bar, closed or still in progress. Times are Unix milliseconds (UTC).
///
/// Numbers are `f64` (see the crate docs for why this is lossless for exchange decimals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candle {
    pub exchange: ExchangeId,
    pub symbol: Symbol,
    pub interval: Interval,
    pub open_time: i64,
    /// Last millisecond of the bar, like Binance's `T` (`interval.close_time(open_time)`).
    pub close_time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// Base-asset volume.
    pub volume: f64,
    pub quote_volume: f64,
    pub taker_buy_base: f64,
    pub taker_buy_quote: f64,
    pub trades: u64,
    /// `true` once the bar is final; in-progress updates are `false`.
    pub closed: bool,
    /// The exchange's event time (`E`), kept for end-to-end latency metrics; equals
    /// `close_time` for bars back-filled over REST.
    pub event_time: i64,
}

/// Why a candle is not internally consistent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CandleError {
    #[error("{field} is not a finite number ({value})")]
    NotFinite { field: &'static str, value: f64 },
    #[error("{field} is negative ({value})")]
    Negative { field: &'static str, value: f64 },
    #[error("low {low} is above min(open, close) {min}")]
    LowAboveBody { low: f64, min: f64 },
    #[error("high {high} is below max(open, close) {max}")]
    HighBelowBody { high: f64, max: f64 },
    #[error("close_time {close_time} is not after open_time {open_time}")]
    CloseNotAfterOpen { open_time: i64, close_time: i64 },
}

impl CandleError {
    /// Low-cardinality label for metrics (`invalid_candle_total{reason=...}`).
    pub fn reason(&self) -> &'static str {
        match self {
            CandleError::NotFinite { .. } => "not_finite",
            CandleError::Negative { .. } => "negative",
            CandleError::LowAboveBody { .. } => "low_above_body",
            CandleError::HighBelowBody { .. } => "high_below_body",
            CandleError::CloseNotAfterOpen { .. } => "close_not_after_open",
        }
    }
}

impl Candle {
    /// Checks the invariants every consumer relies on (finite prices, a well-formed bar,
    /// non-negative volumes), so a bad exchange message is rejected once at the edge.
    pub fn validate(&self) -> Result<(), CandleError> {
        let numbers = [
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
            ("volume", self.volume),
            ("quote_volume", self.quote_volume),
            ("taker_buy_base", self.taker_buy_base),
            ("taker_buy_quote", self.taker_buy_quote),
        ];
        for (field, value) in numbers {
            if !value.is_finite() {
                return Err(CandleError::NotFinite { field, value });
            }
        }
        for (field, value) in &numbers[4..] {
            if *value < 0.0 {
                return Err(CandleError::Negative {
                    field,
                    value: *value,
                });
            }
        }
        let min = self.open.min(self.close);
        if self.low > min {
            return Err(CandleError::LowAboveBody { low: self.low, min });
        }
        let max = self.open.max(self.close);
        if self.high < max {
            return Err(CandleError::HighBelowBody {
                high: self.high,
                max,
            });
        }
        if self.close_time <= self.open_time {
            return Err(CandleError::CloseNotAfterOpen {
                open_time: self.open_time,
                close_time: self.close_time,
            });
        }
        Ok(())
    }
}
