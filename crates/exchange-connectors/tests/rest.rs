#![allow(clippy::unwrap_used, clippy::expect_used)]
//! REST requests, response parsers and status classification, against raw Binance fixtures.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use exchange_connectors::{
    Binance, BinanceConfig, Connector, Endpoint, FrameError, KlinesQuery, RequestError, RestError,
    SymbolStatus, parse_retry_after, parse_used_weight,
};
use market_model::{Interval, Symbol};

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
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sim() -> Binance {
    Binance::new(BinanceConfig {
        ws_base_url: "ws://127.0.0.1:4000/".into(),
        rest_base_url: "http://127.0.0.1:4001/".into(),
    })
}

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

fn klines(name: &str, now_ms: i64) -> Result<Vec<market_model::Candle>, FrameError> {
    sim().parse_klines(&btc(), Interval::Min1, &fixture(name), now_ms)
}

#[test]
fn klines_request_carries_query_and_weight() {
    let query = KlinesQuery {
        symbol: btc(),
        interval: Interval::Month1,
        start_time: Some(1_700_000_000_000),
        end_time: Some(1_700_000_600_000),
        limit: Some(1000),
    };
    let req = sim().klines_request(&query).unwrap();
    assert_eq!(
        req.url,
        "http://127.0.0.1:4001/api/v3/klines?symbol=BTCUSDT&interval=1M&startTime=1700000000000&endTime=1700000600000&limit=1000"
    );
    assert_eq!(req.weight, 2);
    assert_eq!(req.endpoint, Endpoint::Klines);

    let minimal = KlinesQuery {
        start_time: None,
        end_time: None,
        limit: None,
        ..query
    };
    assert_eq!(
        sim().klines_request(&minimal).unwrap().url,
        "http://127.0.0.1:4001/api/v3/klines?symbol=BTCUSDT&interval=1M"
    );
}

#[test]
fn klines_request_rejects_impossible_queries() {
    let base = KlinesQuery {
        symbol: btc(),
        interval: Interval::Min1,
        start_time: None,
        end_time: None,
        limit: None,
    };
    let with = |f: fn(&mut KlinesQuery)| {
        let mut q = base.clone();
        f(&mut q);
        sim().klines_request(&q).unwrap_err()
    };
    assert_eq!(
        with(|q| q.limit = Some(1001)),
        RequestError::LimitOutOfRange {
            limit: 1001,
            max: 1000
        }
    );
    assert_eq!(
        with(|q| q.limit = Some(0)),
        RequestError::LimitOutOfRange {
            limit: 0,
            max: 1000
        }
    );
    assert_eq!(
        with(|q| (q.start_time, q.end_time) = (Some(10), Some(5))),
        RequestError::EmptyRange { start: 10, end: 5 }
    );
    assert_eq!(
        with(|q| q.start_time = Some(-1)),
        RequestError::NegativeTime(-1)
    );
}

#[test]
fn reference_data_requests_have_their_weights() {
    let b = Binance::default();
    let info = b.exchange_info_request();
    assert_eq!(
        (info.url.as_str(), info.weight),
        ("https://api.binance.com/api/v3/exchangeInfo", 20)
    );
    let tickers = b.tickers_request();
    assert_eq!(
        (tickers.url.as_str(), tickers.weight),
        ("https://api.binance.com/api/v3/ticker/24hr", 80)
    );
    assert_eq!(tickers.endpoint.label(), "ticker_24hr");
}

#[test]
fn klines_page_parses_with_closed_decided_by_now() {
    // "now" falls inside the third bar: the first two are final, the third is in progress.
    let candles = klines("klines.json", 1_700_000_120_000).unwrap();
    assert_eq!(candles.len(), 3);
    assert_eq!(
        candles.iter().map(|c| c.closed).collect::<Vec<_>>(),
        [true, true, false]
    );
    let first = &candles[0];
    assert_eq!(first.open_time, 1_499_040_000_000);
    assert_eq!(first.close_time, 1_499_644_799_999);
    assert_eq!(first.event_time, first.close_time);
    assert_eq!(
        [first.open, first.high, first.low, first.close, first.volume],
        [0.0163479, 0.8, 0.015758, 0.015771, 148_976.114_278_15]
    );
    assert_eq!(first.quote_volume, 2_434.190_553_34);
    assert_eq!(first.trades, 308);
    assert_eq!(
        (first.taker_buy_base, first.taker_buy_quote),
        (1_756.874_023_97, 28.466_943_68)
    );
    assert_eq!(first.symbol, "BTCUSDT");
    assert_eq!(first.exchange, "binance");
    // A bar whose close time equals "now" is not over yet.
    assert!(!klines("klines.json", 1_700_000_099_999).unwrap()[1].closed);
}

#[test]
fn klines_tolerates_empty_pages_and_added_columns() {
    assert!(klines("klines_empty.json", 0).unwrap().is_empty());
    assert_eq!(
        klines("klines_extra_column.json", i64::MAX).unwrap().len(),
        1
    );
}

