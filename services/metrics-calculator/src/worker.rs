//! One partition's worker: a durable pull consumer on the CANDLES stream, fetched in batches of the flush size
//! (or whatever arrived within the flush interval), each batch processed to the end before the next pull, so
//! the candles of a series are handled in stream order.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::Message;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use futures::StreamExt;
use observability::CancellationToken;
use platform::Backoff;
use tokio::task::JoinHandle;

use crate::shared::{Owned, Shared};
use crate::store::Rows;

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
    pub(crate) rows: Rows,
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
            ack_policy: AckPolicy::Explicit,
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
            rows: Rows::default(),
        })
    }

    /// Pulls and processes batches until `stop` is cancelled; a batch in progress is finished first unless it
    /// is waiting for a dependency (then its messages stay unacknowledged and JetStream redelivers them). The
    /// next batch is pulled while the current one is processed; it is handled strictly after it.
    pub async fn run(mut self, stop: CancellationToken) {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let mut prefetched: Option<JoinHandle<Result<Vec<Message>, WorkerError>>> = None;
        while !stop.is_cancelled() {
            let mut fetch = prefetched.take().unwrap_or_else(|| self.spawn_fetch());
            let fetched = tokio::select! {
                _ = stop.cancelled() => {
                    fetch.abort();
                    return;
                }
                fetched = &mut fetch => fetched.unwrap_or_else(|e| Err(WorkerError::Pull(e.to_string()))),
            };
            match fetched {
                Ok(messages) if messages.is_empty() => {}
                Ok(messages) => {
                    backoff.reset();
                    prefetched = Some(self.spawn_fetch());
                    self.process(messages, &stop).await;
                }
                Err(error) => {
                    tracing::warn!(partition = self.partition, %error, "cannot pull candles; will retry");
                    tokio::select! {
                        _ = stop.cancelled() => return,
                        _ = tokio::time::sleep(backoff.next_delay()) => {}
                    }
                }
            }
        }
        if let Some(fetch) = prefetched {
            fetch.abort();
        }
    }

    fn spawn_fetch(&self) -> JoinHandle<Result<Vec<Message>, WorkerError>> {
        let consumer = self.consumer.clone();
        let size = self.shared.settings.flush_size;
        let wait = self.shared.settings.flush_interval;
        tokio::spawn(fetch(consumer, size, wait))
    }
}

async fn fetch(
    consumer: PullConsumer,
    size: usize,
    wait: Duration,
) -> Result<Vec<Message>, WorkerError> {
    let mut batch = consumer
        .batch()
        .max_messages(size)
        .expires(wait)
        .messages()
        .await
        .map_err(|e| WorkerError::Pull(e.to_string()))?;
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
