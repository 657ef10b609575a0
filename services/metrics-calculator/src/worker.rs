//! One partition's worker: a durable pull consumer on the CANDLES stream, taken in batches of what is pending,
//! up to the flush size (waiting up to the flush interval when nothing is). Batches are computed strictly one after another, so the
//! candles of a series are handled in stream order; a batch is stored and acknowledged while the next one is
//! computed, and the commits run one at a time in batch order (see pipeline.rs).

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::Message;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use futures::StreamExt;
use observability::CancellationToken;
use platform::Backoff;
use tokio::task::JoinHandle;

use crate::pipeline::{commit, hold};
use crate::shared::{Owned, Shared};

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("cannot open the candle stream: {0}")]
    Stream(#[from] async_nats::jetstream::context::GetStreamError),
    #[error("cannot create consumer {name}: {source}")]
    Consumer {
        name: String,
        source: async_nats::jetstream::stream::ConsumerError,
    },
    #[error("pull request failed: {0}")]
    Pull(String),
}

/// The durable consumer of a partition: its name carries the partition count, so changing the count starts
/// new consumers instead of silently re-splitting old ones.
pub fn consumer_name(partition: u32, partitions: u32) -> String {
    format!("metrics-calculator-p{partition}-of-{partitions}")
}

pub struct Worker {
    pub(crate) shared: Arc<Shared>,
    pub(crate) partition: u32,
    pub(crate) owned: Arc<Owned>,
    pub(crate) consumer: PullConsumer,
}

impl Worker {
    pub async fn open(
        shared: Arc<Shared>,
        partition: u32,
        owned: Arc<Owned>,
    ) -> Result<Self, WorkerError> {
        let settings = &shared.settings;
        let stream = shared
            .js
            .get_stream(shared.subjects.candles_stream())
            .await?;
        let name = consumer_name(partition, settings.partitions);
        let deliver_policy = match stream.consumer_info(&name).await {
            Ok(info) => {
                // Resume from the ack floor with a fresh consumer, so candles a previous owner received but did
                // not acknowledge come again in stream order, before anything newer (JetStream would otherwise
                // redeliver them after ack_wait, behind newer candles of the same series).
                let floor = info.ack_floor.stream_sequence;
                let start_sequence = match info.config.deliver_policy {
                    DeliverPolicy::ByStartSequence { start_sequence } => {
                        start_sequence.max(floor + 1)
                    }
                    _ => floor + 1,
                };
                stream
                    .delete_consumer(&name)
                    .await
                    .map_err(|source| WorkerError::Consumer {
                        name: name.clone(),
                        source,
                    })?;
                DeliverPolicy::ByStartSequence { start_sequence }
            }
            Err(_) => DeliverPolicy::All,
        };
        let config = pull::Config {
            durable_name: Some(name.clone()),
            description: Some(format!(
                "metrics-calculator partition {partition} of {}",
                settings.partitions
            )),
            deliver_policy,
            // Cumulative: one ack settles a whole batch (see pipeline.rs).
            ack_policy: AckPolicy::All,
            ack_wait: settings.ack_wait,
            max_deliver: settings.max_deliver,
            max_ack_pending: settings.max_ack_pending,
            filter_subject: shared.subjects.all(market_model::SubjectKind::Candles),
            ..Default::default()
        };
        let consumer = stream
            .create_consumer(config)
            .await
            .map_err(|source| WorkerError::Consumer { name, source })?;
        Ok(Self {
            shared,
            partition,
            owned,
            consumer,
        })
    }

    /// Pulls and processes batches until `stop` is cancelled; a batch in progress is finished first unless it
    /// is waiting for a dependency (then its messages stay unacknowledged and JetStream redelivers them). While
    /// a batch commits (a task of its own), the next one is pulled and computed; it commits after it. Nothing
    /// more is pulled until then, so at most one batch waits behind a failing commit, kept alive by progress
    /// acks (`hold`).
    pub async fn run(mut self, stop: CancellationToken) {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let mut committing: Option<JoinHandle<bool>> = None;
        let size = self.shared.settings.flush_size;
        let wait = self.shared.settings.flush_interval;
        while !stop.is_cancelled() {
            let fetched = tokio::select! {
                _ = stop.cancelled() => break,
                fetched = fetch(&self.consumer, size, wait) => fetched,
            };
            match fetched {
                Ok(messages) if messages.is_empty() => {}
                Ok(messages) => {
                    backoff.reset();
                    let Some(prepared) = self.prepare(messages, &stop).await else {
                        break;
                    };
                    // Acks are cumulative, so a batch is acknowledged only after the one before it.
                    if let Some(previous) = committing.take()
                        && !hold(&self.shared, previous, &prepared.messages).await
                    {
                        break;
                    }
                    committing = Some(tokio::spawn(commit(
                        self.shared.clone(),
                        prepared,
                        stop.clone(),
                    )));
                }
                Err(error) => {
                    tracing::warn!(partition = self.partition, %error, "cannot pull candles; will retry");
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(backoff.next_delay()) => {}
                    }
                }
            }
        }
        // The last commit finishes (or gives up when `stop` interrupts its retries) before the worker ends.
        if let Some(last) = committing {
            let _ = last.await;
        }
    }
}

/// The next batch: up to `size` candles, waiting at most about `wait` for the first one.
///
/// NATS 2.9.10 does not always end a pull request that expires partly filled (no `408` until other activity on
/// the consumer), so such a pull would sit on its messages until the client's own timer, `expires` + 5 s, and
/// past `ack_wait` they are redelivered. The batch is therefore taken with a `no_wait` pull, which the server
/// ends as soon as nothing more is available; only when nothing is available does the worker wait, with a
/// one-message pull that is either filled or expires empty (which the server does signal), and then takes
/// what else has arrived.
async fn fetch(
    consumer: &PullConsumer,
    size: usize,
    wait: Duration,
) -> Result<Vec<Message>, WorkerError> {
    let mut messages = pull(consumer, size, wait, true).await?;
    if messages.is_empty() {
        messages = pull(consumer, 1, wait, false).await?;
        if !messages.is_empty() && size > 1 {
            messages.extend(pull(consumer, size - 1, wait, true).await?);
        }
    }
    Ok(messages)
}

async fn pull(
    consumer: &PullConsumer,
    size: usize,
    expires: Duration,
    no_wait: bool,
) -> Result<Vec<Message>, WorkerError> {
    let batch = if no_wait {
        consumer
            .fetch()
            .max_messages(size)
            .expires(expires)
            .messages()
            .await
    } else {
        consumer
            .batch()
            .max_messages(size)
            .expires(expires)
            .messages()
            .await
    };
    let mut batch = batch.map_err(|e| WorkerError::Pull(e.to_string()))?;
    let mut messages = Vec::with_capacity(size);
    while let Some(item) = batch.next().await {
        match item {
            Ok(message) => messages.push(message),
            Err(error) if messages.is_empty() => return Err(WorkerError::Pull(error.to_string())),
            Err(_) => break,
        }
    }
    Ok(messages)
}
