//! Resetting, replaying, OBV anchoring and memory accounting of an [`IndicatorState`].

use super::IndicatorState;
use crate::wilder::{Atr, Rsi};
use crate::{Candle, IndicatorConfig, IndicatorError};

impl Default for IndicatorState {
    /// A state with the product's default periods (which are valid by construction).
    fn default() -> Self {
        Self::build(IndicatorConfig::default())
    }
}

impl IndicatorState {
    /// Builds a state by replaying closed candles, oldest first, as the calculator does on start-up. Replaying
    /// [`IndicatorConfig::warmup_len`] candles makes every value (OBV aside, see
    /// [`anchor_obv`](Self::anchor_obv)) match an uninterrupted run to 1e-9 relative.
    pub fn replay<'a>(
        config: IndicatorConfig,
        candles: impl IntoIterator<Item = &'a Candle>,
    ) -> Result<Self, IndicatorError> {
        let mut state = Self::new(config)?;
        for candle in candles {
            state.update(candle)?;
        }
        Ok(state)
    }

    /// Forgets every candle but keeps the allocated buffers (e.g. after a feed gap that makes old state wrong).
    pub fn reset(&mut self) {
        let c = self.config;
        self.history.clear();
        self.seen = 0;
        self.last_open_time_ms = None;
        self.prev_close = None;
        self.obv = None;
        self.sma.reset();
        self.bb.reset();
        self.volume.reset();
        self.vwap_volume.reset();
        self.vwap_numerator.reset();
        self.ema_fast.reset();
        self.ema_slow.reset();
        self.macd.reset();
        self.rsi = Rsi::new(c.rsi_period);
        self.atr = Atr::new(c.atr_period);
        self.stoch.clear();
        self.high.clear();
        self.low.clear();
    }

    /// OBV is a running total since the first candle ever fed, so a replay of recent candles cannot rebuild it.
    /// This sets it to the stored value as of the last fed candle; from the next candle on it continues exactly.
    pub fn anchor_obv(&mut self, obv: f64) -> Result<(), IndicatorError> {
        let Some(open_time_ms) = self.last_open_time_ms else {
            return Err(IndicatorError::NothingToAnchor);
        };
        if !obv.is_finite() {
            return Err(IndicatorError::NonFinite {
                open_time_ms,
                field: "obv",
                value: obv,
            });
        }
        self.obv = Some(obv);
        Ok(())
    }

    /// Bytes this state owns on the heap (its ring buffers, allocated once); add
    /// `size_of::<IndicatorState>()` for the whole footprint.
    pub fn heap_bytes(&self) -> usize {
        self.history.heap_bytes()
            + self.stoch.heap_bytes()
            + self.high.heap_bytes()
            + self.low.heap_bytes()
    }
}
