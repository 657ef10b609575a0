//! The start-up every service shares: bind the metrics port, install metrics, serve telemetry, supervise tasks.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::catalog::Catalog;
use crate::health::{HealthCheck, HealthRegistry};
use crate::metrics::{MetricsError, MetricsHandle};
use crate::server::{ServiceInfo, telemetry_router};
use crate::shutdown::{RunOutcome, Supervisor, TaskResult};

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Metrics(#[from] MetricsError),
}

/// A running service's telemetry and task supervision.
#[derive(Debug)]
pub struct ServiceRuntime {
    info: ServiceInfo,
    health: HealthRegistry,
    metrics: MetricsHandle,
    supervisor: Supervisor,
    metrics_addr: SocketAddr,
}

impl ServiceRuntime {
    /// Binds `metrics_addr` (port 0 picks a free port) and starts serving `/metrics` and health at once, so
    /// probes see "starting" while the service connects and migrates.
    pub async fn start(
        info: ServiceInfo,
        catalog: &Catalog,
        metrics_addr: SocketAddr,
        drain_timeout: Duration,
    ) -> Result<Self, RuntimeError> {
        let metrics = MetricsHandle::install(catalog, info.version)?;
        let health = HealthRegistry::default();
        let supervisor = Supervisor::new(health.clone(), drain_timeout);
        let listener =
            TcpListener::bind(metrics_addr)
                .await
                .map_err(|source| RuntimeError::Bind {
                    addr: metrics_addr,
                    source,
                })?;
        let metrics_addr = listener.local_addr().map_err(|source| RuntimeError::Bind {
            addr: metrics_addr,
            source,
        })?;
        let router = telemetry_router(info, health.clone(), metrics.clone());
        let finished = supervisor.finished_token();
        tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(finished.cancelled_owned())
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "metrics server stopped");
            }
        });
        metrics.spawn_upkeep(supervisor.finished_token());
        tracing::info!(addr = %metrics_addr, service = info.name, version = info.version, "metrics and health listening");
        Ok(Self {
            info,
            health,
            metrics,
            supervisor,
            metrics_addr,
        })
    }

    pub fn info(&self) -> ServiceInfo {
        self.info
    }
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics_addr
    }
    pub fn health(&self) -> &HealthRegistry {
        &self.health
    }
    pub fn metrics(&self) -> &MetricsHandle {
        &self.metrics
    }
    pub fn register_check(&self, check: impl HealthCheck) {
        self.health.register(check);
    }
    pub fn shutdown_token(&self) -> CancellationToken {
        self.supervisor.shutdown_token()
    }
    pub fn spawn<F>(&mut self, name: &'static str, task: F)
    where
        F: std::future::Future<Output = TaskResult> + Send + 'static,
    {
        self.supervisor.spawn(name, task);
    }
    /// Readiness follows the checks from now on.
    pub fn set_running(&self) {
        self.health.set_running();
    }
    pub fn listen_for_signals(&self) {
        self.supervisor.listen_for_signals();
    }

    /// Runs until shutdown is requested or a task dies, then drains within the limit.
    pub async fn run(self) -> RunOutcome {
        self.supervisor.run().await
    }

    /// A binary's life after start-up: stop on SIGINT/SIGTERM, drain, log the outcome, give the exit code.
    pub async fn serve_until_signalled(self) -> std::process::ExitCode {
        self.listen_for_signals();
        let outcome = self.run().await;
        tracing::info!(?outcome, "stopped");
        outcome.exit_code()
    }
}
