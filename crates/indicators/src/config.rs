//! Indicator periods, their validation, and how much history a warm start needs.

use serde::{Deserialize, Serialize};

use crate::IndicatorError;

/// Largest accepted period; keeps a typo from allocating gigabytes per state.
pub const MAX_PERIOD: usize = 100_000;

/// How small a seed's remaining weight must be before a warm-started state counts as converged. Seeds differ from
/// the uninterrupted run by at most O(1) relative (prices rarely double inside the replay window), so 1e-12 leaves
/// three orders of magnitude below the 1e-9 equality the calculator relies on.
pub const SEED_INFLUENCE: f64 = 1e-12;

/// Periods of every indicator. Field names in [`crate::Values`] keep their product names (`sma_20`, `rsi_14`,
/// ...) whatever the periods here, so storage columns and API fields never move when a period is tuned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorConfig {
    /// `sma_20`.
    pub sma_period: usize,
    /// `ema_12`.
    pub ema_fast_period: usize,
    /// `ema_26`.
    pub ema_slow_period: usize,
    /// `rsi_14` (Wilder).
    pub rsi_period: usize,
    /// `macd` fast EMA.
    pub macd_fast_period: usize,
    /// `macd` slow EMA.
    pub macd_slow_period: usize,
    /// `macd_signal` EMA over the MACD line.
    pub macd_signal_period: usize,
    /// `bb_*` window.
    pub bb_period: usize,
    /// `bb_upper`/`bb_lower` distance in population standard deviations.
    pub bb_stddev: f64,
    /// `atr_14` (Wilder).
    pub atr_period: usize,
    /// Highest-high/lowest-low window of the fast %K.
    pub stoch_fastk_period: usize,
    /// SMA of fast %K giving `stoch_k` (slow %K).
    pub stoch_slowk_period: usize,
    /// SMA of `stoch_k` giving `stoch_d`.
    pub stoch_slowd_period: usize,
    /// `vwap_20` window.
    pub vwap_period: usize,
    /// `volume_ratio_20` window (mean volume, current candle included).
    pub volume_ratio_period: usize,
    /// `high_20`/`low_20` window (current candle included).
    pub high_low_period: usize,
}

impl Default for IndicatorConfig {
    fn default() -> Self {
        Self {
            sma_period: 20,
            ema_fast_period: 12,
            ema_slow_period: 26,
            rsi_period: 14,
            macd_fast_period: 12,
            macd_slow_period: 26,
            macd_signal_period: 9,
            bb_period: 20,
            bb_stddev: 2.0,
            atr_period: 14,
            stoch_fastk_period: 14,
            stoch_slowk_period: 3,
            stoch_slowd_period: 3,
            vwap_period: 20,
            volume_ratio_period: 20,
            high_low_period: 20,
        }
    }
}

impl IndicatorConfig {
    /// Applies TA-Lib's own lower bounds (so every accepted config has a TA-Lib meaning) plus [`MAX_PERIOD`].
    pub fn validate(&self) -> Result<(), IndicatorError> {
        let periods = [
            ("sma_period", self.sma_period, 2),
            ("ema_fast_period", self.ema_fast_period, 2),
            ("ema_slow_period", self.ema_slow_period, 2),
            ("rsi_period", self.rsi_period, 2),
            ("macd_fast_period", self.macd_fast_period, 2),
            ("macd_slow_period", self.macd_slow_period, 2),
            ("macd_signal_period", self.macd_signal_period, 1),
            ("bb_period", self.bb_period, 2),
            ("atr_period", self.atr_period, 1),
            ("stoch_fastk_period", self.stoch_fastk_period, 1),
            ("stoch_slowk_period", self.stoch_slowk_period, 1),
            ("stoch_slowd_period", self.stoch_slowd_period, 1),
            ("vwap_period", self.vwap_period, 1),
            ("volume_ratio_period", self.volume_ratio_period, 1),
            ("high_low_period", self.high_low_period, 1),
        ];
        for (name, value, min) in periods {
            if !(min..=MAX_PERIOD).contains(&value) {
                return Err(IndicatorError::InvalidConfig(format!(
                    "{name} = {value}, expected {min}..={MAX_PERIOD}"
                )));
            }
        }
        // TA-Lib silently swaps them; refusing is clearer than computing something the caller did not ask for.
        if self.macd_fast_period >= self.macd_slow_period {
            return Err(IndicatorError::InvalidConfig(format!(
                "macd_fast_period ({}) must be below macd_slow_period ({})",
                self.macd_fast_period, self.macd_slow_period
            )));
        }
        if !(self.bb_stddev.is_finite() && self.bb_stddev >= 0.0) {
            return Err(IndicatorError::InvalidConfig(format!(
                "bb_stddev = {}, expected a finite non-negative number",
                self.bb_stddev
            )));
        }
        Ok(())
    }

