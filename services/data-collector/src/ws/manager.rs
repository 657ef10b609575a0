//! Keeps the connections in line with the universe: refreshes it periodically, loads the stored checkpoint
//! of new streams and queues their back-fill, shards the streams (stable assignment, so a refresh only
//! touches connections with changes) and starts or updates one [`Shard`] per connection.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::stream::Stream;
use exchange_connectors::sharding::{self, Assignment};
use exchange_connectors::universe::UniverseSpec;
use market_model::{Interval, Subjects};
use observability::CancellationToken;
use platform::Backoff;
use tokio::sync::watch;

use crate::book::StreamKey;
use crate::checkpoint;
use crate::rest::RestClient;
use crate::universe;
use crate::ws::WsContext;
use crate::ws::shard::Shard;

pub struct Manager {
    pub ctx: Arc<WsContext>,
    pub rest: RestClient,
    pub spec: UniverseSpec,
    pub intervals: Vec<Interval>,
    pub refresh: Duration,
    pub stream: Stream,
    pub subjects: Subjects,
    pub shutdown: CancellationToken,
}

impl Manager {
    pub async fn run(self) {
        let mut assignment = Assignment::default();
        let mut shards: Vec<watch::Sender<BTreeSet<String>>> = Vec::new();
        let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(30));
        loop {
            let wait = match self.apply(&mut assignment, &mut shards).await {
                Ok(()) => {
                    backoff.reset();
                    self.refresh.max(Duration::from_secs(1))
                }
                Err(error) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(%error, ?delay, "cannot refresh the universe; keeping the current one");
                    delay
                }
            };
            tokio::select! {
                () = self.shutdown.cancelled() => break,
                () = tokio::time::sleep(wait) => {}
            }
        }
        drop(shards); // shards stop when their sender is gone or on shutdown
    }

    async fn apply(
        &self,
        assignment: &mut Assignment,
        shards: &mut Vec<watch::Sender<BTreeSet<String>>>,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let symbols = universe::fetch(&self.rest, &self.spec).await?;
        let keys = universe::streams(&symbols, &self.intervals);
        let connector = &self.ctx.connector;
        let named: Vec<(String, StreamKey)> = keys
            .iter()
            .map(|k| (connector.stream_name(&k.symbol, k.interval), k.clone()))
            .collect();
        let new_keys: Vec<StreamKey> = {
            let directory = self.ctx.directory.read().unwrap_or_else(|e| e.into_inner());
            named
                .iter()
                .filter(|(name, _)| !directory.contains_key(name))
                .map(|(_, k)| k.clone())
                .collect()
        };
        let added = new_keys.len();
        let before = self
            .ctx
            .directory
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .len();
        let checkpoints =
            checkpoint::load(&self.stream, &self.subjects, connector.id(), new_keys).await?;
        for (key, last) in checkpoints {
            self.ctx.book.track(key.clone(), last);
            let from = self.ctx.book.resume_from(&key);
            self.ctx.backfill.push(key, from, None);
        }
        let wanted: std::collections::HashSet<&StreamKey> = keys.iter().collect();
        self.ctx.book.retain(|k| wanted.contains(k));
        *self
            .ctx
            .directory
            .write()
            .unwrap_or_else(|e| e.into_inner()) = named.iter().cloned().collect();
        let names: Vec<String> = named.into_iter().map(|(n, _)| n).collect();
        let per_connection = self
            .ctx
            .settings
            .max_streams_per_connection
            .clamp(1, connector.limits().max_streams_per_connection);
        *assignment = sharding::assign(assignment, &names, per_connection);
        let removed = (before + added).saturating_sub(names.len());
        if added > 0 || removed > 0 {
            tracing::info!(
                symbols = symbols.len(),
                streams = names.len(),
                added,
                removed,
                connections = assignment.connections.len(),
                "universe changed"
            );
        }
        for (index, set) in assignment.connections.iter().enumerate() {
            match shards.get(index) {
                Some(sender) if !sender.is_closed() => {
                    sender.send_if_modified(|current| {
                        let changed = current != set;
                        if changed {
                            current.clone_from(set);
                        }
                        changed
                    });
                }
                _ if set.is_empty() => {}
                _ => {
                    let (sender, receiver) = watch::channel(set.clone());
                    let shard = Shard {
                        ctx: Arc::clone(&self.ctx),
                        index,
                        streams: receiver,
                        shutdown: self.shutdown.clone(),
                    };
                    tokio::spawn(shard.run());
                    if index < shards.len() {
                        shards[index] = sender;
                    } else {
                        shards.push(sender);
                    }
                }
            }
        }
        for sender in shards.iter().skip(assignment.connections.len()) {
            sender.send_if_modified(|current| {
                let changed = !current.is_empty();
                current.clear();
                changed
            });
        }
        Ok(())
    }
}
