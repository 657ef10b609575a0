#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Stream names, connection URLs, control requests and published limits.

use std::time::Duration;

use exchange_connectors::{Binance, BinanceConfig, Connector, UrlError};
use market_model::{Interval, Symbol};

fn streams(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("sym{i}usdt@kline_1m")).collect()
}

#[test]
fn stream_names_are_lower_case_and_keep_the_interval_case() {
    let b = Binance::default();
    let btc = Symbol::new("BTCUSDT").unwrap();
    assert_eq!(b.stream_name(&btc, Interval::Min1), "btcusdt@kline_1m");
    assert_eq!(b.stream_name(&btc, Interval::Month1), "btcusdt@kline_1M");
    assert_eq!(
        b.stream_name(&Symbol::new("1000SATSUSDT").unwrap(), Interval::Hour4),
        "1000satsusdt@kline_4h"
    );
}

#[test]
fn combined_url_from_a_configurable_base() {
    let b = Binance::new(BinanceConfig {
        ws_base_url: "ws://127.0.0.1:9/".into(),
        ..BinanceConfig::default()
    });
    let url = b
        .ws_url(&["btcusdt@kline_1m".into(), "ethusdt@kline_1M".into()])
        .unwrap();
    assert_eq!(
        url,
        "ws://127.0.0.1:9/stream?streams=btcusdt@kline_1m/ethusdt@kline_1M"
    );
    assert_eq!(
        Binance::default().ws_url(&streams(1)).unwrap(),
        "wss://stream.binance.com:9443/stream?streams=sym0usdt@kline_1m"
    );
}

#[test]
fn combined_url_respects_the_stream_limit() {
    let b = Binance::default();
    assert_eq!(b.ws_url(&[]), Err(UrlError::NoStreams));
    assert!(b.ws_url(&streams(1024)).is_ok());
    assert_eq!(
        b.ws_url(&streams(1025)),
        Err(UrlError::TooManyStreams {
            count: 1025,
            max: 1024
        })
    );
}

#[test]
fn control_requests_match_the_documented_json() {
    let b = Binance::default();
    let s = vec!["btcusdt@kline_1m".to_owned(), "ethusdt@kline_5m".to_owned()];
    assert_eq!(
        b.subscribe_request(1, &s),
        r#"{"method":"SUBSCRIBE","params":["btcusdt@kline_1m","ethusdt@kline_5m"],"id":1}"#
    );
    assert_eq!(
        b.unsubscribe_request(u64::MAX, &s[..1]),
        format!(
            r#"{{"method":"UNSUBSCRIBE","params":["btcusdt@kline_1m"],"id":{}}}"#,
            u64::MAX
        )
    );
    assert_eq!(
        b.list_subscriptions_request(3),
        r#"{"method":"LIST_SUBSCRIPTIONS","id":3}"#
    );
}

#[test]
fn limits_are_binance_s_published_ones() {
    let b = Binance::default();
    let l = b.limits();
    assert_eq!(l.max_streams_per_connection, 1024);
    assert_eq!(l.max_incoming_messages_per_second, 5);
    assert_eq!(
        (l.max_new_connections, l.new_connections_window),
        (300, Duration::from_secs(300))
    );
    assert_eq!(l.connection_lifetime, Duration::from_secs(86_400));
    assert_eq!(l.server_ping_interval, Duration::from_secs(20));
    assert_eq!(l.pong_timeout, Duration::from_secs(60));
    assert_eq!(
        (l.rest_weight_per_minute, l.max_klines_per_request),
        (6000, 1000)
    );
    assert_eq!(
        b.kline_update_period(Interval::Sec1),
        Duration::from_secs(1)
    );
    assert_eq!(
        b.kline_update_period(Interval::Min1),
        Duration::from_secs(2)
    );
    assert_eq!(
        b.kline_update_period(Interval::Month1),
        Duration::from_secs(2)
    );
    assert_eq!(b.id().as_str(), "binance");
}

#[test]
fn connector_is_object_safe() {
    let boxed: Box<dyn Connector> = Box::new(Binance::default());
    assert_eq!(boxed.id(), &exchange_connectors::binance::BINANCE);
}
