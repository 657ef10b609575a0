//! Database migrations, embedded at build time. Two sets, each with its own bookkeeping table so they can
//! share one database (the default) or live apart (`TIMESCALE_URL` pointing elsewhere):
//! - `app` (API keys, alert rules, alert events): run by the alert-engine and the api-gateway;
//! - `timeseries` (candles, indicator values): run by the metrics-calculator.
//!
//! sqlx takes a PostgreSQL advisory lock around a run, so replicas starting at once apply each migration once.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::migrate::{MigrateError, Migrator};
use tokio_util::sync::CancellationToken;

use crate::backoff::Backoff;

/// Which migration set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    App,
    Timeseries,
}

impl Schema {
    fn migrator(self) -> Migrator {
        let (mut migrator, table) = match self {
            Self::App => (sqlx::migrate!("./migrations/app"), "_sqlx_migrations_app"),
            Self::Timeseries => (
                sqlx::migrate!("./migrations/timeseries"),
                "_sqlx_migrations_timeseries",
            ),
        };
        migrator.dangerous_set_table_name(table);
        migrator
    }

    fn name(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Timeseries => "timeseries",
        }
    }
}

/// Applies the migrations once.
pub async fn run(pool: &PgPool, schema: Schema) -> Result<(), MigrateError> {
    schema.migrator().run(pool).await
}

/// Applies the migrations, retrying with backoff while the database is unreachable (a service starts before
/// its database). Returns `false` if shutdown was requested first. A migration that fails for any other reason
/// is retried too, and logged as an error each time, since an operator must act.
pub async fn run_until_applied(
    pool: &PgPool,
    schema: Schema,
    shutdown: &CancellationToken,
) -> bool {
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(2));
    loop {
        match run(pool, schema).await {
            Ok(()) => {
                tracing::info!(schema = schema.name(), "database migrations applied");
                return true;
            }
            Err(MigrateError::Execute(error)) if is_connection_error(&error) => {
                tracing::warn!(schema = schema.name(), %error, "database unreachable; will retry migrations");
            }
            Err(error) => {
                tracing::error!(schema = schema.name(), %error, "database migration failed; will retry");
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return false,
            _ = tokio::time::sleep(backoff.next_delay()) => {}
        }
    }
}

fn is_connection_error(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
    )
}
