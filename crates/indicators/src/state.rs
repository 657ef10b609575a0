//! The per-(symbol, interval) indicator state: `update` for closed candles, `peek` for the one in progress.

use crate::ema::Ema;
use crate::extreme::{Extreme, Side};
use crate::history::{History, Row, Series};
use crate::macd::Macd;
use crate::rolling::Rolling;
use crate::stoch::{Stoch, StochOut};
use crate::wilder::{Atr, Rsi};
use crate::{Candle, IndicatorConfig, IndicatorError, Values};

mod lifecycle;

/// Everything needed to compute the full indicator set incrementally. All buffers are allocated in
/// [`IndicatorState::new`]; `update` and `peek` never allocate.
#[derive(Debug, Clone)]
pub struct IndicatorState {
    config: IndicatorConfig,
    history: History,
    /// Closed candles accepted so far.
    seen: u64,
    last_open_time_ms: Option<i64>,
    prev_close: Option<f64>,
    obv: Option<f64>,
    sma: Rolling,
    bb: Rolling,
    volume: Rolling,
    vwap_volume: Rolling,
    vwap_numerator: Rolling,
    ema_fast: Ema,
    ema_slow: Ema,
    macd: Macd,
    rsi: Rsi,
    atr: Atr,
    stoch: Stoch,
    high: Extreme,
    low: Extreme,
}

/// The candidate next state of every `Copy` component plus the values it yields. `update` assigns it, `peek`
/// drops it, so the two cannot disagree.
struct Step {
    values: Values,
    obv: f64,
    sma: Rolling,
    bb: Rolling,
    volume: Rolling,
    vwap_volume: Rolling,
    vwap_numerator: Rolling,
    ema_fast: Ema,
    ema_slow: Ema,
    macd: Macd,
    rsi: Rsi,
    atr: Atr,
    stoch: StochOut,
}

impl IndicatorState {
    /// A fresh state; fails only on an invalid config.
    pub fn new(config: IndicatorConfig) -> Result<Self, IndicatorError> {
        config.validate()?;
        Ok(Self::build(config))
    }

    /// Allocates every buffer for an already validated config.
    fn build(config: IndicatorConfig) -> Self {
        let c = &config;
        Self {
            config,
            history: History::new(c.history_len()),
            seen: 0,
            last_open_time_ms: None,
            prev_close: None,
            obv: None,
            sma: Rolling::new(Series::Close, c.sma_period),
            bb: Rolling::new(Series::Close, c.bb_period),
            volume: Rolling::new(Series::Volume, c.volume_ratio_period),
            vwap_volume: Rolling::new(Series::Volume, c.vwap_period),
            vwap_numerator: Rolling::new(Series::TypicalVolume, c.vwap_period),
            ema_fast: Ema::new(c.ema_fast_period, 0),
            ema_slow: Ema::new(c.ema_slow_period, 0),
            macd: Macd::new(c.macd_fast_period, c.macd_slow_period, c.macd_signal_period),
            rsi: Rsi::new(c.rsi_period),
            atr: Atr::new(c.atr_period),
            stoch: Stoch::new(
                c.stoch_fastk_period,
                c.stoch_slowk_period,
                c.stoch_slowd_period,
            ),
            high: Extreme::new(Series::High, Side::Highest, c.high_low_period),
            low: Extreme::new(Series::Low, Side::Lowest, c.high_low_period),
        }
    }

    pub fn config(&self) -> &IndicatorConfig {
        &self.config
    }

    /// Closed candles accepted since creation or the last [`reset`](Self::reset).
    pub fn candles_seen(&self) -> u64 {
        self.seen
    }

    /// Open time of the last closed candle, if any.
    pub fn last_open_time_ms(&self) -> Option<i64> {
        self.last_open_time_ms
    }

