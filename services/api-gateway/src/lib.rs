//! api-gateway: the REST and WebSocket API every client talks to (screener, history, alert management, API
//! keys). API on `API_PORT` (8080), metrics and health on `METRICS_PORT` (9093).
//! Dependencies (all critical for readiness): NATS, PostgreSQL, TimescaleDB, Redis.

pub mod api;
mod config;
pub mod keys;
pub mod screener;
mod startup;
mod state;
mod store;
pub mod ws;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use market_model::Subjects;
use observability::catalog::api_gateway::{HTTP_DURATION, HTTP_REQUESTS, catalog};
use observability::{RunOutcome, ServiceInfo, ServiceRuntime};
use tokio::net::TcpListener;

pub use config::{Cli, Command, Config, HttpConfig, WsConfig};
pub use state::AppState;

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
    #[error("invalid NATS namespace: {0}")]
    Namespace(#[from] market_model::SubjectError),
    #[error("cannot build the webhook client: {0}")]
    Webhooks(#[from] reqwest::Error),
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
        let subjects = Subjects::new(&config.common.nats_namespace)?;
        let nats = platform::deps::nats(&runtime, &config.common).await?;
        let app_db =
            platform::deps::app_db(&mut runtime, &config.common, config.db_max_connections)?;
        let timeseries_db =
            platform::deps::timeseries_db(&mut runtime, &config.common, config.db_max_connections)?;
        let _redis = platform::deps::redis(&runtime, &config.common)?;

        let shutdown = runtime.shutdown_token();
        let state = AppState {
            view: Arc::default(),
            hub: ws::Hub::new(nats.clone(), subjects.clone(), shutdown.clone()),
            keys: Arc::new(keys::KeyVerifier::new(
                keys::KeyStore::new(app_db.clone()),
                config.http.api_key_cache(),
            )),
            limiter: Arc::new(api::RateLimiter::new(
                config.http.rate_limit_per_second,
                config.http.rate_limit_burst,
            )),
            webhooks: alert_engine::WebhookSender::new(
                std::time::Duration::from_millis(config.webhook_timeout_ms.max(1)),
                config.webhook_allow_private,
            )?,
            app_db: app_db.clone(),
            timeseries_db: timeseries_db.clone(),
            http: Arc::new(config.http.clone()),
            ws: Arc::new(config.ws.clone()),
            shutdown: shutdown.clone(),
        };
        spawn_screener(&mut runtime, &state, nats, subjects);

        let addr = SocketAddr::new(config.common.bind_address, config.api_port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let api_addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let router = api::router(state);
        runtime.spawn("api-server", async move {
            // Stops accepting at shutdown and lets in-flight requests finish; the supervisor bounds the wait.
            // WebSocket sessions watch the same token and close with 1001.
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
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

/// The snapshot feed, the start-up fill (readiness waits for it) and the screener batches.
fn spawn_screener(
    runtime: &mut ServiceRuntime,
    state: &AppState,
    nats: async_nats::Client,
    subjects: Subjects,
) {
    let (subscribed, on_subscribed) = tokio::sync::oneshot::channel();
    runtime.spawn(
        "screener-feed",
        screener::run_feed(
            nats,
            subjects,
            Arc::clone(&state.view),
            Arc::clone(&state.hub) as Arc<dyn screener::FeedSink>,
            subscribed,
            state.shutdown.clone(),
        ),
    );
    let startup = startup::Startup {
        app_db: state.app_db.clone(),
        timeseries_db: state.timeseries_db.clone(),
        view: Arc::clone(&state.view),
        subscribed: on_subscribed,
        health: runtime.health().clone(),
        shutdown: state.shutdown.clone(),
    };
    runtime.spawn("startup", startup.run());
    let (hub, period) = (Arc::clone(&state.hub), state.ws.screener_batch());
    runtime.spawn("screener-batches", async move {
        hub.run_screener_batches(period).await;
        Ok(())
    });
}

/// The binary's body: a key-management command, or start, serve until SIGINT/SIGTERM, drain, exit.
pub async fn run(cli: Cli) -> ExitCode {
    if let Some(command) = &cli.command {
        return keys::run_command(&cli.config, command).await;
    }
    match App::build(cli.config).await {
        Ok(app) => app.runtime.serve_until_signalled().await,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            ExitCode::FAILURE
        }
    }
}
