//! Counters a test can read to check what the simulator did, above all whether it ever had to
//! disconnect or refuse a client for breaking Binance's rules.

use std::sync::atomic::{AtomicU64, Ordering};

/// A rule a client can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation {
    /// More incoming WebSocket messages per second than allowed (disconnect).
    MessageRate,
    /// More streams than allowed on one connection (URL refused or SUBSCRIBE rejected).
    StreamLimit,
    /// No pong echoing our ping in time (disconnect).
    PongTimeout,
    /// More new connections per window and IP than allowed (HTTP 429 on the upgrade).
    ConnectionRate,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub connections_opened: AtomicU64,
    pub connections_active: AtomicU64,
    pub messages_sent: AtomicU64,
    pub closed_candles_sent: AtomicU64,
    pub candles_skipped: AtomicU64,
    pub malformed_frames_sent: AtomicU64,
    pub server_shutdowns_sent: AtomicU64,
    pub forced_disconnects: AtomicU64,
    message_rate: AtomicU64,
    stream_limit: AtomicU64,
    pong_timeout: AtomicU64,
    connection_rate: AtomicU64,
    pub rest_requests: AtomicU64,
    pub rest_429: AtomicU64,
    pub rest_418: AtomicU64,
}

/// Rule violations by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ViolationCounts {
    pub message_rate: u64,
    pub stream_limit: u64,
    pub pong_timeout: u64,
    pub connection_rate: u64,
}

impl ViolationCounts {
    pub fn total(&self) -> u64 {
        self.message_rate + self.stream_limit + self.pong_timeout + self.connection_rate
    }
}

/// Point-in-time copy of the counters (also served as JSON by `GET /sim/stats`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatsSnapshot {
    pub connections_opened: u64,
    pub connections_active: u64,
    pub messages_sent: u64,
    pub closed_candles_sent: u64,
    pub candles_skipped: u64,
    pub malformed_frames_sent: u64,
    pub server_shutdowns_sent: u64,
    /// Connections closed by `--drop-every` or `POST /sim/drop-connections`.
    pub forced_disconnects: u64,
    pub violations: ViolationCounts,
    pub rest_requests: u64,
    pub rest_429: u64,
    pub rest_418: u64,
}

fn get(c: &AtomicU64) -> u64 {
    c.load(Ordering::Relaxed)
}

impl Stats {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn violation(&self, kind: Violation) {
        let counter = match kind {
            Violation::MessageRate => &self.message_rate,
            Violation::StreamLimit => &self.stream_limit,
            Violation::PongTimeout => &self.pong_timeout,
            Violation::ConnectionRate => &self.connection_rate,
        };
        Self::inc(counter);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            connections_opened: get(&self.connections_opened),
            connections_active: get(&self.connections_active),
            messages_sent: get(&self.messages_sent),
            closed_candles_sent: get(&self.closed_candles_sent),
            candles_skipped: get(&self.candles_skipped),
            malformed_frames_sent: get(&self.malformed_frames_sent),
            server_shutdowns_sent: get(&self.server_shutdowns_sent),
            forced_disconnects: get(&self.forced_disconnects),
            violations: ViolationCounts {
                message_rate: get(&self.message_rate),
                stream_limit: get(&self.stream_limit),
                pong_timeout: get(&self.pong_timeout),
                connection_rate: get(&self.connection_rate),
            },
            rest_requests: get(&self.rest_requests),
            rest_429: get(&self.rest_429),
            rest_418: get(&self.rest_418),
        }
    }
}
