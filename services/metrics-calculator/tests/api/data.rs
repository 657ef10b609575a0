//! Test data: the reference candles as market candles, publishing them into the CANDLES stream, the values an
//! uninterrupted single-process run gives, and reading what the service stored.

use std::path::PathBuf;

use async_nats::HeaderMap;
use async_nats::jetstream;
use bytes::Bytes;
use indicators::{Field, IndicatorState, Values};
use market_model::wire::{self, MSG_ID_HEADER};
use market_model::{Candle, Interval, Subjects};
use observability::TraceContext;
use platform::streams;
use sqlx::{PgPool, Row};

fn reference_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../testdata/reference/{name}.csv"))
}

/// A market candle of `symbol` with the given OHLCV.
pub fn candle(
    symbol: &str,
    interval: Interval,
    open_time: i64,
    ohlcv: [f64; 5],
    closed: bool,
) -> Candle {
    let [open, high, low, close, volume] = ohlcv;
    Candle {
        exchange: "binance".parse().unwrap(),
        symbol: symbol.parse().unwrap(),
        interval,
        open_time,
        close_time: interval.close_time(open_time),
        open,
        high,
        low,
        close,
        volume,
        quote_volume: volume * close,
        taker_buy_base: volume / 2.0,
        taker_buy_quote: volume * close / 2.0,
        trades: 7,
        closed,
        event_time: interval.close_time(open_time) + 1,
    }
}

/// testdata/reference/ethbtc_5m.csv as closed 5 m candles of `symbol`.
pub fn ethbtc(symbol: &str) -> Vec<Candle> {
    let text = std::fs::read_to_string(reference_path("ethbtc_5m")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            candle(
                symbol,
                Interval::Min5,
                f[0] as i64,
                [f[1], f[2], f[3], f[4], f[5]],
                true,
            )
        })
        .collect()
}

/// TA-Lib's columns and rows for the ETH/BTC data.
pub fn talib() -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    let text = std::fs::read_to_string(reference_path("ethbtc_5m_talib")).unwrap();
    let mut lines = text.lines();
    let columns = lines
        .next()
        .unwrap()
        .split(',')
        .skip(1)
        .map(str::to_owned)
        .collect();
    let rows = lines
        .map(|l| {
            l.split(',')
                .skip(1)
                .map(|v| (!v.is_empty()).then(|| v.parse().unwrap()))
                .collect()
        })
        .collect();
    (columns, rows)
}

/// A deterministic random walk for synthetic symbols.
pub fn walk(symbol: &str, interval: Interval, start: i64, count: usize, seed: u64) -> Vec<Candle> {
    let step = interval.duration_ms().unwrap();
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut price = 100.0 + seed as f64;
    (0..count)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = (state >> 11) as f64 / (1u64 << 53) as f64;
            let open = price;
            price *= 1.0 + (r - 0.5) * 0.02;
            let close = price;
            let ohlcv = [
                open,
                open.max(close) * 1.001,
                open.min(close) * 0.999,
                close,
                10.0 + r * 5.0,
            ];
            candle(symbol, interval, start + i as i64 * step, ohlcv, true)
        })
        .collect()
}

/// The values a single uninterrupted run computes, row by row.
pub fn expected(candles: &[Candle]) -> Vec<Values> {
    let mut state = IndicatorState::default();
    candles
        .iter()
        .map(|c| {
            state
                .update(&indicators::Candle {
                    open_time_ms: c.open_time,
                    open: c.open,
                    high: c.high,
                    low: c.low,
                    close: c.close,
                    volume: c.volume,
                })
                .unwrap()
        })
        .collect()
}

pub fn request_id(candle: &Candle) -> String {
    format!("req-{}-{}", candle.symbol, candle.open_time)
}

pub async fn jetstream(nats_url: &str, subjects: &Subjects) -> jetstream::Context {
    let client = async_nats::connect(nats_url).await.unwrap();
    let js = jetstream::new(client);
    streams::ensure(&js, streams::candles(subjects))
        .await
        .unwrap();
    streams::ensure(&js, streams::metrics(subjects))
        .await
        .unwrap();
    js
}

