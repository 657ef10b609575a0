//! In-progress snapshots from `live.metrics.*` over core NATS, for `once_per_bar` and `every_time` rules.
//!
//! Core NATS is at-most-once: an update published while this replica is disconnected or too slow is gone.
//! That is acceptable for in-progress bars (the next update, at the latest the closed bar, comes soon), and
//! `once_per_bar_close` rules never depend on this path. Triggers wait in a bounded queue while Redis or
//! PostgreSQL is down; when it is full, new ones are dropped and counted.

use std::sync::Arc;

use futures::StreamExt;
use market_model::{MetricSnapshot, SubjectKind, Subjects};
use observability::catalog::alert_engine::TRIGGERS_DROPPED;
use observability::catalog::common::NATS_MESSAGES_RECEIVED;
use observability::{CancellationToken, TraceContext};
use tokio::sync::mpsc;

use crate::engine::{Engine, Trigger};
use crate::sink::Sink;

pub async fn run(
    nats: async_nats::Client,
    subjects: Subjects,
    engine: Arc<Engine>,
    queue: mpsc::Sender<Trigger>,
    shutdown: CancellationToken,
) -> Result<(), async_nats::SubscribeError> {
    let mut subscription = nats
        .subscribe(subjects.all(SubjectKind::LiveMetrics))
        .await?;
    loop {
        let message = tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            message = subscription.next() => message,
        };
        let Some(message) = message else {
            return Ok(());
        };
        NATS_MESSAGES_RECEIVED
            .counter_with(&[("kind", "live_metrics")])
            .increment(1);
        let Ok(snapshot) = MetricSnapshot::decode(&message.payload) else {
            tracing::debug!(subject = %message.subject, "skipping an undecodable live snapshot");
            continue;
        };
        if snapshot.closed {
            // Closed bars arrive through the stream, in order and at least once.
            continue;
        }
        let ctx = TraceContext::extract(message.headers.as_ref());
        let request_id = ctx.as_ref().map(|c| c.request_id.as_str());
        for trigger in engine.process(&snapshot, request_id).await {
            if queue.try_send(trigger).is_err() {
                TRIGGERS_DROPPED.counter().increment(1);
            }
        }
    }
}

/// Drains the live queue into the sink, holding while dependencies are down.
pub async fn drain(
    sink: Arc<Sink>,
    mut queue: mpsc::Receiver<Trigger>,
    shutdown: CancellationToken,
) {
    loop {
        let trigger = tokio::select! {
            _ = shutdown.cancelled() => return,
            trigger = queue.recv() => trigger,
        };
        let Some(trigger) = trigger else { return };
        if sink
            .persist_until_done(&trigger, &shutdown, None)
            .await
            .is_err()
        {
            return;
        }
    }
}
