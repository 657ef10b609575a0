//! Typed errors for bad input and bad configuration.

use thiserror::Error;

/// Why a candle or a configuration was refused. A refused candle leaves the state untouched.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum IndicatorError {
    /// NaN or infinity would poison every running sum for the rest of the state's life, so it is refused up front.
    #[error("candle at {open_time_ms}: {field} is not finite ({value})")]
    NonFinite {
        open_time_ms: i64,
        field: &'static str,
        value: f64,
    },
    /// Volume is an amount traded; a negative one can only be a feed bug.
    #[error("candle at {open_time_ms}: volume is negative ({volume})")]
    NegativeVolume { open_time_ms: i64, volume: f64 },
    /// Candles must arrive strictly in time order; a repeat (e.g. a redelivered message) would be counted twice.
    #[error("candle at {open_time_ms} is not after the last closed candle at {last_open_time_ms}")]
    OutOfOrder {
        open_time_ms: i64,
        last_open_time_ms: i64,
    },
    /// The coarse series for the 24 h change is keyed by interval slots, so open times must sit on slot boundaries.
    #[error("candle at {open_time_ms} is not aligned to the {interval_ms} ms interval")]
    Misaligned { open_time_ms: i64, interval_ms: i64 },
    /// A period or multiplier outside what the underlying formula accepts.
    #[error("invalid indicator config: {0}")]
    InvalidConfig(String),
    /// OBV can only be anchored once a candle has been fed (it is the value as of that candle).
    #[error("cannot anchor OBV before any candle has been fed")]
    NothingToAnchor,
}
