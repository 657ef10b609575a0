//! Warm start: the stored candles a series (and a symbol's 24 h change) is rebuilt from before its first new
//! candle is processed, loaded for every newly seen series of a batch in one query.

use indicators::Candle as Bar;
use sqlx::PgPool;

use crate::key::{MarketKey, SeriesKey};

/// The stored tail of a series before a given open time, oldest first, with the OBV stored for its last candle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesHistory {
    pub bars: Vec<Bar>,
    pub last_obv: Option<f64>,
}

/// Hours of history the 24 h change needs (see `change.rs`).
pub const HOURS_FOR_DAY_CHANGE: i64 = 25;

const SERIES_SQL: &str = "
SELECT k.idx, (EXTRACT(EPOCH FROM c.open_time) * 1000)::int8, c.open, c.high, c.low, c.close, c.volume, c.obv
FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[]) WITH ORDINALITY AS k(exchange, symbol, interval, before_ms, idx)
CROSS JOIN LATERAL (
    SELECT * FROM candles c
    WHERE c.exchange = k.exchange AND c.symbol = k.symbol AND c.interval = k.interval
      AND c.open_time < TIMESTAMPTZ 'epoch' + k.before_ms * INTERVAL '1 millisecond'
    ORDER BY c.open_time DESC
    LIMIT $5
) c
ORDER BY k.idx, c.open_time";

const HOURS_SQL: &str = "
SELECT k.idx, (EXTRACT(EPOCH FROM c.open_time) * 1000)::int8, c.open, c.high, c.low, c.close, c.volume
FROM UNNEST($1::text[], $2::text[], $3::int8[]) WITH ORDINALITY AS k(exchange, symbol, before_ms, idx)
CROSS JOIN LATERAL (
    SELECT * FROM candles c
    WHERE c.exchange = k.exchange AND c.symbol = k.symbol AND c.interval = '1h'
      AND c.open_time < TIMESTAMPTZ 'epoch' + k.before_ms * INTERVAL '1 millisecond'
    ORDER BY c.open_time DESC
    LIMIT $4
) c
ORDER BY k.idx, c.open_time";

type SeriesRow = (i64, i64, f64, f64, f64, f64, f64, Option<f64>);
type HourRow = (i64, i64, f64, f64, f64, f64, f64);

/// For each `(series, first new open time)`, up to `limit` stored candles before that time.
pub async fn load_series(
    pool: &PgPool,
    wanted: &[(SeriesKey, i64)],
    limit: usize,
) -> Result<Vec<SeriesHistory>, sqlx::Error> {
    let mut histories = vec![SeriesHistory::default(); wanted.len()];
    if wanted.is_empty() {
        return Ok(histories);
    }
    let rows: Vec<SeriesRow> = sqlx::query_as(SERIES_SQL)
        .bind(
            wanted
                .iter()
                .map(|(k, _)| k.exchange.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            wanted
                .iter()
                .map(|(k, _)| k.symbol.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            wanted
                .iter()
                .map(|(k, _)| k.interval.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(wanted.iter().map(|(_, before)| *before).collect::<Vec<_>>())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?;
    for (idx, open_time_ms, open, high, low, close, volume, obv) in rows {
        if let Some(history) = slot(&mut histories, idx) {
            history.bars.push(Bar {
                open_time_ms,
                open,
                high,
                low,
                close,
                volume,
            });
            history.last_obv = obv;
        }
    }
    Ok(histories)
}

/// For each `(symbol, hour bound)`, the stored 1 h candles that open before the bound (the last 25).
pub async fn load_hours(
    pool: &PgPool,
    wanted: &[(MarketKey, i64)],
) -> Result<Vec<Vec<Bar>>, sqlx::Error> {
    let mut hours = vec![Vec::new(); wanted.len()];
    if wanted.is_empty() {
        return Ok(hours);
    }
    let rows: Vec<HourRow> = sqlx::query_as(HOURS_SQL)
        .bind(
            wanted
                .iter()
                .map(|(k, _)| k.exchange.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            wanted
                .iter()
                .map(|(k, _)| k.symbol.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(wanted.iter().map(|(_, before)| *before).collect::<Vec<_>>())
        .bind(HOURS_FOR_DAY_CHANGE)
        .fetch_all(pool)
        .await?;
    for (idx, open_time_ms, open, high, low, close, volume) in rows {
        if let Some(list) = slot(&mut hours, idx) {
            list.push(Bar {
                open_time_ms,
                open,
                high,
                low,
                close,
                volume,
            });
        }
    }
    Ok(hours)
}

/// `WITH ORDINALITY` counts from 1.
fn slot<T>(items: &mut [T], ordinal: i64) -> Option<&mut T> {
    usize::try_from(ordinal - 1)
        .ok()
        .and_then(|i| items.get_mut(i))
}
