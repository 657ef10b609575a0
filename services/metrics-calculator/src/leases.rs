//! Partition ownership through NATS KV leases, so replicas share the partitions without two of them working on
//! one and without dropping any.
//!
//! The bucket keeps one key per partition (`lease.p<N>`, value: the owner's replica id) and one per live
//! replica (`member.<id>`), and expires every key `CALC_LEASE_TTL_SECS` after its last write (the bucket's
//! `max_age`; NATS 2.9 has no per-key TTL). Every `TTL / 3` a replica re-writes its member key, renews its
//! leases with a revision-checked update (CAS: it fails once another replica took the key over), hands back
//! leases above its fair share `ceil(partitions / members)` after finishing the current batch, and claims free
//! partitions with `create` (which only succeeds on a missing or expired key) up to its share. A replica that
//! dies stops renewing; its leases expire and the survivors claim them; the partition's durable consumer keeps
//! its position, and unacknowledged candles are redelivered to the new owner, which warm-starts from the
//! database.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::kv::{Store, UpdateErrorKind};
use bytes::Bytes;
use futures::StreamExt;
use observability::catalog::metrics_calculator::CONSUMER_PENDING;
use observability::{CancellationToken, TaskResult};
use tokio::task::JoinHandle;

use crate::engine::Engine;
use crate::shared::{Owned, Shared};
use crate::worker::Worker;

struct Lease {
    revision: u64,
    renewed: Instant,
    stop: CancellationToken,
    handle: JoinHandle<()>,
}

pub struct Coordinator {
    shared: Arc<Shared>,
    kv: Store,
    replica: String,
    indicators: indicators::IndicatorConfig,
    leases: HashMap<u32, Lease>,
}

/// The lease bucket of a namespace (`<ns>_METRICS_CALCULATOR_LEASES`).
pub fn bucket_name(subjects: &market_model::Subjects) -> String {
    let stream = subjects.candles_stream();
    let prefix = stream.strip_suffix("CANDLES").unwrap_or("");
    format!("{prefix}METRICS_CALCULATOR_LEASES")
}

/// Opens (or creates) the lease bucket. The backing stream is declared directly, with the settings
/// `create_key_value` would use, because that call first queries the account and cannot parse NATS 2.9's reply.
pub async fn open_bucket(shared: &Shared) -> Result<Store, async_nats::Error> {
    use async_nats::jetstream::stream::{Config, DiscardPolicy, StorageType};
    let bucket = bucket_name(&shared.subjects);
    if let Ok(store) = shared.js.get_key_value(&bucket).await {
        return Ok(store);
    }
    let config = Config {
        name: format!("KV_{bucket}"),
        description: Some("metrics-calculator partition leases".into()),
        subjects: vec![format!("$KV.{bucket}.>")],
        max_messages_per_subject: 1,
        max_age: shared.settings.lease_ttl,
        max_bytes: 1024 * 1024,
        max_message_size: 1024,
        storage: StorageType::File,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        discard: DiscardPolicy::New,
        num_replicas: 1,
        ..Default::default()
    };
    if let Err(error) = shared.js.create_stream(config).await {
        tracing::debug!(%error, "lease bucket not created (another replica may have created it)");
    }
    Ok(shared.js.get_key_value(&bucket).await?)
}

fn lease_key(partition: u32) -> String {
    format!("lease.p{partition}")
}

impl Coordinator {
    pub fn new(
        shared: Arc<Shared>,
        kv: Store,
        replica: String,
        indicators: indicators::IndicatorConfig,
    ) -> Self {
        Self {
            shared,
            kv,
            replica,
            indicators,
            leases: HashMap::new(),
        }
    }

