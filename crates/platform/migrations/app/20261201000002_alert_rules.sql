-- Alert rules as validated JSON documents, owned by an API key. `secret` signs webhook bodies (HMAC-SHA256).
CREATE TABLE IF NOT EXISTS alert_rules (
    id          UUID PRIMARY KEY,
    api_key_id  UUID NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    spec        JSONB NOT NULL,
    secret      TEXT NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    revision    BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS alert_rules_owner ON alert_rules (api_key_id, created_at);
CREATE INDEX IF NOT EXISTS alert_rules_enabled ON alert_rules (enabled) WHERE enabled;

-- Crossing and frequency state per (rule, symbol), so an engine restart neither misses nor invents a crossing.
CREATE TABLE IF NOT EXISTS alert_rule_state (
    rule_id    UUID NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    symbol     TEXT NOT NULL,
    state      JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_id, symbol)
);

-- Engines apply rule changes without restart: every change is announced on this channel.
CREATE OR REPLACE FUNCTION notify_alert_rules_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('alert_rules_changed', COALESCE(NEW.id, OLD.id)::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS alert_rules_changed ON alert_rules;
CREATE TRIGGER alert_rules_changed
    AFTER INSERT OR UPDATE OR DELETE ON alert_rules
    FOR EACH ROW EXECUTE FUNCTION notify_alert_rules_changed();