#[test]
fn malformed_rest_bodies_have_reasons() {
    let table = [
        ("klines_short_row.json", "missing_field"),
        ("klines_bad_number.json", "bad_number"),
        ("klines_numbers_not_strings.json", "wrong_type"),
        ("klines_inconsistent.json", "invalid_candle"),
        ("klines_truncated.json", "invalid_json"),
        ("error_invalid_symbol.json", "api_error"),
        ("error_invalid_interval.json", "api_error"),
    ];
    for (name, reason) in table {
        let err = klines(name, 0).unwrap_err();
        assert_eq!(err.reason(), reason, "{name}: {err}");
    }
    assert_eq!(
        klines("error_invalid_symbol.json", 0).unwrap_err(),
        FrameError::Api {
            code: -1121,
            msg: "Invalid symbol.".into()
        }
    );
    assert_eq!(
        sim()
            .parse_tickers(&fixture("error_invalid_symbol.json"))
            .unwrap_err()
            .reason(),
        "api_error"
    );
    assert_eq!(
        sim()
            .parse_exchange_info(&fixture("error_invalid_symbol.json"))
            .unwrap_err()
            .reason(),
        "api_error"
    );
    assert_eq!(
        sim()
            .parse_tickers(&fixture("ticker_bad_number.json"))
            .unwrap_err()
            .reason(),
        "bad_number"
    );
    assert_eq!(
        sim()
            .parse_exchange_info(&fixture("exchange_info_missing_status.json"))
            .unwrap_err()
            .reason(),
        "missing_field"
    );
}

#[test]
fn exchange_info_keeps_valid_symbols_and_reports_the_rest() {
    let info = sim()
        .parse_exchange_info(&fixture("exchange_info.json"))
        .unwrap();
    assert_eq!(info.symbols.len(), 8);
    assert_eq!(info.rejected, ["币安人生USDT"]);
    let eth = &info.symbols[0];
    assert_eq!(
        (eth.symbol.as_str(), eth.base.as_str(), eth.quote.as_str()),
        ("ETHBTC", "ETH", "BTC")
    );
    assert_eq!(eth.status, SymbolStatus::Trading);
    let status = |s: &str| {
        info.symbols
            .iter()
            .find(|i| i.symbol == s)
            .unwrap()
            .status
            .clone()
    };
    assert_eq!(status("LUNAUSDT"), SymbolStatus::Break);
    assert_eq!(status("OLDUSDT"), SymbolStatus::Halt);
}

#[test]
fn tickers_parse_and_skip_unrepresentable_symbols() {
    let tickers = sim().parse_tickers(&fixture("ticker_24hr.json")).unwrap();
    assert_eq!(tickers.len(), 6);
    let btc = &tickers[0];
    assert_eq!(btc.symbol, "BTCUSDT");
    assert_eq!(
        (btc.quote_volume, btc.last_price, btc.price_change_percent),
        (925_000_000.12, 37_005.01, -0.256)
    );
}

#[test]
fn statuses_are_classified_for_retry_loops() {
    let b = sim();
    assert_eq!(b.check_response(200, None, "[]"), Ok(()));

    let limited = b.check_response(429, Some("7"), "").unwrap_err();
    assert_eq!(
        limited,
        RestError::RateLimited {
            retry_after: Duration::from_secs(7)
        }
    );
    assert!(limited.is_retryable());
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));

    let banned = b.check_response(418, Some("3600"), "").unwrap_err();
    assert_eq!(banned.reason(), "banned");
    assert!(banned.is_retryable());
    assert_eq!(banned.retry_after(), Some(Duration::from_secs(3600)));
    // Without the header: the rest of the minute window, and the shortest ban.
    assert_eq!(
        b.check_response(429, None, "").unwrap_err().retry_after(),
        Some(Duration::from_secs(60))
    );
    assert_eq!(
        b.check_response(418, Some("soon"), "")
            .unwrap_err()
            .retry_after(),
        Some(Duration::from_secs(120))
    );

    let waf = b.check_response(403, None, "").unwrap_err();
    assert_eq!((waf.reason(), waf.is_retryable()), ("waf", false));

    for status in [500, 502, 503, 504] {
        let err = b.check_response(status, None, "").unwrap_err();
        assert!(
            err.is_retryable() && err.retry_after().is_none(),
            "{status}"
        );
    }

    let client = b
        .check_response(400, None, &fixture("error_invalid_symbol.json"))
        .unwrap_err();
    assert!(!client.is_retryable());
    let RestError::Client {
        status: 400,
        api: Some(api),
    } = client
    else {
        panic!("{client:?}")
    };
    assert_eq!((api.code, api.msg.as_str()), (-1121, "Invalid symbol."));

    assert_eq!(
        b.check_response(302, None, "").unwrap_err().reason(),
        "unexpected"
    );
}

#[test]
fn rate_limit_headers_parse() {
    assert_eq!(sim().used_weight_header(), "X-MBX-USED-WEIGHT-1M");
    assert_eq!(parse_used_weight("1234"), Some(1234));
    assert_eq!(parse_used_weight(" 7 "), Some(7));
    assert_eq!(parse_used_weight("-1"), None);
    assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
}
