-- Closed candles and the indicator values computed on them, keyed by (exchange, symbol, interval, open_time).
-- With the TimescaleDB extension available these become hypertables; on plain PostgreSQL they stay ordinary
-- tables with BRIN indexes on time, and every query works the same on both.
CREATE TABLE IF NOT EXISTS candles (
    exchange        TEXT NOT NULL,
    symbol          TEXT NOT NULL,
    interval        TEXT NOT NULL,
    open_time       TIMESTAMPTZ NOT NULL,
    close_time      TIMESTAMPTZ NOT NULL,
    open            DOUBLE PRECISION NOT NULL,
    high            DOUBLE PRECISION NOT NULL,
    low             DOUBLE PRECISION NOT NULL,
    close           DOUBLE PRECISION NOT NULL,
    volume          DOUBLE PRECISION NOT NULL,
    quote_volume    DOUBLE PRECISION NOT NULL,
    trades          BIGINT NOT NULL,
    taker_buy_base  DOUBLE PRECISION NOT NULL,
    taker_buy_quote DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (exchange, symbol, interval, open_time)
);

CREATE TABLE IF NOT EXISTS indicator_values (
    exchange         TEXT NOT NULL,
    symbol           TEXT NOT NULL,
    interval         TEXT NOT NULL,
    open_time        TIMESTAMPTZ NOT NULL,
    sma_20           DOUBLE PRECISION,
    ema_12           DOUBLE PRECISION,
    ema_26           DOUBLE PRECISION,
    rsi_14           DOUBLE PRECISION,
    macd             DOUBLE PRECISION,
    macd_signal      DOUBLE PRECISION,
    macd_hist        DOUBLE PRECISION,
    bb_upper         DOUBLE PRECISION,
    bb_middle        DOUBLE PRECISION,
    bb_lower         DOUBLE PRECISION,
    atr_14           DOUBLE PRECISION,
    stoch_k          DOUBLE PRECISION,
    stoch_d          DOUBLE PRECISION,
    obv              DOUBLE PRECISION,
    vwap_20          DOUBLE PRECISION,
    change_pct       DOUBLE PRECISION,
    volume_ratio_20  DOUBLE PRECISION,
    high_20          DOUBLE PRECISION,
    low_20           DOUBLE PRECISION,
    change_pct_24h   DOUBLE PRECISION,
    PRIMARY KEY (exchange, symbol, interval, open_time)
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
        PERFORM create_hypertable('candles', 'open_time', chunk_time_interval => INTERVAL '7 days',
                                  if_not_exists => TRUE, migrate_data => TRUE);
        PERFORM create_hypertable('indicator_values', 'open_time', chunk_time_interval => INTERVAL '7 days',
                                  if_not_exists => TRUE, migrate_data => TRUE);
    ELSE
        CREATE INDEX IF NOT EXISTS candles_open_time_brin ON candles USING BRIN (open_time);
        CREATE INDEX IF NOT EXISTS indicator_values_open_time_brin ON indicator_values USING BRIN (open_time);
    END IF;
END
$$;
