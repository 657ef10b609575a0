//! Fan-out: per WebSocket channel name, the bounded send queues of the clients subscribed to it, shared by all
//! clients of this gateway instance. Market channels are fed by the screener feed (the instance's single NATS
//! subscription to metric snapshots); each `alerts` channel gets its own NATS subscription (`alerts.<key id>`)
//! while it has subscribers. Every message is serialised once, whatever the number of clients, and offered to
//! each queue without waiting: a full queue marks its client slow (closed with 1013), never delaying others.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::ws::Utf8Bytes;
use futures::StreamExt;
use market_model::{MetricSnapshot, Subjects};
use observability::CancellationToken;
use observability::catalog::common::NATS_MESSAGES_RECEIVED;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::batcher::ScreenerBatcher;
use super::message::push;

/// One client's place in a channel: its bounded queue and the token that marks it too slow.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub id: u64,
    pub queue: mpsc::Sender<Utf8Bytes>,
    pub slow: CancellationToken,
}

#[derive(Debug)]
pub struct Hub {
    channels: Mutex<HashMap<String, Vec<Subscriber>>>,
    tickers: Mutex<HashMap<String, (f64, Option<f64>)>>,
    batcher: ScreenerBatcher,
    nats: async_nats::Client,
    subjects: Subjects,
    shutdown: CancellationToken,
}

impl Hub {
    pub fn new(
        nats: async_nats::Client,
        subjects: Subjects,
        shutdown: CancellationToken,
    ) -> Arc<Self> {
        Arc::new(Self {
            channels: Mutex::default(),
            tickers: Mutex::default(),
            batcher: ScreenerBatcher::default(),
            nats,
            subjects,
            shutdown,
        })
    }

    /// Adds a client to `channel` (the internal name: `alerts:<key id>` for a key's alerts).
    pub fn subscribe(self: &Arc<Self>, channel: &str, subscriber: Subscriber) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(subscribers) = channels.get_mut(channel) {
            subscribers.push(subscriber);
            return;
        }
        channels.insert(channel.to_string(), vec![subscriber]);
        if let Some(key) = channel.strip_prefix("alerts:").and_then(|k| k.parse().ok()) {
            tokio::spawn(Arc::clone(self).forward_alerts(key, channel.to_string()));
        }
    }

    pub fn unsubscribe(&self, channel: &str, id: u64) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(subscribers) = channels.get_mut(channel) {
            subscribers.retain(|s| s.id != id);
            if subscribers.is_empty() && !channel.starts_with("alerts:") {
                channels.remove(channel);
            }
        }
    }

    /// Offers the message to every subscriber's queue without waiting; full queues mark their client slow.
    pub fn publish(&self, channel: &str, message: impl FnOnce() -> Utf8Bytes) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(subscribers) = channels.get_mut(channel) else {
            return;
        };
        if subscribers.is_empty() {
            return;
        }
        let message = message();
        subscribers.retain(|s| match s.queue.try_send(message.clone()) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                s.slow.cancel();
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        });
    }

    pub fn has_subscribers(&self, channel: &str) -> bool {
        let channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        channels.get(channel).is_some_and(|s| !s.is_empty())
    }

    /// Routes one snapshot from the feed to `metrics:`, `ticker:` and the `screener:` batch.
    pub fn on_snapshot(&self, snapshot: &Arc<MetricSnapshot>) {
        let symbol = snapshot.symbol.as_str();
        let channel = format!("metrics:{symbol}:{}", snapshot.interval);
        self.publish(&channel, || {
            push(
                &channel,
                &serde_json::to_value(&**snapshot).unwrap_or_default(),
            )
        });
        let ticker_channel = format!("ticker:{symbol}");
        if self.has_subscribers(&ticker_channel) && self.ticker_changed(snapshot) {
            let data = serde_json::json!({
                "exchange": snapshot.exchange.as_str(),
                "symbol": symbol,
                "close": snapshot.close,
                "change_pct_24h": snapshot.change_pct_24h,
                "time": snapshot.computed_at,
            });
            self.publish(&ticker_channel, || push(&ticker_channel, &data));
        }
        if self.has_subscribers(&format!("screener:{}", snapshot.interval)) {
            self.batcher.add(snapshot);
        }
    }

    /// Sends the pending `screener:<interval>` batches, at most once per `period`, until shutdown.
    pub async fn run_screener_batches(&self, period: std::time::Duration) {
        let mut last = tokio::time::Instant::now() - period;
        loop {
            tokio::select! {
                () = self.shutdown.cancelled() => return,
                () = self.batcher.changed() => {}
            }
            tokio::select! {
                () = self.shutdown.cancelled() => return,
                () = tokio::time::sleep_until(last + period) => {}
            }
            last = tokio::time::Instant::now();
            self.flush_screener();
        }
    }

    fn flush_screener(&self) {
        for (interval, changes) in self.batcher.drain() {
            let channel = format!("screener:{interval}");
            let data = serde_json::json!({"interval": interval.as_str(), "changes": changes});
            self.publish(&channel, || push(&channel, &data));
        }
    }

    /// Several intervals of one symbol arrive together: a ticker is pushed only when price or change moved.
    fn ticker_changed(&self, snapshot: &MetricSnapshot) -> bool {
        let mut tickers = self.tickers.lock().unwrap_or_else(PoisonError::into_inner);
        let now = (snapshot.close, snapshot.change_pct_24h);
        let previous = tickers.insert(snapshot.symbol.as_str().to_string(), now);
        previous != Some(now)
    }

    /// One NATS subscription per key with WebSocket subscribers; ends when the last one has left.
    async fn forward_alerts(self: Arc<Self>, key: Uuid, channel: String) {
        let subject = match self.subjects.alerts(key) {
            Ok(subject) => subject,
            Err(error) => return tracing::error!(%error, "invalid alerts subject"),
        };
        let mut subscription = match self.nats.subscribe(subject).await {
            Ok(subscription) => subscription,
            Err(error) => {
                tracing::error!(%error, "cannot subscribe to alert events");
                self.remove_if_idle(&channel, true);
                return;
            }
        };
        let mut idle_check = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tokio::select! {
                () = self.shutdown.cancelled() => return,
                message = subscription.next() => {
                    let Some(message) = message else {
                        self.remove_if_idle(&channel, true);
                        return;
                    };
                    NATS_MESSAGES_RECEIVED.counter_with(&[("kind", "alerts")]).increment(1);
                    match serde_json::from_slice::<serde_json::Value>(&message.payload) {
                        Ok(event) => self.publish(&channel, || push("alerts", &event)),
                        Err(error) => tracing::warn!(%error, "ignoring an alert event that is not JSON"),
                    }
                }
                _ = idle_check.tick() => {
                    if self.remove_if_idle(&channel, false) {
                        return;
                    }
                }
            }
        }
    }

    fn remove_if_idle(&self, channel: &str, force: bool) -> bool {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        let idle = channels.get(channel).is_none_or(Vec::is_empty);
        if idle || force {
            channels.remove(channel);
        }
        idle || force
    }
}
