//! Batched, idempotent storage of candles with their indicator values: one `INSERT ... SELECT FROM UNNEST ...
//! ON CONFLICT DO UPDATE` per batch into `candles`, whose row holds the candle and every indicator column, so a
//! redelivered batch rewrites the same rows and a candle is never stored without its indicators. Every value is a
//! bound parameter.

use indicators::{FIELD_NAMES, Field};
use market_model::{Candle, MetricSnapshot};
use sqlx::PgPool;

/// Indicator columns in [`FIELD_NAMES`] order, then `change_pct_24h` (checked by a test).
pub const INDICATOR_COLUMNS: [&str; 20] = [
    "sma_20",
    "ema_12",
    "ema_26",
    "rsi_14",
    "macd",
    "macd_signal",
    "macd_hist",
    "bb_upper",
    "bb_middle",
    "bb_lower",
    "atr_14",
    "stoch_k",
    "stoch_d",
    "obv",
    "vwap_20",
    "change_pct",
    "volume_ratio_20",
    "high_20",
    "low_20",
    "change_pct_24h",
];

/// One row per candle with its indicator values (the indicator columns are NULL where TA-Lib defines none).
const UPSERT_SQL: &str = "
INSERT INTO candles (exchange, symbol, interval, open_time, close_time, open, high, low, close, volume,
                     quote_volume, trades, taker_buy_base, taker_buy_quote,
                     sma_20, ema_12, ema_26, rsi_14, macd, macd_signal, macd_hist, bb_upper, bb_middle, bb_lower,
                     atr_14, stoch_k, stoch_d, obv, vwap_20, change_pct, volume_ratio_20, high_20, low_20,
                     change_pct_24h)
SELECT e, s, i, TIMESTAMPTZ 'epoch' + ot * INTERVAL '1 millisecond', TIMESTAMPTZ 'epoch' + ct * INTERVAL '1 millisecond',
       o, h, l, c, v, qv, tr, tbb, tbq,
       c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20
FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::float8[], $7::float8[], $8::float8[],
            $9::float8[], $10::float8[], $11::float8[], $12::int8[], $13::float8[], $14::float8[],
            $15::float8[], $16::float8[], $17::float8[], $18::float8[], $19::float8[], $20::float8[], $21::float8[],
            $22::float8[], $23::float8[], $24::float8[], $25::float8[], $26::float8[], $27::float8[], $28::float8[],
            $29::float8[], $30::float8[], $31::float8[], $32::float8[], $33::float8[], $34::float8[])
     AS u(e, s, i, ot, ct, o, h, l, c, v, qv, tr, tbb, tbq,
          c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20)
ON CONFLICT (exchange, symbol, interval, open_time) DO UPDATE SET
    close_time = EXCLUDED.close_time, open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
    close = EXCLUDED.close, volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume,
    trades = EXCLUDED.trades, taker_buy_base = EXCLUDED.taker_buy_base, taker_buy_quote = EXCLUDED.taker_buy_quote,
    sma_20 = EXCLUDED.sma_20, ema_12 = EXCLUDED.ema_12, ema_26 = EXCLUDED.ema_26, rsi_14 = EXCLUDED.rsi_14,
    macd = EXCLUDED.macd, macd_signal = EXCLUDED.macd_signal, macd_hist = EXCLUDED.macd_hist,
    bb_upper = EXCLUDED.bb_upper, bb_middle = EXCLUDED.bb_middle, bb_lower = EXCLUDED.bb_lower,
    atr_14 = EXCLUDED.atr_14, stoch_k = EXCLUDED.stoch_k, stoch_d = EXCLUDED.stoch_d, obv = EXCLUDED.obv,
    vwap_20 = EXCLUDED.vwap_20, change_pct = EXCLUDED.change_pct, volume_ratio_20 = EXCLUDED.volume_ratio_20,
    high_20 = EXCLUDED.high_20, low_20 = EXCLUDED.low_20, change_pct_24h = EXCLUDED.change_pct_24h";

/// Column buffers of one batch, reused between batches.
#[derive(Debug, Default)]
pub struct Rows {
    exchange: Vec<String>,
    symbol: Vec<String>,
    interval: Vec<&'static str>,
    open_time: Vec<i64>,
    close_time: Vec<i64>,
    ohlcv: [Vec<f64>; 8],
    trades: Vec<i64>,
    values: [Vec<Option<f64>>; 20],
}

impl Rows {
    pub fn clear(&mut self) {
        self.exchange.clear();
        self.symbol.clear();
        self.interval.clear();
        self.open_time.clear();
        self.close_time.clear();
        self.ohlcv.iter_mut().for_each(Vec::clear);
        self.trades.clear();
        self.values.iter_mut().for_each(Vec::clear);
    }

    pub fn len(&self) -> usize {
        self.open_time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.open_time.is_empty()
    }

    /// Adds a closed candle and the snapshot computed from it. A batch never holds a series key twice: the
    /// engine refuses a candle not after the last one it applied.
    pub fn push(&mut self, candle: &Candle, snapshot: &MetricSnapshot) {
        self.exchange.push(candle.exchange.as_str().to_owned());
        self.symbol.push(candle.symbol.as_str().to_owned());
        self.interval.push(candle.interval.as_str());
        self.open_time.push(candle.open_time);
        self.close_time.push(candle.close_time);
        let numbers = [
            candle.open,
            candle.high,
            candle.low,
            candle.close,
            candle.volume,
            candle.quote_volume,
            candle.taker_buy_base,
            candle.taker_buy_quote,
        ];
        for (column, value) in self.ohlcv.iter_mut().zip(numbers) {
            column.push(value);
        }
        self.trades
            .push(i64::try_from(candle.trades).unwrap_or(i64::MAX));
        for (column, field) in self.values.iter_mut().zip(Field::ALL) {
            column.push(snapshot.indicators.get(field));
        }
        self.values[FIELD_NAMES.len()].push(snapshot.change_pct_24h);
    }

    /// Writes the batch in one statement (atomic on its own: all rows or none).
    pub async fn write(&self, pool: &PgPool) -> Result<(), sqlx::Error> {
        if self.is_empty() {
            return Ok(());
        }
        let [
            open,
            high,
            low,
            close,
            volume,
            quote_volume,
            taker_base,
            taker_quote,
        ] = &self.ohlcv;
        let mut query = sqlx::query(UPSERT_SQL)
            .bind(&self.exchange)
            .bind(&self.symbol)
            .bind(&self.interval)
            .bind(&self.open_time)
            .bind(&self.close_time)
            .bind(open)
            .bind(high)
            .bind(low)
            .bind(close)
            .bind(volume)
            .bind(quote_volume)
            .bind(&self.trades)
            .bind(taker_base)
            .bind(taker_quote);
        for column in &self.values {
            query = query.bind(column);
        }
        query.execute(pool).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_columns_follow_the_field_order() {
        assert_eq!(&INDICATOR_COLUMNS[..FIELD_NAMES.len()], &FIELD_NAMES[..]);
        assert_eq!(INDICATOR_COLUMNS[FIELD_NAMES.len()], "change_pct_24h");
        let listed = UPSERT_SQL.split("SELECT").next().unwrap_or_default();
        for column in INDICATOR_COLUMNS {
            assert!(
                listed.contains(column),
                "{column} missing from the INSERT column list"
            );
        }
    }
}
