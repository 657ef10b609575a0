-- One row per alert event; the outcome of its webhook delivery is kept with it. A pending row is written
-- before the triggering message is acknowledged, so deliveries survive an engine restart.
CREATE TABLE IF NOT EXISTS alert_events (
    id               UUID PRIMARY KEY,
    rule_id          UUID NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    api_key_id       UUID NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    exchange         TEXT NOT NULL,
    symbol           TEXT NOT NULL,
    interval         TEXT NOT NULL,
    bar_open_time    TIMESTAMPTZ NOT NULL,
    value            DOUBLE PRECISION,
    payload          JSONB NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error       TEXT,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    triggered_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at      TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS alert_events_owner ON alert_events (api_key_id, triggered_at DESC);
CREATE INDEX IF NOT EXISTS alert_events_rule ON alert_events (rule_id, triggered_at DESC);
CREATE INDEX IF NOT EXISTS alert_events_pending ON alert_events (next_attempt_at) WHERE status = 'pending';
