//! The instance's one subscription to metric snapshots (closed `metrics.>` and in-progress `live.metrics.>`,
//! core NATS, so every gateway instance sees every snapshot): updates the view and hands each kept snapshot
//! to the WebSocket hub.

use std::sync::Arc;

use futures::StreamExt;
use market_model::{MetricSnapshot, SubjectKind, Subjects};
use observability::catalog::common::NATS_MESSAGES_RECEIVED;
use observability::{CancellationToken, TaskResult};
use tokio::sync::oneshot;

use super::ScreenerView;

/// Where kept snapshots go next (the WebSocket hub).
pub trait FeedSink: Send + Sync {
    fn on_snapshot(&self, snapshot: &Arc<MetricSnapshot>);
}

impl FeedSink for crate::ws::Hub {
    fn on_snapshot(&self, snapshot: &Arc<MetricSnapshot>) {
        crate::ws::Hub::on_snapshot(self, snapshot);
    }
}

/// Runs until shutdown; `subscribed` fires once the server has both subscriptions, so the start-up fill
/// that follows cannot miss an update.
pub async fn run_feed(
    nats: async_nats::Client,
    subjects: Subjects,
    view: Arc<ScreenerView>,
    sink: Arc<dyn FeedSink>,
    subscribed: oneshot::Sender<()>,
    shutdown: CancellationToken,
) -> TaskResult {
    let closed = nats.subscribe(subjects.all(SubjectKind::Metrics)).await?;
    let live = nats
        .subscribe(subjects.all(SubjectKind::LiveMetrics))
        .await?;
    tokio::select! {
        () = shutdown.cancelled() => return Ok(()),
        flushed = nats.flush() => flushed?,
    }
    let _ = subscribed.send(());
    let mut messages = futures::stream::select(closed.map(|m| (true, m)), live.map(|m| (false, m)));
    loop {
        let (is_closed, message) = tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            next = messages.next() => match next {
                Some(next) => next,
                None => return Err("the NATS metric subscriptions ended".into()),
            },
        };
        let kind = if is_closed { "metrics" } else { "live_metrics" };
        NATS_MESSAGES_RECEIVED
            .counter_with(&[("kind", kind)])
            .increment(1);
        match MetricSnapshot::decode(&message.payload) {
            Ok(snapshot) => {
                let snapshot = Arc::new(snapshot);
                if view.upsert(Arc::clone(&snapshot)) {
                    sink.on_snapshot(&snapshot);
                }
            }
            Err(error) => {
                tracing::warn!(subject = %message.subject, %error, "ignoring an undecodable metric snapshot");
            }
        }
    }
}
