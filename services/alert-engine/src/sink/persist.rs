//! Writing a claimed event: the pending `alert_events` row (what the delivery worker sends), the rule's gate
//! state, and for `once` rules the rule's disabling. All idempotent, so a retry after a partial failure is safe.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::engine::Trigger;
use crate::rules::store::counted;

#[derive(Debug, PartialEq, Eq)]
pub enum Persisted {
    Inserted,
    /// The row already existed (a resumed claim).
    AlreadyThere,
    /// The rule was deleted meanwhile: the event has no owner any more and is dropped.
    RuleGone,
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default()
}

pub async fn insert_event(pool: &PgPool, trigger: &Trigger) -> Result<Persisted, sqlx::Error> {
    let payload = serde_json::to_value(&trigger.payload).unwrap_or_default();
    let result = counted(
        sqlx::query(
            "INSERT INTO alert_events \
               (id, rule_id, api_key_id, exchange, symbol, interval, bar_open_time, value, payload, \
                triggered_at, request_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(trigger.payload.event_id)
        .bind(trigger.rule.id)
        .bind(trigger.rule.api_key_id)
        .bind(&trigger.payload.exchange)
        .bind(&trigger.payload.symbol)
        .bind(&trigger.payload.interval)
        .bind(time(trigger.bar_open_time_ms))
        .bind(trigger.payload.value)
        .bind(payload)
        .bind(time(trigger.computed_at_ms))
        .bind(trigger.request_id.as_deref())
        .execute(pool)
        .await,
    );
    match result {
        Ok(done) if done.rows_affected() == 1 => Ok(Persisted::Inserted),
        Ok(_) => Ok(Persisted::AlreadyThere),
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => Ok(Persisted::RuleGone),
        Err(e) => Err(e),
    }
}

/// Keeps the (rule, symbol) gate state for restarts; only fires change it, so this is rare.
pub async fn save_state(pool: &PgPool, trigger: &Trigger) -> Result<(), sqlx::Error> {
    let state = serde_json::to_value(&trigger.state).unwrap_or_default();
    let result = counted(
        sqlx::query(
            "INSERT INTO alert_rule_state (rule_id, symbol, state, updated_at) VALUES ($1, $2, $3, now()) \
             ON CONFLICT (rule_id, symbol) DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
        )
        .bind(trigger.rule.id)
        .bind(trigger.symbol_key())
        .bind(state)
        .execute(pool)
        .await,
    );
    match result {
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => Ok(()),
        other => other.map(|_| ()),
    }
}

/// `frequency: once` fired: no replica evaluates the rule again (the NOTIFY removes it everywhere).
pub async fn disable_rule(pool: &PgPool, trigger: &Trigger) -> Result<(), sqlx::Error> {
    counted(
        sqlx::query(
            "UPDATE alert_rules SET enabled = false, updated_at = now() \
             WHERE id = $1 AND revision = $2 AND enabled",
        )
        .bind(trigger.rule.id)
        .bind(trigger.rule.revision)
        .execute(pool)
        .await,
    )
    .map(|_| ())
}
