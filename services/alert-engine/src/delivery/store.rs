//! The delivery queue is the `alert_events` table: due pending rows are leased with `FOR UPDATE SKIP LOCKED`
//! (so two replicas never take the same row) and the lease is their `next_attempt_at`, pushed past the
//! attempt's time limit; no transaction stays open during the HTTP call.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::rules::store::counted;

#[derive(Debug, sqlx::FromRow)]
pub struct Due {
    pub id: Uuid,
    pub attempts: i32,
    pub payload: serde_json::Value,
    pub secret: String,
    pub webhook_url: Option<String>,
    pub request_id: Option<String>,
    pub triggered_at: DateTime<Utc>,
}

/// The final or intermediate result of one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Delivered {
        status: u16,
    },
    Retry {
        status: Option<u16>,
        error: String,
        after: Duration,
    },
    Failed {
        status: Option<u16>,
        error: String,
    },
}

pub async fn lease_due(
    pool: &PgPool,
    limit: i64,
    lease: Duration,
) -> Result<Vec<Due>, sqlx::Error> {
    counted(
        sqlx::query_as::<_, Due>(
            "UPDATE alert_events e \
                SET next_attempt_at = now() + make_interval(secs => $2) \
               FROM (SELECT id FROM alert_events \
                      WHERE status = 'pending' AND next_attempt_at <= now() \
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due, \
                    alert_rules r \
              WHERE e.id = due.id AND r.id = e.rule_id \
          RETURNING e.id, e.attempts, e.payload, r.secret, r.spec->>'webhook_url' AS webhook_url, \
                    e.request_id, e.triggered_at",
        )
        .bind(limit)
        .bind(lease.as_secs_f64())
        .fetch_all(pool)
        .await,
    )
}

pub async fn record(
    pool: &PgPool,
    id: Uuid,
    attempts: i32,
    record: &Record,
) -> Result<(), sqlx::Error> {
    let (status, code, error, after) = match record {
        Record::Delivered { status } => ("delivered", Some(*status), None, None),
        Record::Retry {
            status,
            error,
            after,
        } => (
            "pending",
            *status,
            Some(error.as_str()),
            Some(after.as_secs_f64()),
        ),
        Record::Failed { status, error } => ("failed", *status, Some(error.as_str()), None),
    };
    counted(
        sqlx::query(
            "UPDATE alert_events SET status = $2, attempts = $3, last_status_code = $4, last_error = $5, \
                    next_attempt_at = CASE WHEN $6::double precision IS NULL THEN next_attempt_at \
                                           ELSE now() + make_interval(secs => $6) END, \
                    finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END \
              WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(attempts)
        .bind(code.map(i32::from))
        .bind(error)
        .bind(after)
        .execute(pool)
        .await,
    )
    .map(|_| ())
}

pub async fn pending_count(pool: &PgPool) -> Result<i64, sqlx::Error> {
    counted(
        sqlx::query_scalar("SELECT count(*) FROM alert_events WHERE status = 'pending'")
            .fetch_one(pool)
            .await,
    )
}
