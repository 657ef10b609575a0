//! Stateless hashing randomness: every random number is a pure function of (seed, keys), so history can be
//! generated for any time in any order and stays identical across runs with the same `--seed`.

/// SplitMix64 finaliser: a fast, well-mixed 64-bit hash.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of several keys.
pub fn hash(keys: &[u64]) -> u64 {
    keys.iter()
        .fold(0x51_7C_C1_B7_27_22_0A_95, |acc, k| mix(acc ^ k))
}

/// Stable hash of a string (FNV-1a), used to derive per-symbol seeds.
pub fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// Uniform in [0, 1).
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Approximately standard normal (sum of four uniforms, rescaled): cheap and bounded to +-3.5 sigma,
/// which is all a synthetic price path needs.
pub fn normal(h: u64) -> f64 {
    let sum: u64 = (0..4).map(|i| (h >> (16 * i)) & 0xFFFF).sum();
    let mean = 2.0 * 65535.0;
    (sum as f64 - mean) / 65535.0 * 3f64.sqrt()
}

/// Small deterministic generator for per-connection decisions (fault injection).
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && unit(self.next_u64()) < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_has_unit_variance_and_zero_mean() {
        let n = 100_000u64;
        let xs: Vec<f64> = (0..n).map(|i| normal(mix(i))).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "var {var}");
    }
}
