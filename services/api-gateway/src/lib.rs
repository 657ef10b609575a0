//! api-gateway: the REST and WebSocket API every client talks to (screener, history, alert management, API
//! keys). API on `API_PORT` (8080), metrics and health on `METRICS_PORT` (9093).
//! Dependencies (all critical for readiness): NATS, PostgreSQL, TimescaleDB, Redis.

pub mod api;
mod config;

use std::net::SocketAddr;
use std::process::ExitCode;

use observability::catalog::api_gateway::{HTTP_DURATION, HTTP_REQUESTS, catalog};
use observability::{RunOutcome, ServiceInfo, ServiceRuntime};
use platform::migrate::Schema;
use tokio::net::TcpListener;

pub use config::Config;

pub const SERVICE: ServiceInfo = ServiceInfo {
    name: "api-gateway",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Runtime(#[from] observability::RuntimeError),
    #[error(transparent)]
    Connect(#[from] platform::connect::ConnectError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A started gateway: telemetry and the API are served, dependencies are connecting.
#[derive(Debug)]
pub struct App {
    runtime: ServiceRuntime,
    api_addr: SocketAddr,
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
        for (method, route) in api::ROUTES {
            HTTP_REQUESTS.zero(&[("method", method), ("route", route), ("status", "200")]);
            HTTP_DURATION.zero(&[("method", method), ("route", route)]);
        }
        let _nats = platform::deps::nats(&runtime, &config.common).await?;
        let app_db =
            platform::deps::app_db(&mut runtime, &config.common, config.db_max_connections)?;
        let _timeseries_db =
            platform::deps::timeseries_db(&mut runtime, &config.common, config.db_max_connections)?;
        let _redis = platform::deps::redis(&runtime, &config.common)?;
        platform::deps::migrate_then_run(&mut runtime, vec![(app_db, Schema::App)]);

        let addr = SocketAddr::new(config.common.bind_address, config.api_port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let api_addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let shutdown = runtime.shutdown_token();
        runtime.spawn("api-server", async move {
            // Stops accepting at shutdown and lets in-flight requests finish; the supervisor bounds the wait.
            axum::serve(listener, api::router())
                .with_graceful_shutdown(shutdown.cancelled_owned())
                .await?;
            Ok(())
        });
        tracing::info!(addr = %api_addr, "API listening");
        Ok(Self { runtime, api_addr })
    }

    pub fn metrics_addr(&self) -> SocketAddr {
        self.runtime.metrics_addr()
    }

    pub fn api_addr(&self) -> SocketAddr {
        self.api_addr
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
