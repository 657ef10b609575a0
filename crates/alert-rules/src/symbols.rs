//! Which symbols a rule watches: a fixed list, or every tracked symbol (`["*"]`).

use crate::limits::{MAX_SYMBOL_CHARS, MAX_SYMBOLS};
use crate::{ErrorKind, ValidationError};

/// Routing for the engine: a watchlist rule keeps one independent state per symbol either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SymbolSelector {
    /// `["*"]`: every symbol the deployment tracks.
    All,
    /// Sorted, so [`SymbolSelector::matches`] is a binary search.
    List(Box<[Box<str>]>),
}

impl SymbolSelector {
    pub fn matches(&self, symbol: &str) -> bool {
        match self {
            SymbolSelector::All => true,
            SymbolSelector::List(list) => list.binary_search_by(|s| (**s).cmp(symbol)).is_ok(),
        }
    }

    /// Validates `symbols` (path `symbols[i]`), pushing every problem onto `errors`.
    pub(crate) fn build(symbols: &[String], errors: &mut Vec<ValidationError>) -> Option<Self> {
        if symbols.is_empty() {
            errors.push(ValidationError::new(
                ErrorKind::InvalidValue,
                "symbols",
                "list at least one symbol, or [\"*\"] for every symbol",
            ));
            return None;
        }
        if symbols.len() > MAX_SYMBOLS {
            errors.push(ValidationError::new(
                ErrorKind::TooManySymbols,
                "symbols",
                format!(
                    "at most {MAX_SYMBOLS} symbols per rule, got {}; use [\"*\"] for every symbol",
                    symbols.len()
                ),
            ));
            return None;
        }
        if symbols.iter().any(|s| s == "*") {
            if symbols.len() == 1 {
                return Some(SymbolSelector::All);
            }
            errors.push(ValidationError::new(
                ErrorKind::InvalidSymbol,
                "symbols",
                "\"*\" means every symbol and cannot be combined with other symbols",
            ));
            return None;
        }
        let before = errors.len();
        let mut list: Vec<Box<str>> = Vec::with_capacity(symbols.len());
        for (i, symbol) in symbols.iter().enumerate() {
            let path = crate::decode::index("symbols", i);
            if let Some(problem) = syntax_problem(symbol) {
                errors.push(ValidationError::new(
                    ErrorKind::InvalidSymbol,
                    path,
                    problem,
                ));
            } else if list.iter().any(|s| **s == **symbol) {
                errors.push(ValidationError::new(
                    ErrorKind::InvalidSymbol,
                    path,
                    format!("duplicate symbol \"{symbol}\""),
                ));
            } else {
                list.push(symbol.as_str().into());
            }
        }
        if errors.len() > before {
            return None;
        }
        list.sort_unstable();
        Some(SymbolSelector::List(list.into_boxed_slice()))
    }
}

fn syntax_problem(symbol: &str) -> Option<String> {
    let ok = (2..=MAX_SYMBOL_CHARS).contains(&symbol.len())
        && symbol
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    (!ok).then(|| {
        format!(
            "\"{symbol}\" is not a symbol: use 2 to {MAX_SYMBOL_CHARS} upper-case letters or digits, like \"ETHBTC\""
        )
    })
}
