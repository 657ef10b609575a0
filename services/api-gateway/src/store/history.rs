//! Stored candles and indicator values of one (exchange, symbol, interval), oldest first.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::counted;

/// A time range: with `start`, the first `limit` rows from it; otherwise the last `limit` rows up to `end`.
#[derive(Debug, Clone)]
pub struct HistoryQuery {
    pub exchange: String,
    pub symbol: String,
    pub interval: String,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub limit: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CandleRow {
    pub open_time: DateTime<Utc>,
    pub close_time: DateTime<Utc>,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    pub quote_volume: f64,
    pub trades: i64,
    pub taker_buy_base: f64,
    pub taker_buy_quote: f64,
}

/// Indicator columns in the order of `indicators::FIELD_NAMES`, then `change_pct_24h`.
#[derive(Debug, Clone)]
pub struct IndicatorValuesRow {
    pub open_time: DateTime<Utc>,
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone)]
pub struct HistoryStore {
    pool: PgPool,
}

impl HistoryStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub async fn candles(&self, q: &HistoryQuery) -> Result<Vec<CandleRow>, sqlx::Error> {
        let columns = "open_time, close_time, open, high, low, close, volume, quote_volume, trades, \
                       taker_buy_base, taker_buy_quote";
        let sql = ranged("candles", columns, q.start.is_some());
        let rows = sqlx::query_as::<_, CandleRow>(sqlx::AssertSqlSafe(sql))
            .bind(&q.exchange)
            .bind(&q.symbol)
            .bind(&q.interval)
            .bind(q.start)
            .bind(q.end)
            .bind(q.limit)
            .fetch_all(&self.pool)
            .await;
        counted("timeseries", rows)
    }

    pub async fn indicators(
        &self,
        q: &HistoryQuery,
    ) -> Result<Vec<IndicatorValuesRow>, sqlx::Error> {
        let columns = format!("open_time, {}", value_columns().join(", "));
        let sql = ranged("indicator_values", &columns, q.start.is_some());
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&q.exchange)
            .bind(&q.symbol)
            .bind(&q.interval)
            .bind(q.start)
            .bind(q.end)
            .bind(q.limit)
            .fetch_all(&self.pool)
            .await;
        let rows = counted("timeseries", rows)?;
        rows.iter()
            .map(|row| {
                use sqlx::Row;
                let values = (1..=value_columns().len())
                    .map(|i| row.try_get::<Option<f64>, _>(i))
                    .collect::<Result<_, _>>()?;
                Ok(IndicatorValuesRow {
                    open_time: row.try_get(0)?,
                    values,
                })
            })
            .collect()
    }
}

/// The indicator value columns, by the calculator's field names.
pub fn value_columns() -> Vec<&'static str> {
    indicators::FIELD_NAMES
        .into_iter()
        .chain(["change_pct_24h"])
        .collect()
}

/// Oldest first either way: from `start` ascending, or the newest rows up to `end` re-sorted ascending.
fn ranged(table: &str, columns: &str, from_start: bool) -> String {
    let range = "exchange = $1 AND symbol = $2 AND interval = $3 \
                 AND ($4::timestamptz IS NULL OR open_time >= $4) AND ($5::timestamptz IS NULL OR open_time <= $5)";
    if from_start {
        format!("SELECT {columns} FROM {table} WHERE {range} ORDER BY open_time ASC LIMIT $6")
    } else {
        format!(
            "SELECT * FROM (SELECT {columns} FROM {table} WHERE {range} ORDER BY open_time DESC LIMIT $6) newest
             ORDER BY open_time ASC"
        )
    }
}
