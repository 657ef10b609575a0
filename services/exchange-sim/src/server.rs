//! Builds the simulator: binds its listener (port 0 allowed), serves REST and WebSocket on it, and hands
//! back a handle for tests and `main`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::routing::{delete, get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::clock::SimClock;
use crate::config::SimConfig;
use crate::error::SimError;
use crate::market::replay::Replay;
use crate::market::symbols::{SymbolSpec, default_universe, spec_for_name};
use crate::market::universe::Universe;
use crate::rest::{control, klines, market, ticker, weights};
use crate::state::Shared;
use crate::stats::{Stats, StatsSnapshot};
use crate::ws::stalls::StreamStalls;
use crate::ws::upgrade;

/// How long `shutdown` waits for the server to drain before giving up.
const DRAIN_LIMIT: Duration = Duration::from_secs(5);

/// All routes; exposed so tests can drive the app without a socket if they want to.
pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/api/v3/ping", get(market::ping))
        .route("/api/v3/time", get(market::time))
        .route("/api/v3/exchangeInfo", get(market::exchange_info))
        .route("/api/v3/klines", get(klines::klines))
        .route("/api/v3/ticker/24hr", get(ticker::ticker_24hr))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            weights::limit,
        ));
    let sim = Router::new()
        .route("/sim/stats", get(control::stats))
        .route("/sim/drop-connections", post(control::drop_connections))
        .route("/sim/streams/{stream}/stall", post(control::stall_stream))
        .route("/sim/symbols/{symbol}", post(control::list_symbol))
        .route("/sim/symbols/{symbol}", delete(control::delist_symbol))
        .route(
            "/sim/symbols/{symbol}/status/{status}",
            post(control::set_status),
        );
    let ws = Router::new()
        .route("/ws", get(upgrade::raw_bare))
        .route("/ws/{*streams}", get(upgrade::raw))
        .route("/stream", get(upgrade::combined));
    api.merge(sim).merge(ws).with_state(shared)
}

fn universe(config: &SimConfig, replay: Option<&Replay>) -> Result<Vec<SymbolSpec>, SimError> {
    let seed = config.seed;
    Ok(match (replay, &config.symbol_list) {
        (Some(r), _) => vec![spec_for_name(&r.symbol, seed)?],
        (None, Some(list)) => list
            .iter()
            .map(|n| spec_for_name(n, seed))
            .collect::<Result<_, _>>()?,
        (None, None) => default_universe(config.symbols, seed),
    })
}

#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    pub async fn start(config: SimConfig) -> Result<RunningSim, SimError> {
        config.validate()?;
        let replay = config.replay.as_ref().map(Replay::load).transpose()?;
        let specs = universe(&config, replay.as_ref())?;
        let addr = SocketAddr::new(config.bind, config.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| SimError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SimError::Bind { addr, source })?;
        let shared = Arc::new(Shared {
            clock: SimClock::new(config.start_time_ms, config.clock_speed),
            universe: Universe::new(specs, config.seed),
            replay,
            stats: Stats::default(),
            shutdown: CancellationToken::new(),
            drop_all: watch::Sender::new(0),
            connections: upgrade::ConnectionLimiter::default(),
            weights: weights::WeightLimiter::default(),
            next_connection_id: AtomicU64::new(0),
            stalls: StreamStalls::default(),
            config,
        });
        let app = router(Arc::clone(&shared)).into_make_service_with_connect_info::<SocketAddr>();
        let token = shared.shutdown.clone();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(token.cancelled_owned())
                .await
        });
        let mut tasks = vec![server_task(server)];
        if let Some(every) = shared.config.faults.drop_every {
            tasks.push(tokio::spawn(drop_periodically(Arc::clone(&shared), every)));
        }
        tracing::info!(%addr, symbols = shared.universe.list().len(), "exchange simulator listening");
        Ok(RunningSim {
            addr,
            shared,
            tasks,
        })
    }
}

fn server_task(server: JoinHandle<std::io::Result<()>>) -> JoinHandle<()> {
    tokio::spawn(async move {
        match server.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "server stopped with an error"),
            Err(e) => tracing::error!(error = %e, "server task failed"),
        }
    })
}

/// `--drop-every`: closes every WebSocket on a fixed period.
async fn drop_periodically(shared: Arc<Shared>, every: Duration) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            () = shared.shutdown.cancelled() => return,
            _ = tick.tick() => shared.drop_all.send_modify(|generation| *generation += 1),
        }
    }
}

/// Handle to a running simulator; dropping it stops the simulator too.
#[derive(Debug)]
pub struct RunningSim {
    addr: SocketAddr,
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningSim {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    pub fn rest_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.shared.stats.snapshot()
    }

    /// Current simulated time in ms.
    pub fn now_ms(&self) -> i64 {
        self.shared.clock.now_ms()
    }

    /// Closes every WebSocket now (same as `POST /sim/drop-connections`).
    pub fn drop_connections(&self) {
        self.shared
            .drop_all
            .send_modify(|generation| *generation += 1);
    }

    /// Silences the stream's current subscriptions until it is subscribed again (same as
    /// `POST /sim/streams/{stream}/stall`).
    pub fn stall_stream(&self, stream: &str) {
        self.shared.stalls.stall(stream);
    }

    /// Resolves when shutdown was requested from elsewhere (never, unless `shutdown` is called).
    pub async fn stopped(&self) {
        self.shared.shutdown.cancelled().await;
    }

    /// Stops accepting, closes every WebSocket and waits (bounded) for the server to drain.
    pub async fn shutdown(mut self) {
        self.shared.shutdown.cancel();
        let tasks = std::mem::take(&mut self.tasks);
        let drained = tokio::time::timeout(DRAIN_LIMIT, futures::future::join_all(tasks)).await;
        if drained.is_err() {
            tracing::warn!(
                limit_secs = DRAIN_LIMIT.as_secs(),
                "drain time limit reached; forcing shutdown"
            );
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.shared.shutdown.cancel();
    }
}
