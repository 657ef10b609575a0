//! TA-Lib's slow stochastic: fast %K over the high/low range, smoothed once into %K and again into %D.

use crate::Candle;
use crate::extreme::{Extreme, Side};
use crate::history::{History, Series};
use crate::short_sma::ShortSma;

/// The three stochastic lines for one candle; each is `None` until its own window is full.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct StochOut {
    fast_k: Option<f64>,
    slow_k: Option<f64>,
    slow_d: Option<f64>,
}

impl StochOut {
    /// `(stoch_k, stoch_d)`: TA-Lib publishes %K only from the candle where %D exists, so both appear together.
    pub(crate) fn published(&self) -> (Option<f64>, Option<f64>) {
        match self.slow_d {
            Some(d) => (self.slow_k, Some(d)),
            None => (None, None),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Stoch {
    highest: Extreme,
    lowest: Extreme,
    fast_k: ShortSma,
    slow_k: ShortSma,
}

impl Stoch {
    pub(crate) fn new(fast_k: usize, slow_k: usize, slow_d: usize) -> Self {
        Self {
            highest: Extreme::new(Series::High, Side::Highest, fast_k),
            lowest: Extreme::new(Series::Low, Side::Lowest, fast_k),
            fast_k: ShortSma::new(slow_k),
            slow_k: ShortSma::new(slow_d),
        }
    }

    /// Lines for a new candle (`seq`, with `filled` candles before it) without changing state.
    pub(crate) fn eval(
        &self,
        history: &History,
        filled: u64,
        seq: u32,
        candle: &Candle,
    ) -> StochOut {
        let highest = self.highest.peek(history, filled, seq, candle.high);
        let lowest = self.lowest.peek(history, filled, seq, candle.low);
        let (Some(highest), Some(lowest)) = (highest, lowest) else {
            return StochOut::default();
        };
        // TA-Lib divides by range/100 rather than multiplying by 100; kept for bit-level agreement.
        let range = (highest - lowest) / 100.0;
        let fast_k = if range == 0.0 {
            0.0
        } else {
            (candle.close - lowest) / range
        };
        let slow_k = self.fast_k.mean_with(fast_k);
        let slow_d = slow_k.and_then(|k| self.slow_k.mean_with(k));
        StochOut {
            fast_k: Some(fast_k),
            slow_k,
            slow_d,
        }
    }

    /// Admits the candle `eval` was computed for; `history` must not yet contain it.
    pub(crate) fn commit(&mut self, history: &History, seq: u32, candle: &Candle, out: &StochOut) {
        self.highest.push(history, seq, candle.high);
        self.lowest.push(history, seq, candle.low);
        if let Some(fast_k) = out.fast_k {
            self.fast_k.push(fast_k);
        }
        if let Some(slow_k) = out.slow_k {
            self.slow_k.push(slow_k);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.highest.clear();
        self.lowest.clear();
        self.fast_k.clear();
        self.slow_k.clear();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.highest.heap_bytes()
            + self.lowest.heap_bytes()
            + self.fast_k.heap_bytes()
            + self.slow_k.heap_bytes()
    }
}
