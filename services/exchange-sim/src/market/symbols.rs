//! The symbols the simulator lists: realistic names first, then generated ones, with per-symbol price
//! level, volatility and liquidity so the universe looks like a real exchange's.

use crate::error::ConfigError;
use crate::market::known::{KNOWN, Known};
use crate::rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SymbolStatus {
    Trading,
    Halt,
    Break,
}

impl SymbolStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trading => "TRADING",
            Self::Halt => "HALT",
            Self::Break => "BREAK",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "TRADING" => Some(Self::Trading),
            "HALT" => Some(Self::Halt),
            "BREAK" => Some(Self::Break),
            _ => None,
        }
    }
}

/// Static description of one symbol; the runtime status lives in the universe.
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolSpec {
    pub name: String,
    pub base: String,
    pub quote: String,
    pub initial_status: SymbolStatus,
    pub start_price: f64,
    /// Annualised volatility of the log price.
    pub volatility: f64,
    /// Decimals of the price tick.
    pub price_decimals: u32,
    /// Mean trades per second.
    pub trade_rate: f64,
}

/// Quote assets recognised when splitting a user-given symbol name.
const QUOTES: [&str; 7] = ["USDT", "FDUSD", "USDC", "BTC", "ETH", "BNB", "TRY"];

fn from_known(k: &Known) -> SymbolSpec {
    SymbolSpec {
        name: k.0.to_owned(),
        base: k.1.to_owned(),
        quote: k.2.to_owned(),
        initial_status: k.3,
        start_price: k.4,
        volatility: k.5,
        price_decimals: k.6,
        trade_rate: k.7,
    }
}

/// Letters-only base asset for generated symbol `i` (AAA, AAB, ...), prefixed so it never clashes with a
/// real coin name from the list above.
fn generated_base(i: usize) -> String {
    let mut letters = [b'A'; 3];
    let mut n = i;
    for slot in letters.iter_mut().rev() {
        *slot = b'A' + (n % 26) as u8;
        n /= 26;
    }
    format!("Z{}", String::from_utf8_lossy(&letters))
}

/// Generated symbols: mostly USDT pairs, every 10th quoted in BTC, every 25th not trading; price level and
/// liquidity spread over orders of magnitude like a real long tail.
fn generated(i: usize, seed: u64) -> SymbolSpec {
    let h = rng::hash(&[seed, i as u64, 0x5E_ED]);
    let base = generated_base(i);
    let btc = i % 10 == 9;
    let quote = if btc { "BTC" } else { "USDT" };
    let exponent = rng::unit(h) * 6.0 - 3.0; // 0.001 .. 1000
    let mut price = 10f64.powf(exponent);
    if btc {
        price /= 60_000.0;
    }
    let price_decimals = (6.0 - price.log10()).clamp(2.0, 10.0).round() as u32;
    SymbolSpec {
        name: format!("{base}{quote}"),
        base,
        quote: quote.to_owned(),
        initial_status: if i % 25 == 24 {
            SymbolStatus::Break
        } else {
            SymbolStatus::Trading
        },
        start_price: price,
        volatility: 0.6 + rng::unit(rng::mix(h)) * 0.8,
        price_decimals,
        trade_rate: 0.2 + 5.0 * rng::unit(rng::mix(h ^ 1)).powi(3),
    }
}

/// The default universe of `n` symbols.
pub fn default_universe(n: usize, seed: u64) -> Vec<SymbolSpec> {
    (0..n)
        .map(|i| match KNOWN.get(i) {
            Some(k) => from_known(k),
            None => generated(i - KNOWN.len(), seed),
        })
        .collect()
}

/// A symbol named by the user: known parameters when we have them, otherwise derived from the name.
pub fn spec_for_name(name: &str, seed: u64) -> Result<SymbolSpec, ConfigError> {
    let name = name.trim().to_ascii_uppercase();
    if name.is_empty() || name.len() > 20 || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ConfigError::InvalidSymbol(name));
    }
    if let Some(k) = KNOWN.iter().find(|k| k.0 == name) {
        return Ok(from_known(k));
    }
    let quote = QUOTES
        .iter()
        .find(|q| name.len() > q.len() && name.ends_with(*q))
        .copied()
        .unwrap_or("USDT");
    let base = name.strip_suffix(quote).unwrap_or(&name).to_owned();
    let mut spec = generated((rng::hash_str(&name) % 1_000_000) as usize, seed);
    spec.name = name;
    spec.base = base;
    spec.quote = quote.to_owned();
    spec.initial_status = SymbolStatus::Trading;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_universe_starts_with_real_names_and_mixes_quotes_and_statuses() {
        let u = default_universe(60, 1);
        assert_eq!(u[0].name, "BTCUSDT");
        assert!(u.iter().any(|s| s.quote == "BTC"));
        assert!(u.iter().any(|s| s.initial_status != SymbolStatus::Trading));
        let mut names: Vec<_> = u.iter().map(|s| s.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 60);
    }

    #[test]
    fn user_names_are_split_into_base_and_quote() {
        let s = spec_for_name("pepefdusd", 1).unwrap();
        assert_eq!((s.base.as_str(), s.quote.as_str()), ("PEPE", "FDUSD"));
        assert!(spec_for_name("BAD-NAME", 1).is_err());
    }
}
