//! TA-Lib's MACD, whose fast EMA is seeded so that both EMAs start on the same candle.

use crate::ema::Ema;

/// MACD line, signal and histogram for one candle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MacdOut {
    pub(crate) macd: f64,
    pub(crate) signal: f64,
    pub(crate) hist: f64,
}

/// MACD(fast, slow, signal). TA-Lib seeds the fast EMA with the mean of the `fast` closes that end where the slow
/// EMA's seed ends (closes 14..25 for 12/26), so its early MACD differs from EMA12 - EMA26 computed separately;
/// the signal EMA is seeded with the mean of the first `signal` MACD values and all outputs start together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Macd {
    fast: Ema,
    slow: Ema,
    signal: Ema,
}

impl Macd {
    pub(crate) fn new(fast: usize, slow: usize, signal: usize) -> Self {
        Self {
            fast: Ema::new(fast, slow.saturating_sub(fast)),
            slow: Ema::new(slow, 0),
            signal: Ema::new(signal, 0),
        }
    }

    pub(crate) fn next(&self, close: f64) -> Self {
        let fast = self.fast.next(close);
        let slow = self.slow.next(close);
        let signal = match (fast.value(), slow.value()) {
            (Some(f), Some(s)) => self.signal.next(f - s),
            _ => self.signal,
        };
        Self { fast, slow, signal }
    }

    pub(crate) fn output(&self) -> Option<MacdOut> {
        let macd = self.fast.value()? - self.slow.value()?;
        let signal = self.signal.value()?;
        Some(MacdOut {
            macd,
            signal,
            hist: macd - signal,
        })
    }

    pub(crate) fn reset(&mut self) {
        self.fast.reset();
        self.slow.reset();
        self.signal.reset();
    }
}
