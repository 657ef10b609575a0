//! metrics-calculator: consumes closed candles from the CANDLES JetStream stream, computes technical indicators
//! per (exchange, symbol, interval) with the `indicators` engine, stores candles and indicator values in the
//! time-series database, and publishes a metric snapshot per update (closed ones to the METRICS stream,
//! in-progress ones on `live.metrics.*`). Replicas share the work through partition leases in NATS KV.
//! Dependencies (all critical for readiness): NATS, TimescaleDB (or plain PostgreSQL), and the pipeline
//! itself (batches can be stored and published). See docs/metrics-calculator.md.

mod advisories;
mod change;
mod config;
pub mod engine;
mod incoming;
pub mod key;
mod leases;
mod live;
mod pipeline;
mod publish;
mod shared;
mod startup;
pub mod store;
pub mod warm;
mod worker;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use market_model::Subjects;
use observability::catalog::metrics_calculator::catalog;
use observability::health::FnCheck;
use observability::{RunOutcome, ServiceInfo, ServiceRuntime};

pub use config::Config;
pub use leases::bucket_name;
pub use worker::consumer_name;

use crate::shared::{Settings, Shared};

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
    #[error("invalid NATS namespace: {0}")]
    Namespace(#[from] market_model::SubjectError),
}

/// A started service: telemetry is served, dependencies are connecting.
#[derive(Debug)]
pub struct App {
    runtime: ServiceRuntime,
    replica: String,
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
        let subjects = Subjects::new(&config.common.nats_namespace)?;
        let nats = platform::deps::nats(&runtime, &config.common).await?;
        let pool =
            platform::deps::timeseries_db(&mut runtime, &config.common, config.db_max_connections)?;
        let settings = Settings {
            flush_size: config.flush_size as usize,
            flush_interval: config.flush_interval(),
            ack_wait: config.ack_wait(),
            max_deliver: config.max_deliver,
            max_ack_pending: config.max_ack_pending,
            partitions: config.partitions,
            lease_ttl: config.lease_ttl(),
        };
        let shared = Arc::new(Shared::new(nats, pool, subjects, settings));
        register_pipeline_check(&runtime, shared.clone());
        let replica = config.replica_id.as_deref().map_or_else(
            || uuid::Uuid::new_v4().simple().to_string(),
            sanitise_replica_id,
        );
        let shutdown = runtime.shutdown_token();
        let health = runtime.health().clone();
        runtime.spawn(
            "calculator",
            startup::run(
                shared,
                health,
                replica.clone(),
                indicators::IndicatorConfig::default(),
                shutdown,
            ),
        );
        Ok(Self { runtime, replica })
    }

    pub fn metrics_addr(&self) -> SocketAddr {
        self.runtime.metrics_addr()
    }

    /// This replica's id in the lease bucket.
    pub fn replica_id(&self) -> &str {
        &self.replica
    }

    /// Stops the service as SIGTERM would.
    pub fn shutdown_token(&self) -> observability::CancellationToken {
        self.runtime.shutdown_token()
    }

    pub async fn run(self) -> RunOutcome {
        self.runtime.run().await
    }
}

fn register_pipeline_check(runtime: &ServiceRuntime, shared: Arc<Shared>) {
    runtime.register_check(FnCheck::new("pipeline", true, move || {
        let mut details = serde_json::Map::new();
        details.insert("partitions".into(), shared.owned_partitions().into());
        details.insert("pending".into(), shared.total_pending().into());
        if shared.pipeline_ok() {
            Ok(details)
        } else {
            Err("candle batches cannot be stored or published; holding them in JetStream".into())
        }
    }));
}

/// KV keys allow `[-/_=.a-zA-Z0-9]`; anything else in an operator-chosen id becomes `_`.
fn sanitise_replica_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_=".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
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
