//! Real dependency checks: NATS, PostgreSQL, TimescaleDB and Redis, plus closures for internal conditions.

use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::{Map, Value};

use super::HealthCheck;

/// NATS: the connection must be up and a round-trip flush (PING/PONG) must succeed.
#[derive(Debug, Clone)]
pub struct NatsCheck {
    client: async_nats::Client,
}

impl NatsCheck {
    pub fn new(client: async_nats::Client) -> Self {
        Self { client }
    }
}

impl HealthCheck for NatsCheck {
    fn name(&self) -> &str {
        "nats"
    }
    fn check(&self) -> BoxFuture<'_, Result<Map<String, Value>, String>> {
        async move {
            let state = self.client.connection_state();
            if state != async_nats::connection::State::Connected {
                return Err(format!("connection is {state}"));
            }
            self.client
                .flush()
                .await
                .map_err(|e| format!("flush failed: {e}"))?;
            Ok(Map::new())
        }
        .boxed()
    }
}

/// PostgreSQL: `SELECT 1` through the service's own pool.
#[derive(Debug, Clone)]
pub struct PostgresCheck {
    name: &'static str,
    pool: sqlx::PgPool,
}

impl PostgresCheck {
    pub fn new(pool: sqlx::PgPool) -> Self {
        Self {
            name: "postgres",
            pool,
        }
    }
}

async fn select_one(pool: &sqlx::PgPool) -> Result<(), String> {
    sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(pool)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

impl HealthCheck for PostgresCheck {
    fn name(&self) -> &str {
        self.name
    }
    fn check(&self) -> BoxFuture<'_, Result<Map<String, Value>, String>> {
        async move {
            select_one(&self.pool).await?;
            let mut details = Map::new();
            details.insert("pool_size".into(), self.pool.size().into());
            Ok(details)
        }
        .boxed()
    }
}

/// The time-series database: `SELECT 1`, and whether the `timescaledb` extension is installed (plain
/// PostgreSQL is a supported mode, so a missing extension is reported, not a failure).
#[derive(Debug, Clone)]
pub struct TimescaleCheck {
    pool: sqlx::PgPool,
}

impl TimescaleCheck {
    pub fn new(pool: sqlx::PgPool) -> Self {
        Self { pool }
    }
}

impl HealthCheck for TimescaleCheck {
    fn name(&self) -> &str {
        "timescaledb"
    }
    fn check(&self) -> BoxFuture<'_, Result<Map<String, Value>, String>> {
        async move {
            select_one(&self.pool).await?;
            let version: Option<String> = sqlx::query_scalar(
                "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'",
            )
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| e.to_string())?;
            let mut details = Map::new();
            details.insert("timescaledb_installed".into(), version.is_some().into());
            details.insert(
                "timescaledb_version".into(),
                version.map_or(Value::Null, Value::String),
            );
            details.insert("pool_size".into(), self.pool.size().into());
            Ok(details)
        }
        .boxed()
    }
}

/// Redis: `PING` on a fresh multiplexed connection, so the check sees the server as a new client would.
#[derive(Debug, Clone)]
pub struct RedisCheck {
    client: redis::Client,
}

impl RedisCheck {
    pub fn new(client: redis::Client) -> Self {
        Self { client }
    }
}

impl HealthCheck for RedisCheck {
    fn name(&self) -> &str {
        "redis"
    }
    fn check(&self) -> BoxFuture<'_, Result<Map<String, Value>, String>> {
        async move {
            let mut conn = self
                .client
                .get_multiplexed_async_connection()
                .await
                .map_err(|e| e.to_string())?;
            let pong: String = redis::cmd("PING")
                .query_async(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            if pong != "PONG" {
                return Err(format!("unexpected PING reply {pong:?}"));
            }
            Ok(Map::new())
        }
        .boxed()
    }
}

/// A check computed from in-process state (e.g. "at least one exchange connection is up").
pub struct FnCheck<F> {
    name: &'static str,
    critical: bool,
    probe: F,
}

impl<F> FnCheck<F>
where
    F: Fn() -> Result<Map<String, Value>, String> + Send + Sync + 'static,
{
    pub fn new(name: &'static str, critical: bool, probe: F) -> Self {
        Self {
            name,
            critical,
            probe,
        }
    }
}

impl<F> HealthCheck for FnCheck<F>
where
    F: Fn() -> Result<Map<String, Value>, String> + Send + Sync + 'static,
{
    fn name(&self) -> &str {
        self.name
    }
    fn critical(&self) -> bool {
        self.critical
    }
    fn check(&self) -> BoxFuture<'_, Result<Map<String, Value>, String>> {
        let result = (self.probe)();
        async move { result }.boxed()
    }
}
