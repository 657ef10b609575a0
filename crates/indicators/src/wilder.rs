//! Wilder-smoothed indicators: RSI and ATR, both in TA-Lib's exact operation order.

/// Wilder average: plain mean of the first `period` inputs, then `(prev * (period - 1) + x) / period`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Wilder {
    period: u32,
    seen: u32,
    sum: f64,
    value: Option<f64>,
}

impl Wilder {
    fn new(period: usize) -> Self {
        Self {
            period: period as u32,
            seen: 0,
            sum: 0.0,
            value: None,
        }
    }

    fn next(&self, x: f64) -> Self {
        let n = f64::from(self.period);
        let mut next = *self;
        match self.value {
            Some(prev) => next.value = Some((prev * (n - 1.0) + x) / n),
            None => {
                next.seen += 1;
                next.sum += x;
                if next.seen == self.period {
                    next.value = Some(next.sum / n);
                }
            }
        }
        next
    }
}

/// RSI: Wilder averages of gains and losses over close-to-close changes; 0 when both averages are 0 (flat).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rsi {
    prev_close: Option<f64>,
    gain: Wilder,
    loss: Wilder,
}

impl Rsi {
    pub(crate) fn new(period: usize) -> Self {
        Self {
            prev_close: None,
            gain: Wilder::new(period),
            loss: Wilder::new(period),
        }
    }

    pub(crate) fn next(&self, close: f64) -> Self {
        let mut next = *self;
        next.prev_close = Some(close);
        if let Some(prev) = self.prev_close {
            let change = close - prev;
            next.gain = self.gain.next(change.max(0.0));
            next.loss = self.loss.next((-change).max(0.0));
        }
        next
    }

    pub(crate) fn value(&self) -> Option<f64> {
        let gain = self.gain.value?;
        let total = gain + self.loss.value?;
        Some(if total == 0.0 {
            0.0
        } else {
            100.0 * (gain / total)
        })
    }
}

/// ATR: Wilder average of the true range, which needs a previous close (so the first candle has none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Atr {
    prev_close: Option<f64>,
    range: Wilder,
}

impl Atr {
    pub(crate) fn new(period: usize) -> Self {
        Self {
            prev_close: None,
            range: Wilder::new(period),
        }
    }

    pub(crate) fn next(&self, high: f64, low: f64, close: f64) -> Self {
        let mut next = *self;
        next.prev_close = Some(close);
        if let Some(prev) = self.prev_close {
            let true_range = (high - low)
                .max((prev - high).abs())
                .max((prev - low).abs());
            next.range = self.range.next(true_range);
        }
        next
    }

    pub(crate) fn value(&self) -> Option<f64> {
        self.range.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsi_is_zero_on_flat_prices_and_100_on_only_gains() {
        let mut flat = Rsi::new(3);
        let mut rising = Rsi::new(3);
        for i in 0..10 {
            flat = flat.next(5.0);
            rising = rising.next(f64::from(i));
        }
        assert_eq!(flat.value(), Some(0.0));
        assert_eq!(rising.value(), Some(100.0));
    }

    #[test]
    fn atr_uses_gaps_against_the_previous_close() {
        let mut atr = Atr::new(1);
        atr = atr.next(10.0, 9.0, 9.5);
        assert_eq!(atr.value(), None);
        atr = atr.next(12.0, 11.5, 11.8);
        assert_eq!(atr.value(), Some(2.5));
    }
}
