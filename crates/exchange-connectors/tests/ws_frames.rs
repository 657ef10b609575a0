#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Table-driven: every WebSocket fixture and what the Binance connector must make of it.

use std::fs;
use std::path::PathBuf;

use exchange_connectors::{Binance, Connector, ControlResult, FrameError, WsEvent};
use market_model::Interval;

fn fixture(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "ws", name]
        .iter()
        .collect();
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(name: &str) -> Result<WsEvent, FrameError> {
    Binance::default().parse_frame(&fixture(name))
}

#[derive(Debug)]
enum Expect {
    Kline {
        symbol: &'static str,
        interval: Interval,
        closed: bool,
    },
    ControlOk(Option<u64>),
    ControlErr {
        id: Option<u64>,
        code: i64,
    },
    Shutdown,
    Other(&'static str),
    Error(&'static str),
}

use Expect::*;

const TABLE: &[(&str, Expect)] = &[
    (
        "kline_open.json",
        Kline {
            symbol: "BNBBTC",
            interval: Interval::Min1,
            closed: false,
        },
    ),
    (
        "kline_closed.json",
        Kline {
            symbol: "BTCUSDT",
            interval: Interval::Min1,
            closed: true,
        },
    ),
    (
        "kline_month.json",
        Kline {
            symbol: "ETHBTC",
            interval: Interval::Month1,
            closed: true,
        },
    ),
    (
        "kline_pretty_printed.json",
        Kline {
            symbol: "BTCUSDT",
            interval: Interval::Min1,
            closed: true,
        },
    ),
    (
        "combined_kline.json",
        Kline {
            symbol: "BTCUSDT",
            interval: Interval::Min1,
            closed: true,
        },
    ),
    (
        "combined_kline_data_first.json",
        Kline {
            symbol: "BTCUSDT",
            interval: Interval::Min1,
            closed: false,
        },
    ),
    ("control_subscribe_ok.json", ControlOk(Some(1))),
    ("control_list_subscriptions.json", ControlOk(Some(3))),
    ("control_property.json", ControlOk(Some(5))),
    (
        "control_error.json",
        ControlErr {
            id: Some(7),
            code: 2,
        },
    ),
    ("control_error_flat.json", ControlErr { id: None, code: 3 }),
    ("server_shutdown.json", Shutdown),
    ("combined_server_shutdown.json", Shutdown),
    ("mini_ticker.json", Other("24hrMiniTicker")),
    ("combined_mini_ticker_arr.json", Other("!miniTicker@arr")),
    ("raw_mini_ticker_arr.json", Other("array")),
    ("combined_book_ticker.json", Other("bnbusdt@bookTicker")),
    ("trade.json", Other("trade")),
    // Binance's documentation example has low (0.0015) above open (0.0010): validation rejects it.
    ("kline_doc_example.json", Error("invalid_candle")),
    ("truncated.json", Error("invalid_json")),
    ("empty.json", Error("invalid_json")),
    ("not_json.json", Error("invalid_json")),
    ("trailing_garbage.json", Error("invalid_json")),
    ("duplicate_key.json", Error("invalid_json")),
    // Deep nesting in skipped values is walked iteratively by serde_json: no stack risk, no error.
    ("deeply_nested_arrays.json", Other("array")),
    ("deeply_nested_objects.json", Error("unknown_event")),
    // ... but where a value is built, serde_json's recursion limit rejects it.
    ("control_deeply_nested_result.json", Error("invalid_json")),
    ("kline_numbers_not_strings.json", Error("wrong_type")),
    ("kline_times_as_strings.json", Error("wrong_type")),
    ("kline_closed_as_string.json", Error("wrong_type")),
    ("kline_negative_trades.json", Error("wrong_type")),
    ("kline_k_is_huge_array.json", Error("wrong_type")),
    ("json_number.json", Error("wrong_type")),
    ("json_string.json", Error("wrong_type")),
    ("combined_data_is_number.json", Error("wrong_type")),
    ("kline_missing_close.json", Error("missing_field")),
    ("kline_missing_event_time.json", Error("missing_field")),
    ("kline_missing_k.json", Error("missing_field")),
    ("combined_missing_data.json", Error("missing_field")),
    ("kline_nan.json", Error("bad_number")),
    ("kline_infinity.json", Error("bad_number")),
    ("kline_overflow.json", Error("bad_number")),
    ("kline_empty_number.json", Error("bad_number")),
    ("kline_comma_number.json", Error("bad_number")),
    ("kline_bad_interval.json", Error("bad_interval")),
    ("kline_bad_symbol.json", Error("bad_symbol")),
    ("kline_high_below_close.json", Error("invalid_candle")),
    ("kline_negative_volume.json", Error("invalid_candle")),
    ("kline_close_before_open.json", Error("invalid_candle")),
    ("unknown_object.json", Error("unknown_event")),
];

#[test]
fn every_fixture_parses_as_expected() {
    let mut failures = Vec::new();
    for (name, expect) in TABLE {
        let got = parse(name);
        let ok = match (expect, &got) {
            (
                Kline {
                    symbol,
                    interval,
                    closed,
                },
                Ok(WsEvent::Kline(c)),
            ) => {
                c.symbol == *symbol
                    && c.interval == *interval
                    && c.closed == *closed
                    && c.exchange == "binance"
            }
            (ControlOk(id), Ok(WsEvent::Control(r))) => r.id == *id && r.result.is_ok(),
            (ControlErr { id, code }, Ok(WsEvent::Control(r))) => {
                r.id == *id
                    && r.result
                        .as_ref()
                        .is_err_and(|e| e.code == *code && !e.msg.is_empty())
            }
            (Shutdown, Ok(WsEvent::ServerShutdown { event_time })) => {
                *event_time == Some(1_713_460_811_052)
            }
            (Other(n), Ok(WsEvent::Other { name })) => name == n,
            (Error(reason), Err(e)) => e.reason() == *reason,
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}: expected {expect:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_fixture_file_is_in_the_table() {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "ws"]
        .iter()
        .collect();
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            TABLE.iter().any(|(n, _)| *n == name),
            "{name} has no expectation"
        );
    }
}

#[test]
fn closed_kline_maps_every_field() {
    let Ok(WsEvent::Kline(c)) = parse("kline_closed.json") else {
        panic!("not a kline")
    };
    assert_eq!(c.open_time, 1_700_000_040_000);
    assert_eq!(c.close_time, 1_700_000_099_999);
    assert_eq!(c.open, 37_012.45);
    assert_eq!(c.high, 37_025.0);
    assert_eq!(c.low, 37_001.1);
    assert_eq!(c.close, 37_020.01);
    assert_eq!(c.volume, 12.34567);
    assert_eq!(c.quote_volume, 456_789.123_456_78);
    assert_eq!(c.taker_buy_base, 6.172_835);
    assert_eq!(c.taker_buy_quote, 228_394.561_728_39);
    assert_eq!(c.trades, 1145);
    assert_eq!(c.event_time, 1_700_000_100_012);
    assert_eq!(c.interval.close_time(c.open_time), c.close_time);
}

#[test]
fn raw_and_combined_frames_give_the_same_candle() {
    assert_eq!(
        parse("kline_closed.json").unwrap(),
        parse("combined_kline.json").unwrap()
    );
}

#[test]
fn list_subscriptions_returns_the_streams() {
    let Ok(WsEvent::Control(reply)) = parse("control_list_subscriptions.json") else {
        panic!()
    };
    assert_eq!(
        reply.result,
        Ok(ControlResult::Streams(vec![
            "btcusdt@kline_1m".into(),
            "ethusdt@kline_1m".into()
        ]))
    );
    let Ok(WsEvent::Control(reply)) = parse("control_subscribe_ok.json") else {
        panic!()
    };
    assert_eq!(reply.result, Ok(ControlResult::Done));
    let Ok(WsEvent::Control(reply)) = parse("control_property.json") else {
        panic!()
    };
    assert_eq!(reply.result, Ok(ControlResult::Value("true".into())));
}

#[test]
fn escaped_strings_are_accepted() {
    let frame =
        fixture("kline_closed.json").replace("\"BTCUSDT\",\"i\"", "\"BTC\\u0055SDT\",\"i\"");
    let Ok(WsEvent::Kline(c)) = Binance::default().parse_frame(&frame) else {
        panic!("{frame}")
    };
    assert_eq!(c.symbol, "BTCUSDT");
}

#[test]
fn oversized_frames_are_rejected_before_parsing() {
    let frame = format!(
        "{{\"pad\":\"{}\"}}",
        "x".repeat(exchange_connectors::binance::MAX_FRAME_BYTES)
    );
    assert_eq!(
        Binance::default().parse_frame(&frame).unwrap_err().reason(),
        "too_large"
    );
}

#[test]
fn error_reasons_are_bounded_and_listed() {
    for (_, expect) in TABLE {
        if let Error(reason) = expect {
            assert!(FrameError::REASONS.contains(reason), "{reason}");
        }
    }
}
