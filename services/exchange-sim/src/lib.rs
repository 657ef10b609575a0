//! A local market-data server that speaks Binance's SPOT protocol (kline WebSocket streams, live
//! SUBSCRIBE control, and the REST endpoints a collector needs, with Binance's limits and error bodies),
//! so the whole product runs, demos and is tested offline. Data is synthetic (deterministic under a seed)
//! or replayed from a candle file, and faults (drops, malformed frames, stalls, skipped candles) can be
//! injected on demand. Start it in-process with [`Simulator::start`] or run the `exchange-sim` binary.

pub mod candle;
pub mod cli;
pub mod clock;
pub mod config;
pub mod decimal;
pub mod error;
pub mod interval;
pub mod market;
pub mod rest;
pub mod rng;
pub mod server;
pub mod state;
pub mod stats;
pub mod ws;

pub use config::{ClockSpeed, Faults, Limits, ReplayConfig, SimConfig};
pub use error::SimError;
pub use interval::Interval;
pub use server::{RunningSim, Simulator};
pub use stats::{StatsSnapshot, ViolationCounts};
