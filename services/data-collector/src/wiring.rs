//! Assembles the collector's tasks: the JetStream publisher, the back-filler and the connection manager,
//! plus the readiness check on exchange connections and the staleness gauges.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream;
use exchange_connectors::universe::UniverseSpec;
use market_model::Subjects;
use observability::catalog::data_collector::{MAX_STREAM_STALENESS, STALE_STREAMS};
use observability::health::FnCheck;
use observability::{CancellationToken, ServiceRuntime};
use platform::Backoff;
use tokio::sync::{Mutex, mpsc};

use crate::backfill::{BackfillQueue, Backfiller};
use crate::book::StreamBook;
use crate::clock::ExchangeClock;
use crate::pacing::SlidingWindow;
use crate::publisher::{Publisher, PublisherSettings};
use crate::ratelog::RateLimitedLog;
use crate::rest::RestClient;
use crate::ws::frames::LivePublisher;
use crate::ws::manager::Manager;
use crate::ws::{OpenConnections, WsContext, WsSettings};
use crate::{Config, StartError, exchange};

/// Closed candles between the connections and the publisher; the publisher drains it into its own buffer.
const CLOSED_CHANNEL: usize = 8192;
/// Staleness periods without an update before a stream or connection counts as stale.
const STALE_PERIODS: u32 = 5;
/// Share of the exchange's connection budget used, leaving room for restarts and other clients.
const CONNECTION_BUDGET_SHARE: f64 = 0.9;

pub fn start(
    runtime: &mut ServiceRuntime,
    config: &Config,
    nats: async_nats::Client,
) -> Result<(), StartError> {
    let connector = exchange::connector(config)?;
    let subjects = Subjects::new(&config.common.nats_namespace)?;
    let rest = RestClient::new(Arc::clone(&connector))?;
    let limits = connector.limits().clone();
    let book = Arc::new(StreamBook::default());
    let clock = Arc::new(ExchangeClock::default());
    let queue = BackfillQueue::default();
    let (closed_tx, closed_rx) = mpsc::channel(CLOSED_CHANNEL);
    let shutdown = runtime.shutdown_token();

    let js = jetstream::ContextBuilder::new()
        .timeout(config.publish_ack_timeout())
        .build(nats.clone());
    let publisher = Publisher::new(
        nats.clone(),
        subjects.clone(),
        Arc::clone(&book),
        queue.clone(),
        PublisherSettings {
            max_in_flight: config.publish_max_in_flight,
            buffer: config.publish_buffer,
            ack_timeout: config.publish_ack_timeout(),
        },
    );
    let token = shutdown.clone();
    runtime.spawn("publisher", async move {
        publisher.run(closed_rx, token).await;
        Ok(())
    });

    let backfiller = Backfiller {
        rest: rest.clone(),
        book: Arc::clone(&book),
        clock: Arc::clone(&clock),
        queue: queue.clone(),
        out: closed_tx.clone(),
        initial_bars: config.backfill_initial_bars,
    };
    let token = shutdown.clone();
    runtime.spawn("backfill", async move {
        backfiller.run(token).await;
        Ok(())
    });

    let update_period = config
        .intervals
        .0
        .iter()
        .map(|i| connector.kline_update_period(*i))
        .max()
        .unwrap_or(Duration::from_secs(2));
    let stale_after = config
        .stale_after_secs
        .map_or(update_period * STALE_PERIODS, Duration::from_secs_f64);
    let lifetime = config
        .connection_lifetime_secs
        .map_or(limits.connection_lifetime, Duration::from_secs_f64);
    let rotate_after = lifetime
        .saturating_sub(Duration::from_secs_f64(config.rotation_margin_secs))
        .max(Duration::from_secs(1));
    let connection_budget =
        ((f64::from(limits.max_new_connections) * CONNECTION_BUDGET_SHARE) as usize).max(1);
    let open = OpenConnections::default();
    let ctx = Arc::new(WsContext {
        connector: Arc::clone(&connector),
        settings: WsSettings {
            max_streams_per_connection: config.max_streams_per_connection,
            rotate_after,
            stale_after,
            reconnect_max_delay: config.reconnect_max_delay(),
        },
        book: Arc::clone(&book),
        clock,
        closed_tx,
        live: LivePublisher::new(nats.clone(), subjects.clone()),
        backfill: queue,
        connection_pacer: Mutex::new(SlidingWindow::new(
            connection_budget,
            limits.new_connections_window,
        )),
        directory: Default::default(),
        open: open.clone(),
        bad_frames: RateLimitedLog::new(Duration::from_secs(10)),
    });
    runtime.register_check(FnCheck::new("exchange", true, move || match open.get() {
        0 => Err("no exchange connection is open".to_string()),
        n => {
            let mut details = serde_json::Map::new();
            details.insert("connections".into(), n.into());
            Ok(details)
        }
    }));

    let spec = if config.symbols.0.is_empty() {
        UniverseSpec::TopByQuoteVolume {
            quote: config.quote_asset.clone(),
            n: config.top_n,
        }
    } else {
        UniverseSpec::Explicit(config.symbols.0.clone())
    };
    let intervals = config.intervals.0.clone();
    let refresh = config.universe_refresh();
    let token = shutdown.clone();
    runtime.spawn("collector", async move {
        let Some(stream) = ensure_stream(&js, &subjects, &token).await else {
            return Ok(());
        };
        let manager = Manager {
            ctx,
            rest,
            spec,
            intervals,
            refresh,
            stream,
            subjects,
            shutdown: token,
        };
        manager.run().await;
        Ok(())
    });

    let token = shutdown;
    runtime.spawn("staleness", async move {
        watch_staleness(book, stale_after, token).await;
        Ok(())
    });
    Ok(())
}

/// Declares the CANDLES stream, retrying while NATS is unreachable; `None` on shutdown.
async fn ensure_stream(
    js: &jetstream::Context,
    subjects: &Subjects,
    shutdown: &CancellationToken,
) -> Option<jetstream::stream::Stream> {
    let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
    loop {
        match platform::streams::ensure(js, platform::streams::candles(subjects)).await {
            Ok(stream) => return Some(stream),
            Err(error) => {
                let delay = backoff.next_delay();
                tracing::warn!(%error, ?delay, "cannot declare the CANDLES stream; retrying");
                tokio::select! {
                    () = shutdown.cancelled() => return None,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

/// Exports the number of stale streams and the longest silence (bounded: no label per stream).
async fn watch_staleness(book: Arc<StreamBook>, threshold: Duration, shutdown: CancellationToken) {
    let count = STALE_STREAMS.gauge();
    let max = MAX_STREAM_STALENESS.gauge();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = tick.tick() => {
                let (stale, longest) = book.staleness(threshold);
                count.set(stale as f64);
                max.set(longest.as_secs_f64());
            }
        }
    }
}
