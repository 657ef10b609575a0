//! Closed-bar snapshots from the METRICS stream through this replica's durable pull consumer.
//!
//! Every replica has its own durable consumer and sees every snapshot in stream order, so each keeps exact
//! per-(rule, symbol) crossing state; Redis claims make sure only one of them notifies. A snapshot is
//! acknowledged after its events are persisted; one that cannot be decoded is terminated and counted.
//!
//! Evaluation must follow stream order per (exchange, symbol, interval), not globally: messages are spread
//! over [`LANES`] tasks by subject, each evaluating its share in order (so decoding and first-sight history
//! lookups run in parallel). Persisting a snapshot's triggers and acknowledging it runs in up to
//! [`PERSIST_CONCURRENCY`] tasks, so a slow claim or insert does not stall evaluation. When they are all busy
//! (Redis down, say) the lanes fill up and the puller stops pulling: the hold is bounded.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use async_nats::jetstream::{self, AckKind, consumer};
use futures::StreamExt;
use market_model::snapshot::SNAPSHOT_VERSION;
use market_model::{MetricSnapshot, SubjectKind, Subjects};
use observability::catalog::alert_engine::POISON_MESSAGES;
use observability::catalog::common::NATS_MESSAGES_RECEIVED;
use observability::{CancellationToken, TraceContext};
use platform::Backoff;

use crate::engine::Engine;
use crate::sink::Sink;

/// The consumer's limits, explicit rather than server defaults.
#[derive(Debug, Clone)]
pub struct ConsumerSettings {
    pub durable_name: String,
    pub ack_wait: Duration,
    pub max_deliver: i64,
    pub max_ack_pending: i64,
}

/// Snapshots whose triggers are being persisted at once.
pub const PERSIST_CONCURRENCY: usize = 64;
/// Parallel evaluation lanes; a subject always goes to the same lane.
pub const LANES: usize = 8;

pub fn consumer_config(subjects: &Subjects, settings: &ConsumerSettings) -> consumer::pull::Config {
    consumer::pull::Config {
        durable_name: Some(settings.durable_name.clone()),
        description: Some("alert-engine replica: closed-bar metric snapshots".into()),
        deliver_policy: consumer::DeliverPolicy::All,
        ack_policy: consumer::AckPolicy::Explicit,
        ack_wait: settings.ack_wait,
        max_deliver: settings.max_deliver,
        max_ack_pending: settings.max_ack_pending,
        filter_subject: subjects.all(SubjectKind::Metrics),
        ..Default::default()
    }
}

/// Declares the METRICS stream (same limits as the calculator) and this replica's consumer.
pub async fn declare(
    js: &jetstream::Context,
    subjects: &Subjects,
    settings: &ConsumerSettings,
) -> Result<consumer::PullConsumer, Box<dyn std::error::Error + Send + Sync>> {
    let stream = platform::streams::ensure(js, platform::streams::metrics(subjects)).await?;
    let consumer = stream
        .get_or_create_consumer(&settings.durable_name, consumer_config(subjects, settings))
        .await?;
    Ok(consumer)
}

pub async fn run(
    consumer: consumer::PullConsumer,
    engine: Arc<Engine>,
    sink: Arc<Sink>,
    shutdown: CancellationToken,
) {
    let permits = Arc::new(Semaphore::new(PERSIST_CONCURRENCY));
    let mut lanes = JoinSet::new();
    let mut senders = Vec::with_capacity(LANES);
    for _ in 0..LANES {
        let (sender, receiver) = mpsc::channel(256);
        senders.push(sender);
        lanes.spawn(lane(
            receiver,
            engine.clone(),
            sink.clone(),
            permits.clone(),
            shutdown.clone(),
        ));
    }
    pull(&consumer, &senders, &shutdown).await;
    drop(senders);
    while lanes.join_next().await.is_some() {}
}

