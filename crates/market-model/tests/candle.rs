#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::sample_candle;
use market_model::{Candle, CandleError, ExchangeId, Symbol, SymbolError};

type Breaker = fn(&mut Candle);

#[test]
fn documented_example_is_valid() {
    assert_eq!(sample_candle().validate(), Ok(()));
}

#[test]
fn each_broken_invariant_is_named() {
    let cases: [(Breaker, &str); 7] = [
        (|c| c.close = f64::NAN, "not_finite"),
        (|c| c.volume = f64::INFINITY, "not_finite"),
        (|c| c.quote_volume = -1.0, "negative"),
        (|c| c.low = 0.0015, "low_above_body"),
        (|c| c.high = 0.0019, "high_below_body"),
        (|c| c.close_time = c.open_time, "close_not_after_open"),
        (|c| c.taker_buy_quote = -0.5, "negative"),
    ];
    for (break_it, reason) in cases {
        let mut c = sample_candle();
        break_it(&mut c);
        assert_eq!(c.validate().unwrap_err().reason(), reason);
    }
}

#[test]
fn error_names_the_field() {
    let mut c = sample_candle();
    c.open = f64::NEG_INFINITY;
    match c.validate() {
        Err(CandleError::NotFinite { field, .. }) => assert_eq!(field, "open"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn symbols_are_upper_case_alphanumeric() {
    assert_eq!(Symbol::new("BTCUSDT").unwrap().as_str(), "BTCUSDT");
    assert_eq!(Symbol::new("1000SATSUSDT").unwrap(), "1000SATSUSDT");
    assert_eq!(Symbol::from_any_case("btcusdt").unwrap(), "BTCUSDT");
    assert_eq!(Symbol::new(""), Err(SymbolError::Empty));
    assert_eq!(Symbol::new(&"A".repeat(21)), Err(SymbolError::TooLong(21)));
    for bad in [
        "btcusdt",
        "BTC.USDT",
        "BTC*",
        "BTC>",
        "BTC USDT",
        "BTC-USDT",
        "币安人生USDT",
    ] {
        assert!(Symbol::new(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<Symbol>("\"BTC.USDT\"").is_err());
}

#[test]
fn exchange_ids_are_short_lower_case_tokens() {
    assert!(ExchangeId::new("binance").is_ok());
    assert!(ExchangeId::new("binance_us2").is_ok());
    for bad in ["", "Binance", "bin.ance", "bin ance", "*", &"a".repeat(33)] {
        assert!(ExchangeId::new(bad).is_err(), "{bad}");
    }
}
