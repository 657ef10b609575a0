//! Decimal strings the way Binance writes them: never an exponent.

use std::fmt::Write;

/// How a symbol's numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Fixed number of decimals, Binance style (`"0.00100000"`).
    Fixed(usize),
    /// Shortest string that parses back to the same f64 (replayed files must round-trip exactly).
    Shortest,
}

/// Appends `x` to `out`. Rust's `Display` for f64 is the shortest round-trip form and never uses an
/// exponent (1e-8 prints as `0.00000001`), which is exactly what replay needs.
pub fn write_decimal(out: &mut String, x: f64, precision: Precision) {
    // -0.0 would print as "-0"; non-finite values never come from our sources but must not leak out.
    let x = if x == 0.0 || !x.is_finite() { 0.0 } else { x };
    let _ = match precision {
        Precision::Fixed(dp) => write!(out, "{x:.dp$}"),
        Precision::Shortest => write!(out, "{x}"),
    };
}

pub fn decimal(x: f64, precision: Precision) -> String {
    let mut s = String::new();
    write_decimal(&mut s, x, precision);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_and_huge_values_have_no_exponent_and_round_trip() {
        for x in [
            1e-8,
            0.09946999000000001,
            123456789012345680000.0,
            1820.54447418,
            5e-324,
        ] {
            let s = decimal(x, Precision::Shortest);
            assert!(!s.contains(['e', 'E']), "{s}");
            assert_eq!(s.parse::<f64>().ok(), Some(x));
        }
        assert_eq!(decimal(1e-8, Precision::Shortest), "0.00000001");
        assert_eq!(decimal(-0.0, Precision::Fixed(2)), "0.00");
        assert_eq!(decimal(0.001, Precision::Fixed(8)), "0.00100000");
    }
}