fn lane_of(subject: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    subject.hash(&mut hasher);
    (hasher.finish() % LANES as u64) as usize
}

async fn pull(
    consumer: &consumer::PullConsumer,
    lanes: &[mpsc::Sender<jetstream::Message>],
    shutdown: &CancellationToken,
) {
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(5));
    loop {
        let messages = consumer
            .stream()
            .max_messages_per_batch(256)
            .heartbeat(Duration::from_secs(5))
            .expires(Duration::from_secs(30))
            .messages()
            .await;
        let mut messages = match messages {
            Ok(messages) => messages,
            Err(error) => {
                tracing::warn!(%error, "cannot pull from the metrics consumer; retrying");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(backoff.next_delay()) => continue,
                }
            }
        };
        loop {
            let next = tokio::select! {
                _ = shutdown.cancelled() => return,
                next = messages.next() => next,
            };
            match next {
                None => break,
                Some(Err(error)) => {
                    tracing::warn!(%error, "metrics consumer error");
                    if matches!(
                        error.kind(),
                        consumer::pull::MessagesErrorKind::ConsumerDeleted
                    ) {
                        break;
                    }
                }
                Some(Ok(message)) => {
                    backoff.reset();
                    let lane = &lanes[lane_of(message.subject.as_str())];
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        sent = lane.send(message) => if sent.is_err() { return },
                    }
                }
            }
        }
    }
}

/// Evaluates one lane's snapshots in order and hands their triggers to persistence tasks.
async fn lane(
    mut receiver: mpsc::Receiver<jetstream::Message>,
    engine: Arc<Engine>,
    sink: Arc<Sink>,
    permits: Arc<Semaphore>,
    shutdown: CancellationToken,
) {
    let mut persisting = JoinSet::new();
    while let Some(message) = receiver.recv().await {
        if shutdown.is_cancelled() {
            break;
        }
        while persisting.try_join_next().is_some() {}
        let Some(triggers) = evaluate(&message, &engine).await else {
            continue;
        };
        if triggers.is_empty() {
            ack(&message).await;
            continue;
        }
        let permit = tokio::select! {
            _ = shutdown.cancelled() => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (sink, shutdown) = (sink.clone(), shutdown.clone());
        persisting.spawn(async move {
            for trigger in &triggers {
                if sink
                    .persist_until_done(trigger, &shutdown, Some(&message))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            ack(&message).await;
            drop(permit);
        });
    }
    // Give persistence in flight a moment; anything cut off stays unacknowledged and is redelivered.
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while persisting.join_next().await.is_some() {}
    })
    .await;
}

async fn ack(message: &jetstream::Message) {
    if let Err(error) = message.ack().await {
        tracing::warn!(%error, "cannot acknowledge a metric snapshot; it will be redelivered");
    }
}

/// The triggers of one snapshot, or `None` when it was terminated as unreadable.
async fn evaluate(
    message: &jetstream::Message,
    engine: &Engine,
) -> Option<Vec<crate::engine::Trigger>> {
    NATS_MESSAGES_RECEIVED
        .counter_with(&[("kind", "metrics")])
        .increment(1);
    let ctx = TraceContext::extract(message.headers.as_ref());
    let request_id = ctx.as_ref().map(|c| c.request_id.as_str());
    let snapshot = match MetricSnapshot::decode(&message.payload) {
        Ok(s) if s.v == SNAPSHOT_VERSION => s,
        outcome => {
            let reason = if outcome.is_ok() {
                "unsupported_version"
            } else {
                "undecodable"
            };
            POISON_MESSAGES
                .counter_with(&[("reason", reason)])
                .increment(1);
            tracing::warn!(subject = %message.subject, reason, request_id = request_id.unwrap_or(""),
                "terminating a metric snapshot the engine cannot read");
            let _ = message.ack_with(AckKind::Term).await;
            return None;
        }
    };
    Some(engine.process(&snapshot, request_id).await)
}
