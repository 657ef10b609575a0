//! One WebSocket connection: sends kline events, pings and control replies, and closes the socket when a
//! rule is broken, the lifetime ends, a fault is injected or the simulator shuts down.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket};
use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use crate::rng::{self, SplitMix};
use crate::state::Shared;
use crate::stats::{Stats, Violation};
use crate::ws::faults;
use crate::ws::feed::{Feed, Outgoing, Sink};
use crate::ws::heartbeat::Heartbeat;
use crate::ws::names::Resolved;
use crate::ws::reader::{self, Inbound};
use crate::ws::subscriptions::Subscriptions;

/// Frames produced per wake-up at `--clock-speed max` before yielding to control traffic.
const MAX_BATCH: usize = 256;

/// Why a connection ended (logged).
#[derive(Debug)]
enum Closed {
    ClientGone,
    Shutdown,
    Dropped,
    Lifetime,
    Violation(Violation),
}

impl Closed {
    fn label(&self) -> &'static str {
        match self {
            Self::ClientGone => "client_gone",
            Self::Shutdown => "shutdown",
            Self::Dropped => "dropped",
            Self::Lifetime => "lifetime",
            Self::Violation(Violation::MessageRate) => "message_rate",
            Self::Violation(Violation::PongTimeout) => "pong_timeout",
            Self::Violation(Violation::StreamLimit) => "stream_limit",
            Self::Violation(Violation::ConnectionRate) => "connection_rate",
        }
    }
}

struct Connection {
    shared: Arc<Shared>,
    sink: SplitSink<WebSocket, Message>,
    subs: Subscriptions,
    opened: Instant,
    heartbeat: Heartbeat,
    rng: SplitMix,
    out: Vec<Outgoing>,
    removals_seen: u64,
    /// At max speed: no feed had anything left last round (replay finished).
    exhausted: bool,
}

pub async fn run(
    shared: Arc<Shared>,
    socket: WebSocket,
    resolved: Vec<Resolved>,
    combined: bool,
    addr: SocketAddr,
) {
    let id = shared.next_connection_id.fetch_add(1, Ordering::Relaxed);
    Stats::inc(&shared.stats.connections_opened);
    Stats::inc(&shared.stats.connections_active);
    let (sink, stream) = socket.split();
    let (tx, rx) = mpsc::channel(64);
    let reader = tokio::spawn(reader::run(stream, tx, Arc::clone(&shared)));
    let now = Instant::now();
    let limits = &shared.config.limits;
    let mut conn = Connection {
        heartbeat: Heartbeat::new(limits.ping_interval, limits.pong_timeout, now),
        rng: SplitMix::new(rng::hash(&[shared.config.seed, id, 0xBAD])),
        subs: Subscriptions {
            feeds: resolved
                .into_iter()
                .map(|r| Feed::new(&shared, r, now))
                .collect(),
            combined,
        },
        removals_seen: shared.universe.removals(),
        sink,
        opened: now,
        out: Vec::new(),
        exhausted: false,
        shared: Arc::clone(&shared),
    };
    tracing::debug!(id, %addr, streams = conn.subs.feeds.len(), "websocket connected");
    let reason = conn.serve(rx).await;
    reader.abort();
    shared
        .stats
        .connections_active
        .fetch_sub(1, Ordering::Relaxed);
    tracing::debug!(id, %addr, reason = reason.label(), "websocket closed");
}

