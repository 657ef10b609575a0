-- One row per closed candle with the indicator values computed on it (the calculator's only write).
--
-- Until now the values lived in a second table, `indicator_values`, with the same key. Every stored candle
-- then cost two heap tuples, two primary-key insertions and their WAL, and the upsert of the second table was
-- half of the calculator's database time (docs/performance/metrics-calculator.md). The values move into
-- `candles` as nullable columns (NULL where TA-Lib defines no value yet); `indicator_values` stays as a view
-- with the same columns, so queries written against it keep working.
--
-- TimescaleDB: adding nullable columns without a default is allowed on compressed hypertables; moving values
-- that already sit in compressed chunks needs TimescaleDB 2.11 or later (DML on compressed chunks). Dropping the
-- old hypertable drops its chunks and its compression and retention jobs, so the values now follow the
-- candles' policies (compressed after 7 days, kept 730 days).
ALTER TABLE candles
    ADD COLUMN IF NOT EXISTS sma_20          DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS ema_12          DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS ema_26          DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS rsi_14          DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS macd            DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS macd_signal     DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS macd_hist       DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS bb_upper        DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS bb_middle       DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS bb_lower        DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS atr_14          DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS stoch_k         DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS stoch_d         DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS obv             DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS vwap_20         DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS change_pct      DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS volume_ratio_20 DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS high_20         DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS low_20          DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS change_pct_24h  DOUBLE PRECISION;

DO $migration$
BEGIN
    -- Only where `indicator_values` is still the old table (in the current schema): move its values, drop it.
    IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('indicator_values') AND relkind = 'r') THEN
        UPDATE candles c SET
            sma_20 = i.sma_20,
            ema_12 = i.ema_12,
            ema_26 = i.ema_26,
            rsi_14 = i.rsi_14,
            macd = i.macd,
            macd_signal = i.macd_signal,
            macd_hist = i.macd_hist,
            bb_upper = i.bb_upper,
            bb_middle = i.bb_middle,
            bb_lower = i.bb_lower,
            atr_14 = i.atr_14,
            stoch_k = i.stoch_k,
            stoch_d = i.stoch_d,
            obv = i.obv,
            vwap_20 = i.vwap_20,
            change_pct = i.change_pct,
            volume_ratio_20 = i.volume_ratio_20,
            high_20 = i.high_20,
            low_20 = i.low_20,
            change_pct_24h = i.change_pct_24h
        FROM indicator_values i
        WHERE c.exchange = i.exchange AND c.symbol = i.symbol AND c.interval = i.interval
          AND c.open_time = i.open_time;
        DROP TABLE indicator_values;
    END IF;
END
$migration$;

CREATE OR REPLACE VIEW indicator_values AS
SELECT exchange, symbol, interval, open_time,
       sma_20, ema_12, ema_26, rsi_14, macd, macd_signal, macd_hist, bb_upper, bb_middle, bb_lower, atr_14,
       stoch_k, stoch_d, obv, vwap_20, change_pct, volume_ratio_20, high_20, low_20, change_pct_24h
FROM candles;