/// Publishes closed candles as the collector does (Nats-Msg-Id, request id, traceparent), awaiting the acks.
pub async fn publish(js: &jetstream::Context, subjects: &Subjects, candles: &[Candle]) {
    for chunk in candles.chunks(2000) {
        let mut acks = Vec::with_capacity(chunk.len());
        for c in chunk {
            let mut headers = HeaderMap::new();
            headers.insert(MSG_ID_HEADER, wire::msg_id(c).as_str());
            TraceContext::new_root(Some(request_id(c))).inject(&mut headers);
            let mut buf = Vec::new();
            wire::encode(c, &mut buf).unwrap();
            acks.push(
                js.publish_with_headers(subjects.for_candle(c), headers, Bytes::from(buf))
                    .await
                    .unwrap(),
            );
        }
        for ack in acks {
            ack.await.unwrap();
        }
    }
}

pub async fn count_rows(pool: &PgPool, table: &str, symbol: &str) -> i64 {
    let sql = match table {
        "candles" => "SELECT count(*) FROM candles WHERE symbol = $1",
        _ => "SELECT count(*) FROM indicator_values WHERE symbol = $1",
    };
    sqlx::query_scalar(sql)
        .bind(symbol)
        .fetch_one(pool)
        .await
        .unwrap_or(0)
}

/// Stored indicator rows of a series, oldest first: open time and each field (FIELD_NAMES order), then
/// change_pct_24h.
pub async fn stored(
    pool: &PgPool,
    symbol: &str,
    interval: Interval,
) -> Vec<(i64, Vec<Option<f64>>)> {
    let columns = metrics_calculator::store::INDICATOR_COLUMNS.join(", ");
    let sql = format!(
        "SELECT (EXTRACT(EPOCH FROM open_time) * 1000)::int8 AS t, {columns} FROM indicator_values \
         WHERE symbol = $1 AND interval = $2 ORDER BY open_time"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(symbol)
        .bind(interval.as_str())
        .fetch_all(pool)
        .await
        .unwrap();
    rows.iter()
        .map(|row| {
            let values = (1..=metrics_calculator::store::INDICATOR_COLUMNS.len())
                .map(|i| row.get::<Option<f64>, _>(i))
                .collect();
            (row.get::<i64, _>(0), values)
        })
        .collect()
}

/// 1e-9 relative with an absolute floor of 1e-12 of the field's scale (as the indicator tests use).
pub fn close_enough(actual: f64, expected: f64, scale: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs() + 1e-12 * scale
}

pub fn scale(field: &str, candles: &[Candle]) -> f64 {
    let mean = |f: fn(&Candle) -> f64| candles.iter().map(f).sum::<f64>() / candles.len() as f64;
    match field {
        "rsi_14" | "stoch_k" | "stoch_d" | "change_pct" => 100.0,
        "obv" => mean(|c| c.volume),
        "volume_ratio_20" => 1.0,
        _ => mean(|c| c.close),
    }
}

/// Asserts that stored rows equal an uninterrupted run's values for every field.
pub fn assert_matches_uninterrupted(candles: &[Candle], rows: &[(i64, Vec<Option<f64>>)]) {
    let expected = expected(candles);
    assert_eq!(rows.len(), candles.len(), "stored rows");
    for ((time, values), (candle, want)) in rows.iter().zip(candles.iter().zip(&expected)) {
        assert_eq!(*time, candle.open_time);
        for (i, field) in Field::ALL.into_iter().enumerate() {
            let s = scale(field.as_str(), candles);
            match (values[i], want.get(field)) {
                (Some(a), Some(e)) => assert!(
                    close_enough(a, e, s),
                    "{} at {time}: {a} vs {e}",
                    field.as_str()
                ),
                (a, e) => assert_eq!(a, e, "{} at {time}", field.as_str()),
            }
        }
    }
}

/// Equal up to float parsing noise (a few ulps), or both missing.
pub fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(f64::MIN_POSITIVE),
        (a, b) => a == b,
    }
}
