//! `alert_events`: the caller's events with their delivery status, newest first.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::counted;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub rule_id: Uuid,
    pub exchange: String,
    pub symbol: String,
    pub interval: String,
    pub bar_open_time: DateTime<Utc>,
    pub value: Option<f64>,
    pub payload: Value,
    pub status: String,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub triggered_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy)]
pub struct EventFilter {
    pub rule_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub limit: i64,
}

#[derive(Debug, Clone)]
pub struct EventStore {
    pool: PgPool,
}

const COLUMNS: &str = "id, rule_id, exchange, symbol, interval, bar_open_time, value, payload, status, attempts, \
                       last_status_code, last_error, triggered_at, finished_at";

impl EventStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub async fn list(
        &self,
        owner: Uuid,
        filter: EventFilter,
    ) -> Result<Vec<EventRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM alert_events
             WHERE api_key_id = $1 AND ($2::uuid IS NULL OR rule_id = $2) AND ($3::timestamptz IS NULL OR triggered_at >= $3)
             ORDER BY triggered_at DESC, id DESC LIMIT $4"
        );
        counted(
            "app",
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(owner)
                .bind(filter.rule_id)
                .bind(filter.since)
                .bind(filter.limit)
                .fetch_all(&self.pool)
                .await,
        )
    }
}
