//! Simple moving average over a short window (the 3-candle smoothings of STOCH), summed fresh each time.

/// Keeps only the last `period - 1` inputs: together with the new one they are the whole window.
#[derive(Debug, Clone)]
pub(crate) struct ShortSma {
    period: u32,
    ring: Box<[f64]>,
    head: u32,
    len: u32,
}

impl ShortSma {
    pub(crate) fn new(period: usize) -> Self {
        Self {
            period: period as u32,
            ring: vec![0.0; period.saturating_sub(1)].into_boxed_slice(),
            head: 0,
            len: 0,
        }
    }

    /// Mean of the window ending with `x`, once enough inputs have been pushed. Sums oldest first, as TA-Lib does.
    pub(crate) fn mean_with(&self, x: f64) -> Option<f64> {
        let capacity = self.ring.len() as u32;
        if self.len < capacity {
            return None;
        }
        let mut sum = 0.0;
        for i in 0..capacity {
            sum += self
                .ring
                .get(((self.head + i) % capacity) as usize)
                .copied()?;
        }
        Some((sum + x) / f64::from(self.period))
    }

    pub(crate) fn push(&mut self, x: f64) {
        let capacity = self.ring.len() as u32;
        if let Some(slot) = self.ring.get_mut(self.head as usize) {
            *slot = x;
            self.head = (self.head + 1) % capacity;
            self.len = (self.len + 1).min(capacity);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_the_last_period_values_including_the_new_one() {
        let mut sma = ShortSma::new(3);
        assert_eq!(sma.mean_with(1.0), None);
        sma.push(1.0);
        assert_eq!(sma.mean_with(2.0), None);
        sma.push(2.0);
        assert_eq!(sma.mean_with(6.0), Some(3.0));
        sma.push(6.0);
        assert_eq!(sma.mean_with(10.0), Some(6.0));
    }

    #[test]
    fn period_one_is_the_input_itself() {
        let mut sma = ShortSma::new(1);
        assert_eq!(sma.mean_with(4.0), Some(4.0));
        sma.push(4.0);
        assert_eq!(sma.mean_with(7.0), Some(7.0));
    }
}
