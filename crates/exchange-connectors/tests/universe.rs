#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Universe selection from the exchangeInfo and ticker fixtures.

use std::fs;
use std::path::PathBuf;

use exchange_connectors::universe::{UniverseSpec, select};
use exchange_connectors::{Binance, Connector, ExchangeInfo, SymbolInfo, SymbolStatus, Ticker24h};
use market_model::Symbol;

fn fixture(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "fixtures",
        "rest",
        name,
    ]
    .iter()
    .collect();
    fs::read_to_string(path).unwrap()
}

fn reference() -> (ExchangeInfo, Vec<Ticker24h>) {
    let b = Binance::default();
    (
        b.parse_exchange_info(&fixture("exchange_info.json"))
            .unwrap(),
        b.parse_tickers(&fixture("ticker_24hr.json")).unwrap(),
    )
}

fn names(symbols: &[Symbol]) -> Vec<&str> {
    symbols.iter().map(Symbol::as_str).collect()
}

fn top(quote: &str, n: usize) -> UniverseSpec {
    UniverseSpec::TopByQuoteVolume {
        quote: quote.into(),
        n,
    }
}

#[test]
fn top_n_trading_symbols_by_quote_volume_with_name_tie_break() {
    let (info, tickers) = reference();
    // LUNAUSDT has the largest volume but is in BREAK; ETHUSDT and SOLUSDT tie on volume.
    let u = select(&top("USDT", 3), &info.symbols, &tickers);
    assert_eq!(names(&u.symbols), ["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
    let all = select(&top("USDT", 100), &info.symbols, &tickers);
    assert_eq!(
        names(&all.symbols),
        ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"]
    );
    assert!(all.unknown.is_empty() && all.not_trading.is_empty());
}

#[test]
fn quote_asset_filters_and_missing_tickers_rank_last() {
    let (info, tickers) = reference();
    // BNBBTC has no ticker: it ranks after ETHBTC, which has volume.
    let u = select(&top("BTC", 10), &info.symbols, &tickers);
    assert_eq!(names(&u.symbols), ["ETHBTC", "BNBBTC"]);
    assert!(
        select(&top("EUR", 10), &info.symbols, &tickers)
            .symbols
            .is_empty()
    );
    assert!(
        select(&top("USDT", 0), &info.symbols, &tickers)
            .symbols
            .is_empty()
    );
}

#[test]
fn ranking_does_not_depend_on_input_order() {
    let (mut info, mut tickers) = reference();
    let before = select(&top("USDT", 4), &info.symbols, &tickers);
    info.symbols.reverse();
    tickers.reverse();
    assert_eq!(select(&top("USDT", 4), &info.symbols, &tickers), before);
}

#[test]
fn explicit_list_is_validated_against_exchange_info() {
    let (info, tickers) = reference();
    let spec = UniverseSpec::Explicit(
        [
            "ethusdt", "BTCUSDT", "NOPEUSDT", "OLDUSDT", "BTC.USDT", "BTCUSDT",
        ]
        .map(String::from)
        .to_vec(),
    );
    let u = select(&spec, &info.symbols, &tickers);
    assert_eq!(names(&u.symbols), ["ETHUSDT", "BTCUSDT", "OLDUSDT"]);
    assert_eq!(u.unknown, ["NOPEUSDT", "BTC.USDT"]);
    assert_eq!(names(&u.not_trading), ["OLDUSDT"]);
}

#[test]
fn missing_tickers_count_as_zero_volume() {
    let info: Vec<SymbolInfo> = ["AUSDT", "BUSDT", "CUSDT"]
        .iter()
        .map(|s| SymbolInfo {
            symbol: Symbol::new(s).unwrap(),
            base: s.trim_end_matches("USDT").into(),
            quote: "USDT".into(),
            status: SymbolStatus::Trading,
        })
        .collect();
    let tickers = vec![
        Ticker24h {
            symbol: Symbol::new("AUSDT").unwrap(),
            quote_volume: 1.0,
            last_price: 1.0,
            price_change_percent: 0.0,
        },
        Ticker24h {
            symbol: Symbol::new("CUSDT").unwrap(),
            quote_volume: 2.0,
            last_price: 1.0,
            price_change_percent: 0.0,
        },
    ];
    assert_eq!(
        names(&select(&top("USDT", 3), &info, &tickers).symbols),
        ["CUSDT", "AUSDT", "BUSDT"]
    );
}
