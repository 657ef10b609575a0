//! metrics-calculator: computes technical indicators per symbol and interval, stores candles and indicators, publishes metric snapshots.
//! Dependencies (all critical for readiness): NATS, TimescaleDB.

mod config;

use std::net::SocketAddr;
use std::process::ExitCode;

use observability::catalog::metrics_calculator::catalog;
use observability::{RunOutcome, ServiceInfo, ServiceRuntime};
use platform::migrate::Schema;

pub use config::Config;

pub const SERVICE: ServiceInfo = ServiceInfo {
    name: "metrics-calculator",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Runtime(#[from] observability::RuntimeError),
    #[error(transparent)]
    Connect(#[from] platform::connect::ConnectError),
}

/// A started service: telemetry is served, dependencies are connecting.
#[derive(Debug)]
pub struct App {
    runtime: ServiceRuntime,
}

impl App {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let metrics_addr = SocketAddr::new(config.common.bind_address, config.metrics_port);
        let mut runtime = ServiceRuntime::start(
            SERVICE,
            &catalog(),
            metrics_addr,
            config.common.shutdown_timeout(),
        )
        .await?;
        let _nats = platform::deps::nats(&runtime, &config.common).await?;
        let timeseries_db =
            platform::deps::timeseries_db(&mut runtime, &config.common, config.db_max_connections)?;
        platform::deps::migrate_then_run(
            &mut runtime,
            vec![(timeseries_db.clone(), Schema::Timeseries)],
        );
        Ok(Self { runtime })
    }

    pub fn metrics_addr(&self) -> SocketAddr {
        self.runtime.metrics_addr()
    }

    /// Stops the service as SIGTERM would.
    pub fn shutdown_token(&self) -> observability::CancellationToken {
        self.runtime.shutdown_token()
    }

    pub async fn run(self) -> RunOutcome {
        self.runtime.run().await
    }
}

/// The binary's body: start, serve until SIGINT/SIGTERM, drain, exit.
pub async fn run(config: Config) -> ExitCode {
    match App::build(config).await {
        Ok(app) => {
            app.runtime.listen_for_signals();
            let outcome = app.run().await;
            tracing::info!(?outcome, "stopped");
            outcome.exit_code()
        }
        Err(error) => {
            tracing::error!(%error, "cannot start");
            ExitCode::FAILURE
        }
    }
}
