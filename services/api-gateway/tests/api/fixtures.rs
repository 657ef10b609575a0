//! Market data the tests publish or store themselves, standing in for the metrics-calculator.

use chrono::{DateTime, Utc};
use indicators::Values;
use market_model::{Interval, MetricSnapshot};

pub const HOUR_MS: i64 = 3_600_000;

/// A recent bar open time, aligned to the hour.
pub fn recent_hour(hours_ago: i64) -> i64 {
    let now = Utc::now().timestamp_millis();
    now - now % HOUR_MS - hours_ago * HOUR_MS
}

pub fn snapshot(symbol: &str, interval: Interval, open_time: i64, close: f64) -> MetricSnapshot {
    MetricSnapshot {
        v: 1,
        exchange: "binance".parse().unwrap(),
        symbol: symbol.parse().unwrap(),
        interval,
        open_time,
        closed: false,
        open: close,
        high: close,
        low: close,
        close,
        volume: 10.0,
        indicators: Values::default(),
        change_pct_24h: None,
        computed_at: open_time + 1,
    }
}

/// Publishes on `live.metrics.*` (in progress) or `metrics.*` (closed) and flushes.
pub async fn publish(
    nats: &async_nats::Client,
    subjects: &market_model::Subjects,
    s: &MetricSnapshot,
) {
    let subject = if s.closed {
        subjects.metrics(&s.exchange, &s.symbol, s.interval)
    } else {
        subjects.live_metrics(&s.exchange, &s.symbol, s.interval)
    };
    let mut payload = Vec::new();
    s.encode(&mut payload).unwrap();
    nats.publish(subject, payload.into()).await.unwrap();
    nats.flush().await.unwrap();
}

fn ts(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

/// A stored closed candle as the calculator writes it.
pub async fn insert_candle(
    pool: &sqlx::PgPool,
    symbol: &str,
    interval: &str,
    open_time: i64,
    close: f64,
) {
    sqlx::query(
        "INSERT INTO candles (exchange, symbol, interval, open_time, close_time, open, high, low, close, volume,
                              quote_volume, trades, taker_buy_base, taker_buy_quote)
         VALUES ('binance', $1, $2, $3, $4, $5, $5, $5, $5, 2, 3, 4, 1, 1)",
    )
    .bind(symbol)
    .bind(interval)
    .bind(ts(open_time))
    .bind(ts(open_time + 59_999))
    .bind(close)
    .execute(pool)
    .await
    .unwrap();
}

/// Indicator values with only `rsi_14` and `change_pct_24h` set (the rest stays NULL, as during warm-up), on
/// the stored candle of that open time (a placeholder candle if none is stored yet).
pub async fn insert_indicators(
    pool: &sqlx::PgPool,
    symbol: &str,
    interval: &str,
    open_time: i64,
    rsi: Option<f64>,
    change_24h: Option<f64>,
) {
    sqlx::query(
        "INSERT INTO candles (exchange, symbol, interval, open_time, close_time, open, high, low, close, volume,
                              quote_volume, trades, taker_buy_base, taker_buy_quote, rsi_14, change_pct_24h)
         VALUES ('binance', $1, $2, $3, $4, 1, 1, 1, 1, 1, 1, 1, 1, 1, $5, $6)
         ON CONFLICT (exchange, symbol, interval, open_time)
         DO UPDATE SET rsi_14 = EXCLUDED.rsi_14, change_pct_24h = EXCLUDED.change_pct_24h",
    )
    .bind(symbol)
    .bind(interval)
    .bind(ts(open_time))
    .bind(ts(open_time + 59_999))
    .bind(rsi)
    .bind(change_24h)
    .execute(pool)
    .await
    .unwrap();
}
