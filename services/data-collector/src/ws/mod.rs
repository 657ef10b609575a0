//! Exchange WebSocket connections: the [`manager`] turns the universe into shards of at most
//! `MAX_STREAMS_PER_CONNECTION` streams, each [`shard`] keeps one connection up (reconnecting with backoff,
//! rotating before the lifetime limit without a gap), and a [`session`] is one connection's life.

pub mod control;
pub mod frames;
pub mod manager;
pub mod session;
pub mod shard;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use exchange_connectors::Connector;
use observability::catalog::data_collector::WEBSOCKET_CONNECTIONS;
use tokio::sync::{Mutex, mpsc};

use crate::backfill::BackfillQueue;
use crate::book::{StreamBook, StreamKey};
use crate::clock::ExchangeClock;
use crate::pacing::SlidingWindow;
use crate::publisher::Closed;
use crate::ratelog::RateLimitedLog;
use crate::ws::frames::LivePublisher;

/// Timing rules of the connections.
#[derive(Debug, Clone)]
pub struct WsSettings {
    pub max_streams_per_connection: usize,
    /// A connection older than this is replaced (the exchange's lifetime minus the rotation margin).
    pub rotate_after: Duration,
    /// No kline update for this long: the stream (or, if all are silent, the connection) is stale.
    pub stale_after: Duration,
    pub reconnect_max_delay: Duration,
}

/// Everything sessions share.
pub struct WsContext {
    pub connector: Arc<dyn Connector>,
    pub settings: WsSettings,
    pub book: Arc<StreamBook>,
    pub clock: Arc<ExchangeClock>,
    pub closed_tx: mpsc::Sender<Closed>,
    pub live: LivePublisher,
    pub backfill: BackfillQueue,
    /// New connections across all shards (300 per 5 minutes on Binance).
    pub connection_pacer: Mutex<SlidingWindow>,
    /// Stream name -> stream, for the streams of the current universe.
    pub directory: RwLock<HashMap<String, StreamKey>>,
    pub open: OpenConnections,
    pub bad_frames: RateLimitedLog,
}

impl WsContext {
    pub fn keys_of(&self, names: &[String]) -> Vec<StreamKey> {
        let directory = self.directory.read().unwrap_or_else(|e| e.into_inner());
        names
            .iter()
            .filter_map(|n| directory.get(n).cloned())
            .collect()
    }
}

/// Count of open exchange connections, for readiness and the connections gauge.
#[derive(Debug, Clone, Default)]
pub struct OpenConnections(Arc<AtomicUsize>);

impl OpenConnections {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
    fn opened(&self) {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        WEBSOCKET_CONNECTIONS.gauge().set(n as f64);
    }
    fn closed(&self) {
        let n = self.0.fetch_sub(1, Ordering::Relaxed).saturating_sub(1);
        WEBSOCKET_CONNECTIONS.gauge().set(n as f64);
    }
}
