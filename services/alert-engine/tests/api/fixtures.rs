//! Test data: API keys and rules in PostgreSQL, metric snapshots on NATS, and the ETHBTC reference replay.

use std::time::Duration;

use async_nats::HeaderMap;
use indicators::{IndicatorConfig, IndicatorState};
use market_model::{ExchangeId, Interval, MetricSnapshot, Subjects, Symbol};
use observability::TraceContext;
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

pub const SECRET: &str = "s3cret-key";
const BAR_MS: i64 = 300_000;

pub async fn api_key(pool: &PgPool) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO api_keys (id, name, key_hash, key_prefix) VALUES ($1, $2, $3, 'sk_')")
        .bind(id)
        .bind(format!("key-{id}"))
        .bind(format!("hash-{id}"))
        .execute(pool)
        .await
        .unwrap();
    id
}

/// A rule on ETHBTC 5m around `condition`.
pub fn rule_spec(url: &str, condition: Value, frequency: &str) -> Value {
    json!({
        "name": "test rule",
        "symbols": ["ETHBTC"],
        "interval": "5m",
        "condition": condition,
        "frequency": frequency,
        "webhook_url": url,
        "message": "{{symbol}} rsi {{rsi_14}}",
    })
}

/// Inserts a rule as the gateway does (the spec was validated there).
pub async fn insert_rule(pool: &PgPool, owner: Uuid, spec: &Value) -> Uuid {
    alert_rules::parse_rule(&spec.to_string(), &alert_rules::DefaultSchema).expect("valid rule");
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO alert_rules (id, api_key_id, name, spec, secret) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(owner)
    .bind(spec["name"].as_str().unwrap())
    .bind(spec)
    .bind(SECRET)
    .execute(pool)
    .await
    .unwrap();
    id
}

/// A snapshot with only candle fields and `rsi_14` set, computed now.
pub fn simple_snapshot(bar: i64, close: f64, rsi: Option<f64>) -> MetricSnapshot {
    let values = indicators::Values {
        rsi_14: rsi,
        ..Default::default()
    };
    snapshot(bar * BAR_MS, [close; 5], values)
}

fn snapshot(open_time: i64, ohlcv: [f64; 5], indicators: indicators::Values) -> MetricSnapshot {
    MetricSnapshot {
        v: market_model::snapshot::SNAPSHOT_VERSION,
        exchange: ExchangeId::new("binance").unwrap(),
        symbol: Symbol::new("ETHBTC").unwrap(),
        interval: Interval::Min5,
        open_time,
        closed: true,
        open: ohlcv[0],
        high: ohlcv[1],
        low: ohlcv[2],
        close: ohlcv[3],
        volume: ohlcv[4],
        indicators,
        change_pct_24h: None,
        computed_at: chrono::Utc::now().timestamp_millis(),
    }
}

/// Every bar of testdata/reference/ethbtc_5m.csv as the calculator would publish it.
pub fn replay() -> Vec<MetricSnapshot> {
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/reference/ethbtc_5m.csv"
    ))
    .unwrap();
    let mut state = IndicatorState::new(IndicatorConfig::default()).unwrap();
    csv.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            let candle = indicators::Candle {
                open_time_ms: f[0] as i64,
                open: f[1],
                high: f[2],
                low: f[3],
                close: f[4],
                volume: f[5],
            };
            let values = state.update(&candle).unwrap();
            snapshot(candle.open_time_ms, [f[1], f[2], f[3], f[4], f[5]], values)
        })
        .collect()
}

/// Bar open times where TA-Lib's rsi_14 crosses below 30 (previous >= 30, current < 30).
pub fn talib_crossings_below_30() -> Vec<i64> {
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/reference/ethbtc_5m_talib.csv"
    ))
    .unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let rsi = header.iter().position(|h| *h == "rsi_14").unwrap();
    let mut previous: Option<f64> = None;
    let mut crossings = Vec::new();
    for line in csv.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let now = cols[rsi].parse::<f64>().ok();
        if let (Some(p), Some(n)) = (previous, now)
            && p >= 30.0
            && n < 30.0
        {
            crossings.push(cols[0].parse().unwrap());
        }
        previous = now;
    }
    crossings
}

/// Publishes closed snapshots to the METRICS stream as the calculator does (Nats-Msg-Id, trace headers),
/// creating the stream if the engine has not yet.
pub async fn publish_closed(
    nats: &async_nats::Client,
    subjects: &Subjects,
    snapshots: &[MetricSnapshot],
) {
    let js = async_nats::jetstream::new(nats.clone());
    platform::streams::ensure(&js, platform::streams::metrics(subjects))
        .await
        .unwrap();
    let mut acks = Vec::new();
    let mut buf = Vec::new();
    for snapshot in snapshots {
        snapshot.encode(&mut buf).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", snapshot.msg_id().as_str());
        TraceContext::new_root(None).inject(&mut headers);
        let subject = subjects.metrics(&snapshot.exchange, &snapshot.symbol, snapshot.interval);
        acks.push(
            js.publish_with_headers(subject, headers, buf.clone().into())
                .await
                .unwrap(),
        );
        if acks.len() >= 256 {
            for ack in acks.drain(..) {
                ack.await.unwrap();
            }
        }
    }
    for ack in acks {
        ack.await.unwrap();
    }
}

/// An in-progress snapshot on core NATS.
pub async fn publish_live(
    nats: &async_nats::Client,
    subjects: &Subjects,
    snapshot: &MetricSnapshot,
) {
    let mut live = snapshot.clone();
    live.closed = false;
    let mut buf = Vec::new();
    live.encode(&mut buf).unwrap();
    let subject = subjects.live_metrics(&live.exchange, &live.symbol, live.interval);
    nats.publish(subject, buf.into()).await.unwrap();
    nats.flush().await.unwrap();
}

/// (status, attempts, last_status_code, last_error) of every event, oldest bar first.
pub async fn events(pool: &PgPool) -> Vec<(String, i32, Option<i32>, Option<String>)> {
    sqlx::query_as(
        "SELECT status, attempts, last_status_code, last_error FROM alert_events ORDER BY bar_open_time",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

pub async fn rule_enabled(pool: &PgPool, id: Uuid) -> bool {
    sqlx::query_scalar("SELECT enabled FROM alert_rules WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Bar open times (ms) of delivered webhook bodies, sorted.
pub fn delivered_bars(hits: &[crate::receiver::Hit]) -> Vec<i64> {
    let mut bars: Vec<i64> = hits
        .iter()
        .map(|h| {
            chrono::DateTime::parse_from_rfc3339(h.json["bar_open_time"].as_str().unwrap())
                .unwrap()
                .timestamp_millis()
        })
        .collect();
    bars.sort_unstable();
    bars
}

pub const SHORT: Duration = Duration::from_millis(300);