    /// Longest window read back from the candle history (the ring buffer is allocated at this size).
    pub(crate) fn history_len(&self) -> usize {
        [
            self.sma_period,
            self.bb_period,
            self.vwap_period,
            self.volume_ratio_period,
            self.high_low_period,
            self.stoch_fastk_period,
        ]
        .into_iter()
        .max()
        .unwrap_or(1)
    }

    /// How many candles to replay into a fresh state so that every value afterwards equals an uninterrupted run
    /// to 1e-9 relative (OBV excepted: it is a running total, re-anchor it with
    /// [`crate::IndicatorState::anchor_obv`]).
    ///
    /// Windowed fields are exact once their window is full. Exponential ones never forget their seed; after
    /// `m` further steps its weight is `(1 - alpha)^m`, so each gets its lookback plus the `m` that brings that
    /// weight under [`SEED_INFLUENCE`]. MACD's signal line inherits the MACD line's seed error and adds its own,
    /// so both tails are summed. With the defaults this is 519 candles (MACD dominates).
    pub fn warmup_len(&self) -> usize {
        let ema = |period: usize| decay_steps(2.0 / (period as f64 + 1.0));
        let wilder = |period: usize| decay_steps(1.0 / period as f64);
        let stoch = self.stoch_fastk_period + self.stoch_slowk_period + self.stoch_slowd_period - 2;
        [
            self.history_len(),
            stoch,
            self.ema_fast_period + ema(self.ema_fast_period),
            self.ema_slow_period + ema(self.ema_slow_period),
            self.macd_slow_period
                + ema(self.macd_slow_period)
                + self.macd_signal_period
                + ema(self.macd_signal_period),
            self.rsi_period + 1 + wilder(self.rsi_period),
            self.atr_period + 1 + wilder(self.atr_period),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }
}

/// Steps after which a weight decaying by `(1 - alpha)` per step falls below [`SEED_INFLUENCE`].
fn decay_steps(alpha: f64) -> usize {
    if alpha >= 1.0 {
        return 0;
    }
    // alpha is in (0, 1) for every validated period, so the logarithm is negative and finite.
    let steps = (SEED_INFLUENCE.ln() / (1.0 - alpha).ln()).ceil();
    steps as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid_and_needs_macd_length_warmup() {
        let config = IndicatorConfig::default();
        config.validate().unwrap();
        // 26 + 360 (EMA26 tail) + 9 + 124 (EMA9 tail).
        assert_eq!(config.warmup_len(), 519);
        assert_eq!(config.history_len(), 20);
    }

    #[test]
    fn out_of_range_periods_are_rejected() {
        let zero_sma = IndicatorConfig {
            sma_period: 1,
            ..IndicatorConfig::default()
        };
        assert!(matches!(
            zero_sma.validate(),
            Err(IndicatorError::InvalidConfig(_))
        ));
        let huge = IndicatorConfig {
            high_low_period: MAX_PERIOD + 1,
            ..IndicatorConfig::default()
        };
        assert!(huge.validate().is_err());
        let swapped = IndicatorConfig {
            macd_fast_period: 26,
            macd_slow_period: 12,
            ..IndicatorConfig::default()
        };
        assert!(swapped.validate().is_err());
        let nan_bands = IndicatorConfig {
            bb_stddev: f64::NAN,
            ..IndicatorConfig::default()
        };
        assert!(nan_bands.validate().is_err());
    }

    #[test]
    fn decay_steps_bring_the_seed_weight_under_the_bound() {
        for period in [2_usize, 9, 14, 26, 200] {
            let alpha = 2.0 / (period as f64 + 1.0);
            let steps = decay_steps(alpha);
            let weight = (1.0 - alpha).powi(i32::try_from(steps).unwrap());
            assert!(weight <= SEED_INFLUENCE, "period {period}: {weight}");
            let one_less = (1.0 - alpha).powi(i32::try_from(steps - 1).unwrap());
            assert!(one_less > SEED_INFLUENCE, "period {period}: not minimal");
        }
    }
}
