//! data-collector: streams candles from an exchange over WebSocket and publishes closed candles to NATS
//! JetStream (`candles.<exchange>.<symbol>.<interval>`, deduplicated by `Nats-Msg-Id`) and in-progress ones to
//! core NATS (`live.candles.*`), back-filling over REST whatever the stream did not deliver.
//! Readiness: NATS reachable and at least one exchange connection open. docs/data-collector.md explains the
//! design.

mod backfill;
mod book;
mod checkpoint;
mod clock;
mod config;
mod exchange;
mod headers;
mod pacing;
mod publisher;
mod ratelog;
mod rest;
#[cfg(test)]
mod test_candles;
mod universe;
mod wiring;
mod ws;

use std::net::SocketAddr;
use std::process::ExitCode;

use observability::catalog::data_collector::catalog;
use observability::{RunOutcome, ServiceInfo, ServiceRuntime};

pub use config::{Config, IntervalList, SymbolList};
pub use exchange::ExchangeError;

pub const SERVICE: ServiceInfo = ServiceInfo {
    name: "data-collector",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Runtime(#[from] observability::RuntimeError),
    #[error(transparent)]
    Connect(#[from] platform::connect::ConnectError),
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    #[error("invalid NATS namespace: {0}")]
    Namespace(#[from] market_model::SubjectError),
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// A started service: telemetry is served, dependencies and exchange connections are coming up.
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
        let nats = platform::deps::nats(&runtime, &config.common).await?;
        wiring::start(&mut runtime, &config, nats)?;
        runtime.set_running();
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
        Ok(app) => app.runtime.serve_until_signalled().await,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            ExitCode::FAILURE
        }
    }
}
