-- The request id of the snapshot that triggered an event, sent as X-Request-ID with every webhook attempt so
-- one alert can be followed from the exchange to the receiver's logs.
ALTER TABLE alert_events ADD COLUMN IF NOT EXISTS request_id TEXT;
