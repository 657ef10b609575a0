//! Start-up fill: the latest stored candle and its indicator values per (exchange, symbol, interval), so a
//! gateway that starts or restarts answers the screener completely at once instead of after the next bars.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use indicators::Values;
use market_model::MetricSnapshot;
use market_model::snapshot::SNAPSHOT_VERSION;
use observability::catalog::common::{DATABASE_ERRORS, DATABASE_QUERIES};
use sqlx::PgPool;

use super::ScreenerView;

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("cannot read the latest candles: {0}")]
    Database(#[from] sqlx::Error),
}

/// Candles older than this are not "tracked" any more (a 1M bar is at most 31 days old while open).
const LOOKBACK: &str = "40 days";

#[derive(sqlx::FromRow)]
struct Row {
    exchange: String,
    symbol: String,
    interval: String,
    open_time: DateTime<Utc>,
    close_time: DateTime<Utc>,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    sma_20: Option<f64>,
    ema_12: Option<f64>,
    ema_26: Option<f64>,
    rsi_14: Option<f64>,
    macd: Option<f64>,
    macd_signal: Option<f64>,
    macd_hist: Option<f64>,
    bb_upper: Option<f64>,
    bb_middle: Option<f64>,
    bb_lower: Option<f64>,
    atr_14: Option<f64>,
    stoch_k: Option<f64>,
    stoch_d: Option<f64>,
    obv: Option<f64>,
    vwap_20: Option<f64>,
    change_pct: Option<f64>,
    volume_ratio_20: Option<f64>,
    high_20: Option<f64>,
    low_20: Option<f64>,
    change_pct_24h: Option<f64>,
}

/// Loads into `view`; entries NATS already delivered newer values for are kept (the view keeps the newest).
pub async fn load_latest(pool: &PgPool, view: &ScreenerView) -> Result<usize, BootstrapError> {
    let sql = format!(
        "SELECT DISTINCT ON (c.exchange, c.symbol, c.interval)
                c.exchange, c.symbol, c.interval, c.open_time, c.close_time,
                c.open, c.high, c.low, c.close, c.volume,
                c.sma_20, c.ema_12, c.ema_26, c.rsi_14, c.macd, c.macd_signal, c.macd_hist,
                c.bb_upper, c.bb_middle, c.bb_lower, c.atr_14, c.stoch_k, c.stoch_d, c.obv, c.vwap_20,
                c.change_pct, c.volume_ratio_20, c.high_20, c.low_20, c.change_pct_24h
         FROM candles c
         WHERE c.open_time > now() - INTERVAL '{LOOKBACK}'
         ORDER BY c.exchange, c.symbol, c.interval, c.open_time DESC"
    );
    DATABASE_QUERIES
        .counter_with(&[("database", "timeseries")])
        .increment(1);
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await
        .inspect_err(|_| {
            DATABASE_ERRORS
                .counter_with(&[("database", "timeseries")])
                .increment(1);
        })?;
    let mut loaded = 0;
    for row in rows {
        match to_snapshot(row) {
            Some(snapshot) => {
                view.upsert(Arc::new(snapshot));
                loaded += 1;
            }
            None => tracing::warn!(
                "skipping a stored candle with an invalid exchange, symbol or interval"
            ),
        }
    }
    Ok(loaded)
}

fn to_snapshot(row: Row) -> Option<MetricSnapshot> {
    Some(MetricSnapshot {
        v: SNAPSHOT_VERSION,
        exchange: row.exchange.parse().ok()?,
        symbol: row.symbol.parse().ok()?,
        interval: row.interval.parse().ok()?,
        open_time: row.open_time.timestamp_millis(),
        closed: true,
        open: row.open,
        high: row.high,
        low: row.low,
        close: row.close,
        volume: row.volume,
        indicators: Values {
            sma_20: row.sma_20,
            ema_12: row.ema_12,
            ema_26: row.ema_26,
            rsi_14: row.rsi_14,
            macd: row.macd,
            macd_signal: row.macd_signal,
            macd_hist: row.macd_hist,
            bb_upper: row.bb_upper,
            bb_middle: row.bb_middle,
            bb_lower: row.bb_lower,
            atr_14: row.atr_14,
            stoch_k: row.stoch_k,
            stoch_d: row.stoch_d,
            obv: row.obv,
            vwap_20: row.vwap_20,
            change_pct: row.change_pct,
            volume_ratio_20: row.volume_ratio_20,
            high_20: row.high_20,
            low_20: row.low_20,
        },
        change_pct_24h: row.change_pct_24h,
        // The bar's close is when these values became known.
        computed_at: row.close_time.timestamp_millis(),
    })
}
