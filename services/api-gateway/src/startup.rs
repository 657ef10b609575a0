//! The start-up sequence readiness waits for: migrations, the snapshot subscription, then the screener fill
//! from stored values, so the first ready answer is already complete.

use std::sync::Arc;
use std::time::Duration;

use observability::{CancellationToken, HealthRegistry, TaskResult};
use platform::Backoff;
use platform::migrate::{self, Schema};
use sqlx::PgPool;
use tokio::sync::oneshot;

use crate::screener::{ScreenerView, load_latest};

pub struct Startup {
    pub app_db: PgPool,
    pub timeseries_db: PgPool,
    pub view: Arc<ScreenerView>,
    pub subscribed: oneshot::Receiver<()>,
    pub health: HealthRegistry,
    pub shutdown: CancellationToken,
}

impl Startup {
    /// Lives until shutdown, like every supervised task.
    pub async fn run(self) -> TaskResult {
        // The gateway reads the time-series tables; applying their (idempotent, advisory-locked) migrations
        // too lets it start before the metrics-calculator.
        for (pool, schema) in [
            (&self.app_db, Schema::App),
            (&self.timeseries_db, Schema::Timeseries),
        ] {
            if !migrate::run_until_applied(pool, schema, &self.shutdown).await {
                return Ok(());
            }
        }
        tokio::select! {
            () = self.shutdown.cancelled() => return Ok(()),
            subscribed = self.subscribed => subscribed?,
        }
        let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(2));
        loop {
            match load_latest(&self.timeseries_db, &self.view).await {
                Ok(loaded) => {
                    tracing::info!(loaded, "screener view filled from stored values");
                    break;
                }
                Err(error) => tracing::warn!(%error, "cannot fill the screener view yet; retrying"),
            }
            tokio::select! {
                () = self.shutdown.cancelled() => return Ok(()),
                () = tokio::time::sleep(backoff.next_delay()) => {}
            }
        }
        self.health.set_running();
        self.shutdown.cancelled().await;
        Ok(())
    }
}
