//! TA-Lib's EMA: seeded with the simple mean of its first `period` inputs, then `prev + k (x - prev)`.

/// Exponential moving average, optionally ignoring its first `skip` inputs. The skip is how MACD aligns its fast
/// EMA with the slow one (TA-Lib seeds the fast EMA from the closes just before the slow EMA's first value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ema {
    period: u32,
    skip: u32,
    /// Inputs seen, saturating once the seed is complete.
    seen: u32,
    k: f64,
    seed_sum: f64,
    value: Option<f64>,
}

impl Ema {
    pub(crate) fn new(period: usize, skip: usize) -> Self {
        Self {
            period: period as u32,
            skip: skip as u32,
            seen: 0,
            k: 2.0 / (period as f64 + 1.0),
            seed_sum: 0.0,
            value: None,
        }
    }

    /// The EMA after one more input.
    pub(crate) fn next(&self, x: f64) -> Self {
        let mut next = *self;
        match self.value {
            // Same operation order as TA-Lib so results agree to the last bits, not just to a tolerance.
            Some(prev) => next.value = Some((x - prev) * self.k + prev),
            None if self.seen < self.skip => next.seen += 1,
            None => {
                next.seen += 1;
                next.seed_sum += x;
                if next.seen == self.skip + self.period {
                    next.value = Some(next.seed_sum / f64::from(self.period));
                }
            }
        }
        next
    }

    pub(crate) fn value(&self) -> Option<f64> {
        self.value
    }

    pub(crate) fn reset(&mut self) {
        *self = Self::new(self.period as usize, self.skip as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_with_the_mean_after_skipping_then_smooths() {
        let mut ema = Ema::new(3, 1);
        for x in [100.0, 1.0, 2.0] {
            ema = ema.next(x);
            assert_eq!(ema.value(), None);
        }
        ema = ema.next(3.0);
        assert_eq!(ema.value(), Some(2.0));
        ema = ema.next(4.0);
        assert_eq!(ema.value(), Some(3.0));
    }
}