    /// Advances the state by one closed candle and returns its values. A refused candle changes nothing.
    pub fn update(&mut self, candle: &Candle) -> Result<Values, IndicatorError> {
        let step = self.step(candle)?;
        let seq = self.seen as u32;
        self.stoch.commit(&self.history, seq, candle, &step.stoch);
        self.high.push(&self.history, seq, candle.high);
        self.low.push(&self.history, seq, candle.low);
        self.history.push(Row::of(candle));
        self.seen += 1;
        self.last_open_time_ms = Some(candle.open_time_ms);
        self.prev_close = Some(candle.close);
        self.obv = Some(step.obv);
        self.sma = step.sma;
        self.bb = step.bb;
        self.volume = step.volume;
        self.vwap_volume = step.vwap_volume;
        self.vwap_numerator = step.vwap_numerator;
        for window in [
            &mut self.sma,
            &mut self.bb,
            &mut self.volume,
            &mut self.vwap_volume,
            &mut self.vwap_numerator,
        ] {
            window.rebuild_if_due(&self.history);
        }
        self.ema_fast = step.ema_fast;
        self.ema_slow = step.ema_slow;
        self.macd = step.macd;
        self.rsi = step.rsi;
        self.atr = step.atr;
        Ok(step.values)
    }

    /// What `update` would return for this (typically still open) candle, without changing the state.
    pub fn peek(&self, candle: &Candle) -> Result<Values, IndicatorError> {
        self.step(candle).map(|step| step.values)
    }

    fn step(&self, candle: &Candle) -> Result<Step, IndicatorError> {
        candle.validate()?;
        if let Some(last) = self.last_open_time_ms
            && candle.open_time_ms <= last
        {
            return Err(IndicatorError::OutOfOrder {
                open_time_ms: candle.open_time_ms,
                last_open_time_ms: last,
            });
        }
        let history = &self.history;
        let seq = self.seen as u32;
        let row = Row::of(candle);
        let sma = self.sma.next(history, candle.close);
        let bb = self.bb.next(history, candle.close);
        let volume = self.volume.next(history, candle.volume);
        let vwap_volume = self.vwap_volume.next(history, candle.volume);
        let vwap_numerator = self.vwap_numerator.next(history, row.typical_volume());
        let ema_fast = self.ema_fast.next(candle.close);
        let ema_slow = self.ema_slow.next(candle.close);
        let macd = self.macd.next(candle.close);
        let rsi = self.rsi.next(candle.close);
        let atr = self.atr.next(candle.high, candle.low, candle.close);
        let stoch = self.stoch.eval(history, self.seen, seq, candle);
        let obv = match (self.obv, self.prev_close) {
            (Some(obv), Some(prev)) if candle.close > prev => obv + candle.volume,
            (Some(obv), Some(prev)) if candle.close < prev => obv - candle.volume,
            (Some(obv), _) => obv,
            (None, _) => candle.volume,
        };
        let macd_out = macd.output();
        let stoch_published = stoch.published();
        let bands = bb.mean().zip(bb.variance()).map(|(middle, variance)| {
            let width = variance.sqrt() * self.config.bb_stddev;
            (middle + width, middle, middle - width)
        });
        let values = Values {
            sma_20: sma.mean(),
            ema_12: ema_fast.value(),
            ema_26: ema_slow.value(),
            rsi_14: rsi.value(),
            macd: macd_out.map(|m| m.macd),
            macd_signal: macd_out.map(|m| m.signal),
            macd_hist: macd_out.map(|m| m.hist),
            bb_upper: bands.map(|b| b.0),
            bb_middle: bands.map(|b| b.1),
            bb_lower: bands.map(|b| b.2),
            atr_14: atr.value(),
            stoch_k: stoch_published.0,
            stoch_d: stoch_published.1,
            obv: Some(obv),
            vwap_20: vwap_volume
                .nonzero_mean()
                .zip(vwap_numerator.mean())
                .map(|(volume, numerator)| numerator / volume),
            change_pct: self
                .prev_close
                .filter(|prev| *prev != 0.0)
                .map(|prev| (candle.close - prev) / prev * 100.0),
            volume_ratio_20: volume.nonzero_mean().map(|mean| candle.volume / mean),
            high_20: self.high.peek(history, self.seen, seq, candle.high),
            low_20: self.low.peek(history, self.seen, seq, candle.low),
        };
        Ok(Step {
            values,
            obv,
            sma,
            bb,
            volume,
            vwap_volume,
            vwap_numerator,
            ema_fast,
            ema_slow,
            macd,
            rsi,
            atr,
            stoch,
        })
    }
}
