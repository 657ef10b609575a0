//! The shared ring buffer of recent candles that every windowed indicator reads its outgoing values from.
//!
//! One buffer sized to the longest window serves all windows, instead of one buffer per indicator, which keeps a
//! state's heap small when thousands of them are alive.

use crate::Candle;

/// The per-candle inputs the windows need. Typical price times volume is recomputed from these on demand
/// (deterministically, so the value read back is bit-identical to the one added).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Row {
    pub(crate) close: f64,
    pub(crate) high: f64,
    pub(crate) low: f64,
    pub(crate) volume: f64,
}

impl Row {
    pub(crate) fn of(candle: &Candle) -> Self {
        Self {
            close: candle.close,
            high: candle.high,
            low: candle.low,
            volume: candle.volume,
        }
    }

    /// Typical price times volume, the VWAP numerator term.
    pub(crate) fn typical_volume(&self) -> f64 {
        (self.high + self.low + self.close) / 3.0 * self.volume
    }
}

/// Which input series a window follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Series {
    Close,
    High,
    Low,
    Volume,
    TypicalVolume,
}

impl Series {
    pub(crate) fn of(self, row: &Row) -> f64 {
        match self {
            Series::Close => row.close,
            Series::High => row.high,
            Series::Low => row.low,
            Series::Volume => row.volume,
            Series::TypicalVolume => row.typical_volume(),
        }
    }
}

/// Fixed-capacity ring of the latest rows; allocated once, never grows.
#[derive(Debug, Clone)]
pub(crate) struct History {
    rows: Box<[Row]>,
    /// Slot the next row goes into.
    head: u32,
    len: u32,
}

impl History {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            rows: vec![Row::default(); capacity.max(1)].into_boxed_slice(),
            head: 0,
            len: 0,
        }
    }

    /// The row `age` candles back from the newest stored one (0 = newest), if still held.
    pub(crate) fn back(&self, age: u32) -> Option<&Row> {
        if age >= self.len {
            return None;
        }
        let capacity = self.rows.len() as u32;
        let slot = if self.head > age {
            self.head - 1 - age
        } else {
            self.head + capacity - 1 - age
        };
        self.rows.get(slot as usize)
    }

    /// Value of `series` `age` candles back; callers only ask for ages their window guarantees are held.
    pub(crate) fn value(&self, series: Series, age: u32) -> Option<f64> {
        self.back(age).map(|row| series.of(row))
    }

    pub(crate) fn push(&mut self, row: Row) {
        let capacity = self.rows.len() as u32;
        if let Some(slot) = self.rows.get_mut(self.head as usize) {
            *slot = row;
        }
        self.head = (self.head + 1) % capacity;
        self.len = (self.len + 1).min(capacity);
    }

    pub(crate) fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(close: f64) -> Row {
        Row {
            close,
            ..Row::default()
        }
    }

    #[test]
    fn back_reads_newest_first_and_forgets_beyond_capacity() {
        let mut history = History::new(3);
        assert_eq!(history.back(0), None);
        for close in 1..=5 {
            history.push(row(f64::from(close)));
        }
        assert_eq!(history.value(Series::Close, 0), Some(5.0));
        assert_eq!(history.value(Series::Close, 1), Some(4.0));
        assert_eq!(history.value(Series::Close, 2), Some(3.0));
        assert_eq!(history.value(Series::Close, 3), None);
        history.clear();
        assert_eq!(history.back(0), None);
    }
}
