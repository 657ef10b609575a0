//! alert-engine: evaluates users' alert rules on every metric update and delivers signed webhooks exactly once.
//! Dependencies (all critical for readiness): NATS, PostgreSQL, TimescaleDB, Redis.
//!
//! Flow: closed snapshots (JetStream, per-replica durable consumer) and in-progress ones (core NATS) go to the
//! [`engine`], which evaluates only the rules indexed under their (symbol, interval); each trigger is claimed
//! in Redis, stored as a pending `alert_events` row and only then is the snapshot acknowledged; the
//! [`delivery`] worker sends pending rows as signed webhooks with retries. See docs/alert-engine.md.
//!
//! The gateway reuses [`webhook::deliver_test`] for `POST /alerts/{id}/test`.

mod config;
pub mod consume;
pub mod delivery;
pub mod engine;
pub mod event;
pub mod rules;
pub mod sink;
pub mod webhook;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use market_model::Subjects;
use observability::catalog::alert_engine::catalog;
use observability::{CancellationToken, HealthRegistry, RunOutcome, ServiceInfo, ServiceRuntime};
use platform::Backoff;
use platform::migrate::Schema;
use sqlx::PgPool;
use tokio::sync::Notify;

pub use config::Config;
pub use event::AlertPayload;
pub use webhook::{TestDelivery, TestTarget, WebhookSender, deliver_test};

use consume::closed::ConsumerSettings;
use delivery::{DeliveryWorker, RetryPolicy};
use engine::Engine;
use sink::Sink;
use sink::dedup::Dedup;

pub const SERVICE: ServiceInfo = ServiceInfo {
    name: "alert-engine",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Runtime(#[from] observability::RuntimeError),
    #[error(transparent)]
    Connect(#[from] platform::connect::ConnectError),
    #[error(transparent)]
    Namespace(#[from] market_model::SubjectError),
    #[error("cannot build the webhook client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("cannot set up Redis deduplication: {0}")]
    Redis(#[from] redis::RedisError),
}

/// A started service: telemetry is served, dependencies are connecting.
#[derive(Debug)]
pub struct App {
    runtime: ServiceRuntime,
}

/// Everything the engine task needs once dependencies are up.
struct Parts {
    config: Config,
    nats: async_nats::Client,
    app_db: PgPool,
    subjects: Subjects,
    engine: Arc<Engine>,
    sink: Arc<Sink>,
    worker: DeliveryWorker,
    health: HealthRegistry,
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
        let app_db =
            platform::deps::app_db(&mut runtime, &config.common, config.db_max_connections)?;
        let timeseries_db =
            platform::deps::timeseries_db(&mut runtime, &config.common, config.db_max_connections)?;
        let redis = platform::deps::redis(&runtime, &config.common)?;
        let subjects = Subjects::new(&config.common.nats_namespace)?;
        let replica = config.replica();
        let dedup = Dedup::new(
            redis,
            config.redis_key_prefix.clone(),
            replica.clone(),
            config.dedup_ttl_secs,
        )?;
        let sender = WebhookSender::new(config.webhook_timeout(), config.webhook_allow_private)?;
        let wake = Arc::new(Notify::new());
        let engine = Arc::new(Engine::new(timeseries_db));
        let sink = Arc::new(Sink {
            dedup,
            db: app_db.clone(),
            nats: nats.clone(),
            subjects: subjects.clone(),
            wake: wake.clone(),
        });
        let worker = DeliveryWorker {
            pool: app_db.clone(),
            sender,
            wake,
            retry: RetryPolicy {
                max_attempts: config.webhook_max_attempts,
                initial: Duration::from_millis(config.webhook_retry_initial_ms.max(1)),
                max: Duration::from_millis(config.webhook_retry_max_ms.max(1)),
            },
            concurrency: config.delivery_concurrency as usize,
            poll: Duration::from_millis(config.delivery_poll_ms.max(10)),
            attempt_timeout: config.webhook_timeout(),
        };
        let parts = Parts {
            config,
            nats,
            app_db,
            subjects,
            engine,
            sink,
            worker,
            health: runtime.health().clone(),
        };
        let shutdown = runtime.shutdown_token();
        runtime.spawn("engine", async move {
            run_engine(parts, shutdown).await;
            Ok(())
        });
        Ok(Self { runtime })
    }

    pub fn metrics_addr(&self) -> SocketAddr {
        self.runtime.metrics_addr()
    }

    /// Stops the service as SIGTERM would.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.runtime.shutdown_token()
    }

    pub async fn run(self) -> RunOutcome {
        self.runtime.run().await
    }
}

/// NATS consumer names may not contain `.`, `*`, `>` or whitespace.
fn durable_name(replica: &str) -> String {
    let safe: String = replica
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("alert-engine-{safe}")
}

/// Start-up (migrations, rules, stream and consumer), then readiness, then every loop until shutdown.
async fn run_engine(parts: Parts, shutdown: CancellationToken) {
    let Parts {
        config,
        nats,
        app_db,
        subjects,
        engine,
        sink,
        worker,
        health,
    } = parts;
    if !platform::migrate::run_until_applied(&app_db, Schema::App, &shutdown).await {
        return;
    }
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(5));
    loop {
        match rules::watch::resync(&app_db, &engine).await {
            Ok(count) => {
                tracing::info!(rules = count, "rules loaded");
                break;
            }
            Err(error) => tracing::warn!(%error, "cannot load rules; retrying"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(backoff.next_delay()) => {}
        }
    }
    let settings = ConsumerSettings {
        durable_name: durable_name(&config.replica()),
        ack_wait: Duration::from_secs(config.consumer_ack_wait_secs.max(1)),
        max_deliver: config.consumer_max_deliver,
        max_ack_pending: config.consumer_max_ack_pending,
    };
    let js = async_nats::jetstream::new(nats.clone());
    let consumer = loop {
        match consume::closed::declare(&js, &subjects, &settings).await {
            Ok(consumer) => break consumer,
            Err(error) => tracing::warn!(%error, "cannot declare the metrics consumer; retrying"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(backoff.next_delay()) => {}
        }
    };
    let (queue, queued) = tokio::sync::mpsc::channel(config.live_hold_capacity.max(1));
    let live = {
        let (nats, subjects, engine, shutdown) = (
            nats.clone(),
            subjects.clone(),
            engine.clone(),
            shutdown.clone(),
        );
        async move {
            if let Err(error) = consume::live::run(nats, subjects, engine, queue, shutdown).await {
                tracing::error!(%error, "cannot subscribe to live metrics; in-progress bars are not evaluated");
            }
        }
    };
    health.set_running();
    tracing::info!(consumer = %settings.durable_name, "alert engine running");
    tokio::join!(
        consume::closed::run(consumer, engine.clone(), sink.clone(), shutdown.clone()),
        live,
        consume::live::drain(sink, queued, shutdown.clone()),
        worker.run(shutdown.clone()),
        rules::watch::run(
            app_db,
            engine,
            Duration::from_secs(config.rules_resync_secs.max(1)),
            shutdown.clone()
        ),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durable_names_are_valid_nats_consumer_names() {
        assert_eq!(
            durable_name("alert-engine-0"),
            "alert-engine-alert-engine-0"
        );
        assert_eq!(durable_name("pod.a b*>"), "alert-engine-pod_a_b__");
    }
}
