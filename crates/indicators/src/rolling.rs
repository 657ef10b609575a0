//! Running sum and sum of squares over a sliding window, in O(1) amortised without drift.
//!
//! Two defences keep the running sums within a few ulps of a fresh sum for any series length:
//! every add and remove is Neumaier-compensated (so a large value leaving the window takes its rounding error
//! with it), and every `period` steps the sums are rebuilt exactly from the history ring. The rebuild also
//! re-centres the values on the newest one (for price series), so the variance `E[d^2] - E[d]^2` is computed on
//! small deviations and does not lose digits to cancellation the way raw `E[x^2] - E[x]^2` does.

use crate::history::{History, Series};

/// Compensated (Neumaier) accumulator.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Neumaier {
    sum: f64,
    compensation: f64,
}

impl Neumaier {
    fn add(&mut self, x: f64) {
        let total = self.sum + x;
        self.compensation += if self.sum.abs() >= x.abs() {
            (self.sum - total) + x
        } else {
            (x - total) + self.sum
        };
        self.sum = total;
    }

    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Window moments over one [`Series`]. `Copy`, so a candidate next state can be computed for `peek` and simply
/// assigned on `update`, which makes the two bit-identical by construction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rolling {
    series: Series,
    period: u32,
    /// Values currently in the window (saturates at `period`).
    filled: u32,
    /// Steps since the last exact rebuild.
    since_rebuild: u32,
    /// Count of non-zero raw values in the window, so "all volume is zero" is known exactly, not from a sum.
    nonzero: u32,
    /// Re-centring offset (the newest value at the last rebuild; 0 for series that are not re-centred).
    shift: f64,
    deviations: Neumaier,
    squares: Neumaier,
}

impl Rolling {
    pub(crate) fn new(series: Series, period: usize) -> Self {
        Self {
            series,
            period: period as u32,
            filled: 0,
            since_rebuild: 0,
            nonzero: 0,
            shift: 0.0,
            deviations: Neumaier::default(),
            squares: Neumaier::default(),
        }
    }

    /// The window after adding `x`; `history` must not yet contain `x`. Always O(1): the periodic rebuild
    /// happens in [`rebuild_if_due`](Self::rebuild_if_due) after a commit, so `peek` never pays for it.
    pub(crate) fn next(&self, history: &History, x: f64) -> Self {
        let mut next = *self;
        if self.filled == 0 {
            next.shift = self.shift_for(x);
        }
        next.add(x);
        if self.filled == self.period
            && let Some(old) = history.value(self.series, self.period - 1)
        {
            next.remove(old);
        }
        next.since_rebuild += 1;
        next.filled = (self.filled + 1).min(self.period);
        next
    }

    /// Every `period` commits, recomputes the sums exactly from the ring (which must already hold the newest
    /// value) and re-centres them on the newest value.
    pub(crate) fn rebuild_if_due(&mut self, history: &History) {
        if self.since_rebuild < self.period {
            return;
        }
        let Some(newest) = history.value(self.series, 0) else {
            return;
        };
        self.shift = self.shift_for(newest);
        self.deviations = Neumaier::default();
        self.squares = Neumaier::default();
        self.nonzero = 0;
        for age in 0..self.filled {
            if let Some(value) = history.value(self.series, age) {
                self.add(value);
            }
        }
        self.since_rebuild = 0;
    }

    /// Prices are re-centred (their variance matters); volumes are summed as they are (they are non-negative).
    fn shift_for(&self, newest: f64) -> f64 {
        if self.series == Series::Close {
            newest
        } else {
            0.0
        }
    }

    fn add(&mut self, x: f64) {
        let d = x - self.shift;
        self.deviations.add(d);
        self.squares.add(d * d);
        self.nonzero += u32::from(x != 0.0);
    }

    fn remove(&mut self, x: f64) {
        let d = x - self.shift;
        self.deviations.add(-d);
        self.squares.add(-(d * d));
        self.nonzero -= u32::from(x != 0.0);
    }

    fn is_full(&self) -> bool {
        self.filled == self.period
    }

    /// Mean of a full window.
    pub(crate) fn mean(&self) -> Option<f64> {
        self.is_full()
            .then(|| self.shift + self.deviations.value() / f64::from(self.period))
    }

    /// Population variance of a full window, clamped at 0 against rounding.
    pub(crate) fn variance(&self) -> Option<f64> {
        self.is_full().then(|| {
            let n = f64::from(self.period);
            let mean_deviation = self.deviations.value() / n;
            (self.squares.value() / n - mean_deviation * mean_deviation).max(0.0)
        })
    }

    /// Mean of a full window whose values are not all zero (a ratio's denominator that is really non-zero).
    pub(crate) fn nonzero_mean(&self) -> Option<f64> {
        self.mean().filter(|_| self.nonzero > 0)
    }

    pub(crate) fn reset(&mut self) {
        *self = Self::new(self.series, self.period as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Row;

    fn feed(values: &[f64], period: usize) -> Rolling {
        let mut history = History::new(period);
        let mut window = Rolling::new(Series::Close, period);
        for &close in values {
            window = window.next(&history, close);
            history.push(Row {
                close,
                ..Row::default()
            });
            window.rebuild_if_due(&history);
        }
        window
    }

    #[test]
    fn mean_and_variance_follow_the_last_period_values() {
        let window = feed(&[100.0, 1.0, 2.0, 3.0, 4.0], 4);
        assert_eq!(window.mean(), Some(2.5));
        assert_eq!(window.variance(), Some(1.25));
        assert_eq!(feed(&[1.0, 2.0], 4).mean(), None);
    }

    #[test]
    fn long_runs_do_not_drift_from_a_fresh_two_pass_computation() {
        let values: Vec<f64> = (0..100_000)
            .map(|i| 1e6 + (f64::from(i) * 0.7).sin() * 1e-3 + f64::from(i % 7) * 1e3)
            .collect();
        let period = 20;
        let window = feed(&values, period);
        let tail = &values[values.len() - period..];
        let mean = tail.iter().sum::<f64>() / period as f64;
        let variance = tail.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / period as f64;
        assert!((window.mean().unwrap() - mean).abs() <= 1e-15 * mean);
        assert!((window.variance().unwrap() - variance).abs() <= 1e-12 * variance);
    }

    #[test]
    fn constant_window_has_exactly_zero_variance() {
        let mut values = vec![5.0, 9.0, 13.0];
        values.extend(std::iter::repeat_n(0.1, 40));
        let window = feed(&values, 20);
        assert_eq!(window.variance(), Some(0.0));
        assert_eq!(window.mean(), Some(0.1));
    }
}
