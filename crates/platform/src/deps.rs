//! Wiring a service's dependencies: each connection comes with its real health check, and database pools
//! with their size gauge.

use std::time::Duration;

use observability::ServiceRuntime;
use observability::catalog::common::DATABASE_POOL_SIZE;
use observability::health::{NatsCheck, PostgresCheck, RedisCheck, TimescaleCheck};
use sqlx::PgPool;

use crate::config::CommonConfig;
use crate::connect::{self, ConnectError};
use crate::migrate::{self, Schema};

/// NATS, checked by connection state plus a round-trip flush.
pub async fn nats(
    runtime: &ServiceRuntime,
    common: &CommonConfig,
) -> Result<async_nats::Client, ConnectError> {
    let client = connect::nats(&common.nats_url, runtime.info().name).await?;
    runtime.register_check(NatsCheck::new(client.clone()));
    Ok(client)
}

/// The application database (API keys, alert rules and events), checked with `SELECT 1`.
pub fn app_db(
    runtime: &mut ServiceRuntime,
    common: &CommonConfig,
    max: u32,
) -> Result<PgPool, ConnectError> {
    let pool = connect::postgres(&common.database_url, max)?;
    runtime.register_check(PostgresCheck::new(pool.clone()));
    watch_pool_size(runtime, pool.clone(), "app");
    Ok(pool)
}

/// The time-series database, checked with `SELECT 1` and reporting whether TimescaleDB is installed.
pub fn timeseries_db(
    runtime: &mut ServiceRuntime,
    common: &CommonConfig,
    max: u32,
) -> Result<PgPool, ConnectError> {
    let pool = connect::postgres(common.timescale_url(), max)?;
    runtime.register_check(TimescaleCheck::new(pool.clone()));
    watch_pool_size(runtime, pool.clone(), "timeseries");
    Ok(pool)
}

/// Redis, checked with `PING`.
pub fn redis(
    runtime: &ServiceRuntime,
    common: &CommonConfig,
) -> Result<redis::Client, ConnectError> {
    let client = connect::redis(&common.redis_url)?;
    runtime.register_check(RedisCheck::new(client.clone()));
    Ok(client)
}

/// Applies the migrations (retrying while the database is down), then marks the service running, so
/// readiness stays 503 until the schema exists.
pub fn migrate_then_run(runtime: &mut ServiceRuntime, migrations: Vec<(PgPool, Schema)>) {
    let shutdown = runtime.shutdown_token();
    let health = runtime.health().clone();
    runtime.spawn("startup", async move {
        for (pool, schema) in &migrations {
            if !migrate::run_until_applied(pool, *schema, &shutdown).await {
                return Ok(());
            }
        }
        health.set_running();
        shutdown.cancelled().await;
        Ok(())
    });
}

fn watch_pool_size(runtime: &mut ServiceRuntime, pool: PgPool, database: &'static str) {
    let shutdown = runtime.shutdown_token();
    let gauge = DATABASE_POOL_SIZE.gauge_with(&[("database", database)]);
    runtime.spawn("pool-gauge", async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = tick.tick() => gauge.set(f64::from(pool.size())),
            }
        }
    });
}
