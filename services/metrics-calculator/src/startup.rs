//! The calculator's start-up, in the order readiness depends on: migrations, streams, lease bucket; then the
//! service is marked running and the lease keeper, live path and advisory counter start.

use std::sync::Arc;
use std::time::Duration;

use observability::{CancellationToken, HealthRegistry, TaskResult};
use platform::migrate::{self, Schema};
use platform::{Backoff, streams};

use crate::leases::{self, Coordinator};
use crate::shared::Shared;
use crate::{advisories, live};

/// Which storage path the database offers; logged at start-up (the migrations pick the schema).
async fn storage_path(shared: &Shared) -> &'static str {
    let installed: Result<bool, sqlx::Error> = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')",
    )
    .fetch_one(&shared.pool)
    .await;
    match installed {
        Ok(true) => "timescaledb",
        Ok(false) => "plain postgresql",
        Err(_) => "unknown",
    }
}

/// Retries `step` with backoff until it succeeds; `None` if shutdown came first.
async fn until_ok<T, E: std::fmt::Display, Fut: std::future::Future<Output = Result<T, E>>>(
    what: &'static str,
    shutdown: &CancellationToken,
    mut step: impl FnMut() -> Fut,
) -> Option<T> {
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(2));
    loop {
        match step().await {
            Ok(value) => return Some(value),
            Err(error) => tracing::warn!(step = what, %error, "start-up step failed; will retry"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return None,
            _ = tokio::time::sleep(backoff.next_delay()) => {}
        }
    }
}

pub async fn run(
    shared: Arc<Shared>,
    health: HealthRegistry,
    replica: String,
    indicators: indicators::IndicatorConfig,
    shutdown: CancellationToken,
) -> TaskResult {
    if !migrate::run_until_applied(&shared.pool, Schema::Timeseries, &shutdown).await {
        return Ok(());
    }
    let path = storage_path(&shared).await;
    tracing::info!(path, "time-series storage ready");
    let ensured = until_ok("declare streams", &shutdown, || async {
        streams::ensure(&shared.js, streams::candles(&shared.subjects)).await?;
        streams::ensure(&shared.js, streams::metrics(&shared.subjects)).await
    })
    .await;
    if ensured.is_none() {
        return Ok(());
    }
    let Some(bucket) = until_ok("open lease bucket", &shutdown, || {
        leases::open_bucket(&shared)
    })
    .await
    else {
        return Ok(());
    };
    health.set_running();
    tracing::info!(%replica, partitions = shared.settings.partitions, "consuming candles");
    let coordinator = Coordinator::new(shared.clone(), bucket, replica, indicators);
    let (leased, live, advised) = tokio::join!(
        coordinator.run(shutdown.clone()),
        live::run(shared.clone(), shutdown.clone()),
        advisories::run(shared, shutdown.clone()),
    );
    leased.and(live).and(advised)
}
