//! Fan-out: one broadcast channel per WebSocket channel name, created on first subscription and shared by all
//! clients of this gateway instance. Market channels are fed by the screener feed (the instance's single NATS
//! subscription to metric snapshots); each `alerts` channel gets its own NATS subscription (`alerts.<key id>`)
//! while it has subscribers. Every message is serialised once, whatever the number of clients.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::ws::Utf8Bytes;
use futures::StreamExt;
use market_model::{MetricSnapshot, Subjects};
use observability::CancellationToken;
use observability::catalog::common::NATS_MESSAGES_RECEIVED;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::batcher::ScreenerBatcher;
use super::message::push;

#[derive(Debug)]
pub struct Hub {
    channels: Mutex<HashMap<String, broadcast::Sender<Utf8Bytes>>>,
    tickers: Mutex<HashMap<String, (f64, Option<f64>)>>,
    batcher: ScreenerBatcher,
    capacity: usize,
    nats: async_nats::Client,
    subjects: Subjects,
    shutdown: CancellationToken,
}

impl Hub {
    pub fn new(
        nats: async_nats::Client,
        subjects: Subjects,
        capacity: usize,
        shutdown: CancellationToken,
    ) -> Arc<Self> {
        Arc::new(Self {
            channels: Mutex::default(),
            tickers: Mutex::default(),
            batcher: ScreenerBatcher::default(),
            capacity: capacity.max(1),
            nats,
            subjects,
            shutdown,
        })
    }

    /// A receiver for `channel` (the internal name: `alerts:<key id>` for a key's alerts).
    pub fn subscribe(self: &Arc<Self>, channel: &str) -> broadcast::Receiver<Utf8Bytes> {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = channels.get(channel) {
            return sender.subscribe();
        }
        let (sender, receiver) = broadcast::channel(self.capacity);
        channels.insert(channel.to_string(), sender.clone());
        if let Some(key) = channel.strip_prefix("alerts:").and_then(|k| k.parse().ok()) {
            tokio::spawn(Arc::clone(self).forward_alerts(key, channel.to_string(), sender));
        }
        receiver
    }

    /// Sends to the channel's subscribers, if it has any (dropping the channel once the last one left).
    pub fn publish(&self, channel: &str, message: impl FnOnce() -> Utf8Bytes) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(sender) = channels.get(channel) else {
            return;
        };
        if sender.receiver_count() == 0 {
            channels.remove(channel);
            return;
        }
        // Err only means every receiver left meanwhile.
        let _ = sender.send(message());
    }

    pub fn has_subscribers(&self, channel: &str) -> bool {
        let channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        channels
            .get(channel)
            .is_some_and(|s| s.receiver_count() > 0)
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
    async fn forward_alerts(
        self: Arc<Self>,
        key: Uuid,
        channel: String,
        sender: broadcast::Sender<Utf8Bytes>,
    ) {
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
                        Ok(event) => drop(sender.send(push("alerts", &event))),
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
        let idle = channels
            .get(channel)
            .is_none_or(|s| s.receiver_count() == 0);
        if idle || force {
            channels.remove(channel);
        }
        idle || force
    }
}
