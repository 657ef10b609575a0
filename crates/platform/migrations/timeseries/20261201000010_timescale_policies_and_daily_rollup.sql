-- Storage policies and a daily rollup of the 1 h candles, chosen by what the database offers:
-- - TimescaleDB with its community (TSL) licence: native compression of chunks older than 7 days, retention
--   (candles 730 days, which keeps the 519-candle warm start of every interval up to 1d; indicator values
--   180 days, as they can be recomputed from candles) and `candles_daily` as a continuous aggregate refreshed
--   hourly;
-- - plain PostgreSQL (or the Apache-only TimescaleDB build, which lacks those features): `candles_daily` is an
--   ordinary view with the same columns, so the same queries work; old rows are pruned by the operator.
DO $migration$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
       AND coalesce(current_setting('timescaledb.license', true), '') = 'timescale' THEN
        ALTER TABLE candles SET (timescaledb.compress,
                                 timescaledb.compress_segmentby = 'exchange, symbol, interval',
                                 timescaledb.compress_orderby = 'open_time DESC');
        ALTER TABLE indicator_values SET (timescaledb.compress,
                                          timescaledb.compress_segmentby = 'exchange, symbol, interval',
                                          timescaledb.compress_orderby = 'open_time DESC');
        PERFORM add_compression_policy('candles', INTERVAL '7 days', if_not_exists => TRUE);
        PERFORM add_compression_policy('indicator_values', INTERVAL '7 days', if_not_exists => TRUE);
        PERFORM add_retention_policy('candles', INTERVAL '730 days', if_not_exists => TRUE);
        PERFORM add_retention_policy('indicator_values', INTERVAL '180 days', if_not_exists => TRUE);
        -- WITH NO DATA: allowed inside the migration's transaction; the policy fills it.
        EXECUTE $view$
            CREATE MATERIALIZED VIEW IF NOT EXISTS candles_daily WITH (timescaledb.continuous) AS
            SELECT exchange, symbol, time_bucket(INTERVAL '1 day', open_time) AS day,
                   first(open, open_time) AS open, max(high) AS high, min(low) AS low,
                   last(close, open_time) AS close, sum(volume) AS volume,
                   sum(quote_volume) AS quote_volume, sum(trades) AS trades
            FROM candles
            WHERE interval = '1h'
            GROUP BY exchange, symbol, time_bucket(INTERVAL '1 day', open_time)
            WITH NO DATA
        $view$;
        PERFORM add_continuous_aggregate_policy('candles_daily',
                                                start_offset => INTERVAL '3 days',
                                                end_offset => INTERVAL '1 hour',
                                                schedule_interval => INTERVAL '1 hour',
                                                if_not_exists => TRUE);
    ELSE
        CREATE OR REPLACE VIEW candles_daily AS
        SELECT exchange, symbol, date_trunc('day', open_time, 'UTC') AS day,
               (array_agg(open ORDER BY open_time))[1] AS open, max(high) AS high, min(low) AS low,
               (array_agg(close ORDER BY open_time DESC))[1] AS close, sum(volume) AS volume,
               sum(quote_volume) AS quote_volume, sum(trades) AS trades
        FROM candles
        WHERE interval = '1h'
        GROUP BY exchange, symbol, date_trunc('day', open_time, 'UTC');
    END IF;
END
$migration$;