impl Connection {
    async fn serve(&mut self, mut inbound: mpsc::Receiver<Inbound>) -> Closed {
        let shutdown = self.shared.shutdown.clone();
        let mut drops = self.shared.drop_all.subscribe();
        loop {
            let wake = self.next_wake(Instant::now());
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return self.close(Closed::Shutdown).await,
                _ = drops.changed() => {
                    Stats::inc(&self.shared.stats.forced_disconnects);
                    return self.close(Closed::Dropped).await;
                }
                msg = inbound.recv() => match msg {
                    None => return Closed::ClientGone,
                    Some(Inbound::Text(text)) => {
                        let reply = self.subs.apply(&self.shared, &text);
                        self.exhausted = false;
                        if self.send_now(reply).await.is_err() {
                            return Closed::ClientGone;
                        }
                    }
                    Some(Inbound::Pong(payload)) => self.heartbeat.pong(&payload),
                    Some(Inbound::TooFast) => return self.close(Closed::Violation(Violation::MessageRate)).await,
                },
                () = tokio::time::sleep_until(wake.into()) => {
                    if let Err(closed) = self.on_wake().await {
                        return closed;
                    }
                }
            }
        }
    }

    fn lifetime_end(&self) -> Instant {
        self.opened + self.shared.config.limits.connection_lifetime
    }

    fn stalled(&self, now: Instant) -> bool {
        self.shared
            .config
            .faults
            .stall_after
            .is_some_and(|d| now >= self.opened + d)
    }

    fn next_wake(&self, now: Instant) -> Instant {
        let mut wake = (now + Duration::from_secs(1))
            .min(self.lifetime_end())
            .min(self.heartbeat.next_deadline());
        if let Some(d) = self.shared.config.faults.stall_after
            && !self.stalled(now)
        {
            wake = wake.min(self.opened + d);
        }
        if self.stalled(now) || self.subs.feeds.is_empty() {
            return wake;
        }
        if self.shared.max_speed() {
            return if self.exhausted { wake } else { now };
        }
        self.subs
            .feeds
            .iter()
            .filter_map(|f| f.next_wake(&self.shared, now))
            .fold(wake, Instant::min)
    }

    async fn on_wake(&mut self) -> Result<(), Closed> {
        let now = Instant::now();
        let shared = Arc::clone(&self.shared);
        if now >= self.lifetime_end() {
            Stats::inc(&shared.stats.server_shutdowns_sent);
            let event = format!(r#"{{"e":"serverShutdown","E":{}}}"#, shared.clock.now_ms());
            let text = if self.subs.combined {
                format!(r#"{{"stream":"!serverShutdown","data":{event}}}"#)
            } else {
                event
            };
            let _ = self.send_now(text).await;
            return Err(self.close(Closed::Lifetime).await);
        }
        if self.heartbeat.timed_out(now) {
            shared.stats.violation(Violation::PongTimeout);
            return Err(self.close(Closed::Violation(Violation::PongTimeout)).await);
        }
        if let Some(payload) = self.heartbeat.ping_due(now) {
            self.sink
                .send(Message::Ping(payload))
                .await
                .map_err(|_| Closed::ClientGone)?;
        }
        if shared.universe.removals() != self.removals_seen {
            self.removals_seen = shared.universe.removals();
            self.subs.feeds.retain(|f| f.still_listed(&shared));
        }
        if self.stalled(now) {
            return Ok(());
        }
        let mut sink = Sink {
            shared: &shared,
            combined: self.subs.combined,
            out: &mut self.out,
        };
        if shared.max_speed() {
            let mut progressed = true;
            while progressed && sink.out.len() < MAX_BATCH {
                progressed = false;
                for feed in &mut self.subs.feeds {
                    progressed |= feed.step_max(&mut sink);
                }
            }
            self.exhausted = !progressed;
        } else {
            for feed in &mut self.subs.feeds {
                feed.tick(&mut sink, now);
            }
        }
        self.flush_out().await
    }

    /// Sends the produced frames, replacing some with broken ones under `--malformed-rate`.
    async fn flush_out(&mut self) -> Result<(), Closed> {
        let mut out = std::mem::take(&mut self.out);
        if out.is_empty() {
            self.out = out;
            return Ok(());
        }
        let stats = &self.shared.stats;
        let p = self.shared.config.faults.malformed_rate;
        let (count, mut closed) = (out.len() as u64, 0u64);
        for frame in out.drain(..) {
            let text = if self.rng.chance(p) {
                Stats::inc(&stats.malformed_frames_sent);
                faults::corrupt(&frame.text, self.shared.clock.now_ms(), &mut self.rng)
            } else {
                closed += u64::from(frame.closed);
                frame.text
            };
            self.sink
                .feed(Message::Text(text.into()))
                .await
                .map_err(|_| Closed::ClientGone)?;
        }
        self.sink.flush().await.map_err(|_| Closed::ClientGone)?;
        Stats::add(&stats.messages_sent, count);
        Stats::add(&stats.closed_candles_sent, closed);
        self.out = out;
        Ok(())
    }

    async fn send_now(&mut self, text: String) -> Result<(), Closed> {
        self.sink
            .send(Message::Text(text.into()))
            .await
            .map_err(|_| Closed::ClientGone)?;
        Stats::inc(&self.shared.stats.messages_sent);
        Ok(())
    }

    async fn close(&mut self, reason: Closed) -> Closed {
        let _ = self.sink.send(Message::Close(None)).await;
        reason
    }
}
