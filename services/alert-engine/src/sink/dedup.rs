//! Cross-replica deduplication in Redis: one key per event identity, claimed with `SET NX` and an expiry.
//!
//! A claim is written as `claimed:<replica>` and becomes `done` once the event is persisted. A replica that
//! crashed between the two finds its own claim when its durable consumer redelivers the snapshot and resumes
//! (the insert is idempotent); any other value means another replica owns the event.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This replica owns the event now.
    Won,
    /// This replica claimed it before (a redelivery after a failure): finish the job.
    Resumed,
    /// Another replica claimed it, or it was already delivered: a duplicate.
    Taken,
}

#[derive(Clone)]
pub struct Dedup {
    conn: ConnectionManager,
    prefix: String,
    owner: String,
    ttl_secs: u64,
}

impl std::fmt::Debug for Dedup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dedup")
            .field("prefix", &self.prefix)
            .field("owner", &self.owner)
            .finish()
    }
}

impl Dedup {
    /// Connects lazily: Redis may be down at start-up; every call then fails fast and is retried by the caller.
    pub fn new(
        client: redis::Client,
        prefix: String,
        owner: String,
        ttl_secs: u64,
    ) -> Result<Self, redis::RedisError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client, config)?;
        Ok(Self {
            conn,
            prefix,
            owner,
            ttl_secs: ttl_secs.max(1),
        })
    }

    fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.prefix)
    }

    pub async fn claim(&self, suffix: &str) -> Result<Claim, redis::RedisError> {
        let key = self.key(suffix);
        let mine = format!("claimed:{}", self.owner);
        let mut conn = self.conn.clone();
        // Two rounds: the key may expire between a failed SET NX and the GET.
        for _ in 0..2 {
            let set: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(&mine)
                .arg("NX")
                .arg("EX")
                .arg(self.ttl_secs)
                .query_async(&mut conn)
                .await?;
            if set.is_some() {
                return Ok(Claim::Won);
            }
            let current: Option<String> =
                redis::cmd("GET").arg(&key).query_async(&mut conn).await?;
            match current {
                Some(value) if value == mine => return Ok(Claim::Resumed),
                Some(_) => return Ok(Claim::Taken),
                None => continue,
            }
        }
        Ok(Claim::Taken)
    }

    /// Marks the event persisted, keeping the expiry.
    pub async fn finish(&self, suffix: &str) -> Result<(), redis::RedisError> {
        let mut conn = self.conn.clone();
        let _: Option<String> = redis::cmd("SET")
            .arg(self.key(suffix))
            .arg("done")
            .arg("XX")
            .arg("EX")
            .arg(self.ttl_secs)
            .query_async(&mut conn)
            .await?;
        Ok(())
    }
}
