//! Exchange reference data used to pick the symbol universe.

use market_model::Symbol;

/// Trading status of a symbol; only `Trading` symbols produce klines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SymbolStatus {
    Trading,
    Halt,
    Break,
    Other(String),
}

impl SymbolStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "TRADING" => SymbolStatus::Trading,
            "HALT" => SymbolStatus::Halt,
            "BREAK" => SymbolStatus::Break,
            other => SymbolStatus::Other(other.to_owned()),
        }
    }
}

/// One listed pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolInfo {
    pub symbol: Symbol,
    pub base: String,
    pub quote: String,
    pub status: SymbolStatus,
}

/// Parsed exchange info. Listings whose names are not valid [`Symbol`]s (exchanges do list
/// non-ASCII names) are reported in `rejected` instead of failing the whole document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExchangeInfo {
    pub symbols: Vec<SymbolInfo>,
    pub rejected: Vec<String>,
}

/// Rolling 24 h statistics of one symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticker24h {
    pub symbol: Symbol,
    pub quote_volume: f64,
    pub last_price: f64,
    pub price_change_percent: f64,
}
