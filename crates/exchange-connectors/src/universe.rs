//! Which symbols to collect: a pure function of exchange info and 24 h tickers.

use std::cmp::Ordering;
use std::collections::HashMap;

use market_model::Symbol;

use crate::{SymbolInfo, SymbolStatus, Ticker24h};

/// How the operator chose the universe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UniverseSpec {
    /// The `n` `TRADING` symbols quoted in `quote` with the highest 24 h quote volume.
    TopByQuoteVolume { quote: String, n: usize },
    /// Exactly these symbols (any case), checked against exchange info.
    Explicit(Vec<String>),
}

/// The selected symbols plus what the operator should be told about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Universe {
    /// Selected symbols: by rank for `TopByQuoteVolume`, in the given order for `Explicit`.
    pub symbols: Vec<Symbol>,
    /// Explicit entries the exchange does not list (or that are not valid symbols); not selected.
    pub unknown: Vec<String>,
    /// Explicit entries that exist but are not `TRADING`; selected (they may resume) but reported.
    pub not_trading: Vec<Symbol>,
}

pub fn select(spec: &UniverseSpec, info: &[SymbolInfo], tickers: &[Ticker24h]) -> Universe {
    match spec {
        UniverseSpec::TopByQuoteVolume { quote, n } => {
            top_by_quote_volume(quote, *n, info, tickers)
        }
        UniverseSpec::Explicit(list) => explicit(list, info),
    }
}

fn top_by_quote_volume(
    quote: &str,
    n: usize,
    info: &[SymbolInfo],
    tickers: &[Ticker24h],
) -> Universe {
    let volume: HashMap<&str, f64> = tickers
        .iter()
        .map(|t| (t.symbol.as_str(), t.quote_volume))
        .collect();
    let mut candidates: Vec<(&Symbol, f64)> = info
        .iter()
        .filter(|s| s.status == SymbolStatus::Trading && s.quote == quote)
        // A listing without a ticker has traded nothing in the window as far as we know.
        .map(|s| {
            (
                &s.symbol,
                volume.get(s.symbol.as_str()).copied().unwrap_or(0.0),
            )
        })
        .collect();
    candidates.sort_by(
        |(a_sym, a_vol), (b_sym, b_vol)| match b_vol.total_cmp(a_vol) {
            Ordering::Equal => a_sym.cmp(b_sym),
            other => other,
        },
    );
    candidates.dedup_by(|a, b| a.0 == b.0);
    Universe {
        symbols: candidates
            .into_iter()
            .take(n)
            .map(|(s, _)| s.clone())
            .collect(),
        ..Universe::default()
    }
}

fn explicit(list: &[String], info: &[SymbolInfo]) -> Universe {
    let listed: HashMap<&str, &SymbolInfo> = info.iter().map(|s| (s.symbol.as_str(), s)).collect();
    let mut universe = Universe::default();
    for wanted in list {
        let found = Symbol::from_any_case(wanted.trim())
            .ok()
            .and_then(|s| listed.get(s.as_str()).copied());
        match found {
            Some(s) if universe.symbols.contains(&s.symbol) => {}
            Some(s) => {
                if s.status != SymbolStatus::Trading {
                    universe.not_trading.push(s.symbol.clone());
                }
                universe.symbols.push(s.symbol.clone());
            }
            None => universe.unknown.push(wanted.chars().take(64).collect()),
        }
    }
    universe
}
