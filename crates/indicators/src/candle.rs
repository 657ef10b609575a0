//! The input record and its validation.

use serde::{Deserialize, Serialize};

use crate::IndicatorError;

/// One OHLCV candle, identified by its open time. Closed or in progress, the shape is the same.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Candle {
    pub open_time_ms: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

impl Candle {
    /// Refuses non-finite prices/volumes and negative volume; called before any state is touched so that a bad
    /// candle is rejected deterministically and leaves no trace.
    pub fn validate(&self) -> Result<(), IndicatorError> {
        let fields = [
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
            ("volume", self.volume),
        ];
        for (field, value) in fields {
            if !value.is_finite() {
                return Err(IndicatorError::NonFinite {
                    open_time_ms: self.open_time_ms,
                    field,
                    value,
                });
            }
        }
        if self.volume < 0.0 {
            return Err(IndicatorError::NegativeVolume {
                open_time_ms: self.open_time_ms,
                volume: self.volume,
            });
        }
        Ok(())
    }
}
