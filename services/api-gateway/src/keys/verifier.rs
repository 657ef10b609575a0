//! Checks presented API keys, remembering verdicts briefly so authenticated market-data traffic does not cost
//! a database round trip per request. Revocations take effect within `API_KEY_CACHE_SECS`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use observability::catalog::common::{DATABASE_ERRORS, DATABASE_QUERIES};
use uuid::Uuid;

use super::secret::hash_key;
use super::store::KeyStore;

/// Bounds the cache; beyond it, expired entries are swept (and, if still full, everything is dropped).
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
pub struct KeyVerifier {
    store: KeyStore,
    ttl: Duration,
    /// SHA-256 of the key -> owner (`None`: not a valid key), and when that was learned.
    cache: Mutex<HashMap<String, (Option<Uuid>, Instant)>>,
}

impl KeyVerifier {
    pub fn new(store: KeyStore, ttl: Duration) -> Self {
        Self {
            store,
            ttl,
            cache: Mutex::default(),
        }
    }

    /// The key's id, `Ok(None)` for an unknown or revoked key.
    pub async fn verify(&self, key: &str) -> Result<Option<Uuid>, sqlx::Error> {
        let hash = hash_key(key);
        if let Some(owner) = self.cached(&hash) {
            return Ok(owner);
        }
        DATABASE_QUERIES
            .counter_with(&[("database", "app")])
            .increment(1);
        let owner = self.store.verify(key).await.inspect_err(|_| {
            DATABASE_ERRORS
                .counter_with(&[("database", "app")])
                .increment(1);
        })?;
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            cache.retain(|_, (_, at)| at.elapsed() < ttl);
            if cache.len() >= MAX_ENTRIES {
                cache.clear();
            }
        }
        cache.insert(hash, (owner, Instant::now()));
        Ok(owner)
    }

    fn cached(&self, hash: &str) -> Option<Option<Uuid>> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .get(hash)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(owner, _)| *owner)
    }
}
