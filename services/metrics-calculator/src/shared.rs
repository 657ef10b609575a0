//! What the partition workers, the live path and the lease keeper share: connections, settings, the engines
//! of the partitions this replica owns, and the state readiness reports.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_nats::jetstream;
use market_model::Subjects;
use sqlx::PgPool;

use crate::engine::Engine;

/// Consumer settings, from [`crate::Config`].
#[derive(Debug, Clone)]
pub struct Settings {
    pub flush_size: usize,
    pub flush_interval: Duration,
    pub ack_wait: Duration,
    pub max_deliver: i64,
    pub max_ack_pending: i64,
    pub partitions: u32,
    pub lease_ttl: Duration,
}

/// The state of one owned partition.
#[derive(Debug)]
pub struct Owned {
    pub engine: Mutex<Engine>,
    /// Messages of the partition's consumer not yet delivered (from the last delivered message's metadata).
    pub pending: AtomicU64,
}

impl Owned {
    pub fn engine(&self) -> MutexGuard<'_, Engine> {
        // A panic while holding the lock cannot leave an engine half-updated in a way later candles could
        // observe (updates are all-or-nothing), so a poisoned lock is still usable.
        self.engine.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug)]
pub struct Shared {
    pub client: async_nats::Client,
    pub js: jetstream::Context,
    pub pool: PgPool,
    pub subjects: Subjects,
    pub settings: Settings,
    owned: Mutex<HashMap<u32, Arc<Owned>>>,
    /// Workers currently holding a batch they cannot store or publish; readiness reports it.
    failing_workers: AtomicUsize,
}

impl Shared {
    pub fn new(
        client: async_nats::Client,
        pool: PgPool,
        subjects: Subjects,
        settings: Settings,
    ) -> Self {
        Self {
            js: jetstream::new(client.clone()),
            client,
            pool,
            subjects,
            settings,
            owned: Mutex::new(HashMap::new()),
            failing_workers: AtomicUsize::new(0),
        }
    }

    fn owned_map(&self) -> MutexGuard<'_, HashMap<u32, Arc<Owned>>> {
        self.owned.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn insert(&self, partition: u32, owned: Arc<Owned>) {
        self.owned_map().insert(partition, owned);
    }

    pub fn remove(&self, partition: u32) {
        self.owned_map().remove(&partition);
    }

    pub fn get(&self, partition: u32) -> Option<Arc<Owned>> {
        self.owned_map().get(&partition).cloned()
    }

    pub fn owned_partitions(&self) -> Vec<u32> {
        let mut list: Vec<u32> = self.owned_map().keys().copied().collect();
        list.sort_unstable();
        list
    }

    pub fn total_pending(&self) -> u64 {
        self.owned_map()
            .values()
            .map(|o| o.pending.load(Ordering::Relaxed))
            .sum()
    }

    pub fn pipeline_ok(&self) -> bool {
        self.failing_workers.load(Ordering::Relaxed) == 0
    }

    /// A worker started (`true`) or stopped (`false`) failing to store or publish its batch.
    pub fn worker_failing(&self, failing: bool) {
        if failing {
            self.failing_workers.fetch_add(1, Ordering::Relaxed);
        } else {
            self.failing_workers.fetch_sub(1, Ordering::Relaxed);
        }
    }
}
