//! Writing a claimed event: the pending `alert_events` row (what the delivery worker sends) with the rule's
//! gate state, and for `once` rules the rule's disabling. All idempotent, so a retry after a partial failure is safe.

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

/// Inserts the pending event and saves the (rule, symbol) gate state in one statement (one round trip).
pub async fn insert_event(pool: &PgPool, trigger: &Trigger) -> Result<Persisted, sqlx::Error> {
    let payload = serde_json::to_value(&trigger.payload).unwrap_or_default();
    let state = serde_json::to_value(&trigger.state).unwrap_or_default();
    let result = counted(
        sqlx::query_scalar::<_, i64>(
            "WITH event AS ( \
               INSERT INTO alert_events \
                 (id, rule_id, api_key_id, exchange, symbol, interval, bar_open_time, value, payload, \
                  triggered_at, request_id) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
               ON CONFLICT (id) DO NOTHING RETURNING id \
             ), state AS ( \
               INSERT INTO alert_rule_state (rule_id, symbol, state, updated_at) \
               VALUES ($2, $12, $13, now()) \
               ON CONFLICT (rule_id, symbol) DO UPDATE SET state = EXCLUDED.state, updated_at = now() \
             ) \
             SELECT count(*) FROM event",
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
        .bind(trigger.symbol_key())
        .bind(state)
        .fetch_one(pool)
        .await,
    );
    match result {
        Ok(1) => Ok(Persisted::Inserted),
        Ok(_) => Ok(Persisted::AlreadyThere),
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => Ok(Persisted::RuleGone),
        Err(e) => Err(e),
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
