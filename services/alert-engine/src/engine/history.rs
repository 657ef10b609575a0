//! Closed-bar history per (exchange, symbol, interval): what warms a fresh (rule, symbol) state so its first
//! evaluation already knows the previous bar(s). Loaded from the time-series database the first time a stream
//! is seen (the calculator stores a bar before it publishes it), then kept in memory from the stream itself.

use std::collections::VecDeque;

use alert_rules::DEFAULT_FIELDS;
use observability::catalog::common::{DATABASE_ERRORS, DATABASE_QUERIES};
use sqlx::{PgPool, Row};

/// One closed bar's values, dense by `FieldId`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedBar {
    pub open_time_ms: i64,
    pub values: Vec<Option<f64>>,
}

/// The most recent bars, oldest first, bounded by the deepest look-back of the rules that read them.
#[derive(Debug, Default)]
pub struct History {
    pub bars: VecDeque<ClosedBar>,
    /// How many bars the rules asked for when the history was last filled from the database.
    pub loaded_depth: u32,
}

impl History {
    pub fn push(&mut self, bar: ClosedBar, depth: u32) {
        if self
            .bars
            .back()
            .is_some_and(|last| last.open_time_ms >= bar.open_time_ms)
        {
            return;
        }
        self.bars.push_back(bar);
        while self.bars.len() > depth as usize {
            self.bars.pop_front();
        }
    }

    /// Takes bars read from the database unless memory already knows more (no calculator writing, say).
    pub fn fill(&mut self, bars: Vec<ClosedBar>, depth: u32) {
        if bars.len() >= self.bars.len() {
            self.bars = bars.into();
        }
        self.loaded_depth = self.loaded_depth.max(depth);
    }
}

/// The `depth` closed bars before `before_ms`, oldest first, from `candles` (a row holds the candle and its
/// indicator values; a bar whose values are not computed yet carries NULLs).
pub async fn load(
    pool: &PgPool,
    exchange: &str,
    symbol: &str,
    interval: &str,
    before_ms: i64,
    depth: u32,
) -> Result<Vec<ClosedBar>, sqlx::Error> {
    let sql = format!(
        "SELECT (extract(epoch FROM open_time) * 1000)::bigint AS open_time_ms, {} \
         FROM candles \
         WHERE exchange = $1 AND symbol = $2 AND interval = $3 \
           AND open_time < to_timestamp($4::double precision / 1000) \
         ORDER BY open_time DESC LIMIT $5",
        DEFAULT_FIELDS.join(", ")
    );
    // Column names come from the constant field list, never from input.
    let result = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(exchange)
        .bind(symbol)
        .bind(interval)
        .bind(before_ms as f64)
        .bind(i64::from(depth))
        .fetch_all(pool)
        .await;
    DATABASE_QUERIES
        .counter_with(&[("database", "timeseries")])
        .increment(1);
    let rows = result.inspect_err(|_| {
        DATABASE_ERRORS
            .counter_with(&[("database", "timeseries")])
            .increment(1)
    })?;
    let mut bars = Vec::with_capacity(rows.len());
    for row in rows.iter().rev() {
        let mut values = Vec::with_capacity(DEFAULT_FIELDS.len());
        for field in DEFAULT_FIELDS {
            values.push(row.try_get::<Option<f64>, _>(*field)?);
        }
        bars.push(ClosedBar {
            open_time_ms: row.try_get("open_time_ms")?,
            values,
        });
    }
    Ok(bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(t: i64) -> ClosedBar {
        ClosedBar {
            open_time_ms: t,
            values: vec![Some(t as f64)],
        }
    }

    #[test]
    fn history_keeps_the_newest_bars_in_order_and_ignores_stale_ones() {
        let mut history = History::default();
        for t in [1, 2, 3, 3, 2, 4] {
            history.push(bar(t), 2);
        }
        let times: Vec<i64> = history.bars.iter().map(|b| b.open_time_ms).collect();
        assert_eq!(times, vec![3, 4]);
        history.fill(vec![bar(1)], 5);
        assert_eq!(history.bars.len(), 2, "memory knew more than the database");
        assert_eq!(history.loaded_depth, 5);
    }
}
