//! Highest/lowest over a sliding window with a monotonic deque: O(1) amortised per candle.
//!
//! The deque holds candle sequence numbers (not values; those are read back from the shared [`History`]) whose
//! values are strictly decreasing (for a maximum) from front to back, so the front is always the window's extreme.

use crate::history::{History, Series};

/// Which extreme to track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Highest,
    Lowest,
}

impl Side {
    /// Whether `a` makes `b` irrelevant for the rest of `b`'s life in the window.
    fn dominates(self, a: f64, b: f64) -> bool {
        match self {
            Side::Highest => a >= b,
            Side::Lowest => a <= b,
        }
    }
}

/// Sliding-window extreme of one series. Sequence numbers are `u32` and wrap: only differences smaller than the
/// window are ever taken, so wrapping is harmless and halves the deque's memory.
#[derive(Debug, Clone)]
pub(crate) struct Extreme {
    series: Series,
    side: Side,
    period: u32,
    deque: Box<[u32]>,
    front: u32,
    len: u32,
}

impl Extreme {
    pub(crate) fn new(series: Series, side: Side, period: usize) -> Self {
        Self {
            series,
            side,
            period: period as u32,
            deque: vec![0; period.max(1)].into_boxed_slice(),
            front: 0,
            len: 0,
        }
    }

    fn at(&self, i: u32) -> Option<u32> {
        let slot = (self.front + i) % self.period;
        self.deque.get(slot as usize).copied()
    }

    /// Whether sequence `seq` is still inside the window that ends at the new candle `new_seq`.
    fn in_window(&self, seq: u32, new_seq: u32) -> bool {
        new_seq.wrapping_sub(seq) < self.period
    }

    fn value(&self, history: &History, seq: u32, new_seq: u32) -> Option<f64> {
        history.value(self.series, new_seq.wrapping_sub(seq).wrapping_sub(1))
    }

    /// The extreme of the window ending with a new candle (`x` at `new_seq`) if the window is full, without
    /// changing anything. `filled` is how many candles precede the new one.
    pub(crate) fn peek(&self, history: &History, filled: u64, new_seq: u32, x: f64) -> Option<f64> {
        if filled + 1 < u64::from(self.period) {
            return None;
        }
        let mut best = x;
        // Only the front can have expired (one candle leaves per step), so the extreme of the old candles that
        // stay is the first or the second entry.
        for i in 0..self.len.min(2) {
            let seq = self.at(i)?;
            if self.in_window(seq, new_seq) {
                let old = self.value(history, seq, new_seq)?;
                if self.side.dominates(old, best) {
                    best = old;
                }
                break;
            }
        }
        Some(best)
    }

    /// Admits the new candle; `history` must not yet contain it.
    pub(crate) fn push(&mut self, history: &History, new_seq: u32, x: f64) {
        while self.len > 0 {
            match self.at(0) {
                Some(seq) if !self.in_window(seq, new_seq) => {
                    self.front = (self.front + 1) % self.period;
                    self.len -= 1;
                }
                _ => break,
            }
        }
        while self.len > 0 {
            let back = self
                .at(self.len - 1)
                .and_then(|seq| self.value(history, seq, new_seq));
            match back {
                Some(old) if self.side.dominates(x, old) => self.len -= 1,
                _ => break,
            }
        }
        let slot = (self.front + self.len) % self.period;
        if let Some(entry) = self.deque.get_mut(slot as usize) {
            *entry = new_seq;
            self.len += 1;
        }
    }

    pub(crate) fn clear(&mut self) {
        self.front = 0;
        self.len = 0;
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.deque)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Row;

    #[test]
    fn matches_a_naive_scan_and_peek_matches_push() {
        let period = 5;
        let highs: Vec<f64> = (0..200_u32)
            .map(|i| f64::from((i * 37 + 11) % 23) + f64::from(i % 3) * 0.5)
            .collect();
        let mut history = History::new(period);
        let mut highest = Extreme::new(Series::High, Side::Highest, period);
        let mut lowest = Extreme::new(Series::High, Side::Lowest, period);
        for (i, &high) in highs.iter().enumerate() {
            let seq = i as u32;
            let peeked = (
                highest.peek(&history, i as u64, seq, high),
                lowest.peek(&history, i as u64, seq, high),
            );
            let expected = (i + 1 >= period).then(|| {
                let window = &highs[i + 1 - period..=i];
                (
                    window.iter().copied().fold(f64::MIN, f64::max),
                    window.iter().copied().fold(f64::MAX, f64::min),
                )
            });
            assert_eq!(peeked.0, expected.map(|e| e.0), "highest at {i}");
            assert_eq!(peeked.1, expected.map(|e| e.1), "lowest at {i}");
            highest.push(&history, seq, high);
            lowest.push(&history, seq, high);
            history.push(Row {
                high,
                ..Row::default()
            });
        }
    }
}