    pub async fn run(mut self, shutdown: CancellationToken) -> TaskResult {
        let period = self.shared.settings.lease_ttl / 3;
        loop {
            self.round().await;
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(period) => {}
            }
        }
        let owned: Vec<u32> = self.leases.keys().copied().collect();
        for partition in owned {
            self.release(partition).await;
        }
        let _ = self.kv.delete(format!("member.{}", self.replica)).await;
        Ok(())
    }

    async fn round(&mut self) {
        let member = format!("member.{}", self.replica);
        if let Err(error) = self
            .kv
            .put(&member, Bytes::from(self.replica.clone()))
            .await
        {
            tracing::warn!(%error, "cannot renew membership in the lease bucket");
            // The bucket may have been deleted (or NATS replaced); declare it again for the next round.
            if let Ok(kv) = open_bucket(&self.shared).await {
                self.kv = kv;
            }
        }
        self.renew().await;
        let members = self.count_members().await.max(1);
        let partitions = self.shared.settings.partitions;
        let share = partitions.div_ceil(members) as usize;
        while self.leases.len() > share {
            let Some(&highest) = self.leases.keys().max() else {
                break;
            };
            self.release(highest).await;
        }
        for partition in 0..partitions {
            if self.leases.len() >= share {
                break;
            }
            if !self.leases.contains_key(&partition) {
                self.claim(partition).await;
            }
        }
        CONSUMER_PENDING
            .gauge()
            .set(self.shared.total_pending() as f64);
    }

    async fn renew(&mut self) {
        let ttl = self.shared.settings.lease_ttl;
        let mut lost = Vec::new();
        for (&partition, lease) in &mut self.leases {
            let value = Bytes::from(self.replica.clone());
            match self
                .kv
                .update(lease_key(partition), value, lease.revision)
                .await
            {
                Ok(revision) => {
                    lease.revision = revision;
                    lease.renewed = Instant::now();
                }
                Err(error) if error.kind() == UpdateErrorKind::WrongLastRevision => {
                    lost.push(partition)
                }
                Err(error) if lease.renewed.elapsed() >= ttl => {
                    tracing::warn!(partition, %error, "lease could not be renewed before it expired");
                    lost.push(partition);
                }
                Err(error) => tracing::warn!(partition, %error, "cannot renew lease; will retry"),
            }
        }
        for partition in lost {
            tracing::warn!(partition, "partition lease lost; stopping its worker");
            self.stop_worker(partition).await;
        }
    }

    async fn count_members(&self) -> u32 {
        match self.kv.keys().await {
            Ok(keys) => {
                let keys: Vec<_> = keys.collect().await;
                keys.iter()
                    .filter(|k| k.as_ref().is_ok_and(|k| k.starts_with("member.")))
                    .count() as u32
            }
            Err(error) => {
                tracing::warn!(%error, "cannot list lease bucket members");
                1
            }
        }
    }

    async fn claim(&mut self, partition: u32) {
        let Ok(revision) = self
            .kv
            .create(lease_key(partition), Bytes::from(self.replica.clone()))
            .await
        else {
            return;
        };
        let engine = match Engine::new(self.indicators) {
            Ok(engine) => engine,
            Err(error) => {
                tracing::error!(%error, "invalid indicator configuration");
                return;
            }
        };
        let owned = Arc::new(Owned {
            engine: std::sync::Mutex::new(engine),
            pending: Default::default(),
        });
        self.shared.insert(partition, owned.clone());
        let stop = CancellationToken::new();
        let handle = tokio::spawn(run_worker(
            self.shared.clone(),
            partition,
            owned,
            stop.clone(),
        ));
        tracing::info!(partition, replica = %self.replica, "partition lease acquired");
        self.leases.insert(
            partition,
            Lease {
                revision,
                renewed: Instant::now(),
                stop,
                handle,
            },
        );
    }

    /// Stops the worker after its current batch, then frees the lease for another replica.
    async fn release(&mut self, partition: u32) {
        let Some(revision) = self.leases.get(&partition).map(|l| l.revision) else {
            return;
        };
        self.stop_worker(partition).await;
        if let Err(error) = self
            .kv
            .delete_expect_revision(lease_key(partition), Some(revision))
            .await
        {
            tracing::warn!(partition, %error, "cannot release lease; it will expire");
        }
        tracing::info!(partition, "partition lease released");
    }

    async fn stop_worker(&mut self, partition: u32) {
        if let Some(lease) = self.leases.remove(&partition) {
            lease.stop.cancel();
            let _ = lease.handle.await;
        }
        self.shared.remove(partition);
    }
}

async fn run_worker(
    shared: Arc<Shared>,
    partition: u32,
    owned: Arc<Owned>,
    stop: CancellationToken,
) {
    let mut backoff = platform::Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
    let worker = loop {
        match Worker::open(shared.clone(), partition, owned.clone()).await {
            Ok(worker) => break worker,
            Err(error) => {
                tracing::warn!(partition, %error, "cannot open partition consumer; will retry")
            }
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(backoff.next_delay()) => {}
        }
    };
    worker.run(stop).await;
}
