//! State shared by every handler and connection task of one running simulator.

use std::sync::atomic::AtomicU64;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::clock::SimClock;
use crate::config::SimConfig;
use crate::market::replay::Replay;
use crate::market::universe::Universe;
use crate::rest::weights::WeightLimiter;
use crate::stats::Stats;
use crate::ws::stalls::StreamStalls;
use crate::ws::upgrade::ConnectionLimiter;

#[derive(Debug)]
pub struct Shared {
    pub config: SimConfig,
    pub clock: SimClock,
    pub universe: Universe,
    pub replay: Option<Replay>,
    pub stats: Stats,
    pub shutdown: CancellationToken,
    /// Bumped to close every WebSocket at once (`/sim/drop-connections`, `--drop-every`).
    pub drop_all: watch::Sender<u64>,
    pub connections: ConnectionLimiter,
    pub weights: WeightLimiter,
    pub next_connection_id: AtomicU64,
    pub stalls: StreamStalls,
}

impl Shared {
    /// True when streams send closed candles as fast as clients read: `--clock-speed max`, or in replay
    /// mode `--speed max`.
    pub fn max_speed(&self) -> bool {
        match &self.replay {
            Some(r) => r.speed == crate::config::ClockSpeed::Max,
            None => self.config.clock_speed == crate::config::ClockSpeed::Max,
        }
    }
}
