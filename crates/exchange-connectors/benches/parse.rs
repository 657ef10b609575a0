//! Hot-path costs: the collector's budget is < 3 us of CPU per candle including publish.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use exchange_connectors::{Binance, Connector, WsEvent};
use market_model::{Interval, Symbol, wire};

const RAW: &str = include_str!("../tests/fixtures/ws/kline_closed.json");
const COMBINED: &str = include_str!("../tests/fixtures/ws/combined_kline.json");

/// A realistic 1000-row klines page (1m bars, Binance's number formatting).
fn klines_page() -> String {
    let rows: Vec<String> = (0..1000_i64)
        .map(|i| {
            let open_time = 1_700_000_040_000 + i * 60_000;
            let base = 37_000.0 + (i % 97) as f64 * 1.37;
            format!(
                "[{open_time},\"{:.8}\",\"{:.8}\",\"{:.8}\",\"{:.8}\",\"{:.8}\",{},\"{:.8}\",{},\"{:.8}\",\"{:.8}\",\"0\"]",
                base,
                base + 12.5,
                base - 8.25,
                base + 3.1,
                12.345_678 + i as f64,
                open_time + 59_999,
                456_789.123_456_78 + i as f64,
                1200 + i,
                6.172_839 + i as f64,
                228_394.561_728_39 + i as f64,
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}

fn benches(c: &mut Criterion) {
    let binance = Binance::default();
    c.bench_function("parse_frame/kline_raw", |b| {
        b.iter(|| binance.parse_frame(black_box(RAW)).unwrap())
    });
    c.bench_function("parse_frame/kline_combined", |b| {
        b.iter(|| binance.parse_frame(black_box(COMBINED)).unwrap())
    });

    let page = klines_page();
    let symbol = Symbol::new("BTCUSDT").unwrap();
    c.bench_function("parse_klines/1000_rows", |b| {
        b.iter(|| {
            binance
                .parse_klines(&symbol, Interval::Min1, black_box(&page), 1_800_000_000_000)
                .unwrap()
        })
    });

    let WsEvent::Kline(candle) = binance.parse_frame(RAW).unwrap() else {
        panic!("fixture is a kline")
    };
    let mut buf = Vec::with_capacity(512);
    c.bench_function("wire/encode", |b| {
        b.iter(|| wire::encode(black_box(&candle), &mut buf).unwrap())
    });
    wire::encode(&candle, &mut buf).unwrap();
    c.bench_function("wire/decode", |b| {
        b.iter(|| wire::decode(black_box(&buf)).unwrap())
    });
    c.bench_function("wire/encode_decode", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(512);
            wire::encode(black_box(&candle), &mut out).unwrap();
            wire::decode(&out).unwrap()
        })
    });
}

criterion_group!(parse, benches);
criterion_main!(parse);
