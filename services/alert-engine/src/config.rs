//! alert-engine configuration, read once at start-up from the environment (or same-named flags).
//! Every variable is listed with its default in docs/alert-engine.md.

use std::time::Duration;

use clap::Parser;
use platform::CommonConfig;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "alert-engine",
    version,
    about = "Evaluates users' alert rules on every metric update and delivers signed webhooks exactly once."
)]
pub struct Config {
    #[command(flatten)]
    pub common: CommonConfig,
    /// Port of `/metrics` and the health endpoints.
    #[arg(long, env = platform::config::METRICS_PORT, default_value_t = 9092)]
    pub metrics_port: u16,
    /// Largest number of database connections per pool.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    /// Stable, unique name of this replica: names its durable consumer and its Redis claims. Falls back to
    /// HOSTNAME (a StatefulSet pod name), then to `alert-engine-0`.
    #[arg(long, env = "REPLICA_ID")]
    pub replica_id: Option<String>,
    #[arg(long, env = "HOSTNAME", hide = true)]
    pub hostname: Option<String>,
    /// Prefix of every Redis key the engine writes, so deployments and tests sharing a Redis stay apart.
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "screener:alerts:")]
    pub redis_key_prefix: String,
    /// Lifetime of a deduplication key; longer than the METRICS stream's retention (2 days), so a replay
    /// of everything retained never notifies twice.
    #[arg(long, env = "DEDUP_TTL_SECS", default_value_t = 3 * 24 * 3600)]
    pub dedup_ttl_secs: u64,
    /// Allow webhooks to loopback, private, link-local and similar addresses (local demos and tests only).
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private: bool,
    /// Time limit of one webhook attempt, connection included.
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = 5000)]
    pub webhook_timeout_ms: u64,
    /// Attempts per event before it is marked failed.
    #[arg(long, env = "WEBHOOK_MAX_ATTEMPTS", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub webhook_max_attempts: u32,
    /// First retry delay; doubles per attempt with full jitter, capped by WEBHOOK_RETRY_MAX_MS.
    #[arg(long, env = "WEBHOOK_RETRY_INITIAL_MS", default_value_t = 1000)]
    pub webhook_retry_initial_ms: u64,
    #[arg(long, env = "WEBHOOK_RETRY_MAX_MS", default_value_t = 300_000)]
    pub webhook_retry_max_ms: u64,
    /// Webhook attempts in flight at once per replica.
    #[arg(long, env = "DELIVERY_CONCURRENCY", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub delivery_concurrency: u32,
    /// How often the delivery worker looks for due retries (new events wake it at once).
    #[arg(long, env = "DELIVERY_POLL_MS", default_value_t = 1000)]
    pub delivery_poll_ms: u64,
    /// Full rule reload period, a safety net for missed NOTIFY messages.
    #[arg(long, env = "RULES_RESYNC_SECS", default_value_t = 300)]
    pub rules_resync_secs: u64,
    /// Deliveries of one snapshot before JetStream gives up on it.
    #[arg(long, env = "CONSUMER_MAX_DELIVER", default_value_t = 10)]
    pub consumer_max_deliver: i64,
    /// Time JetStream waits for an ack before redelivering (the engine sends progress while it holds).
    #[arg(long, env = "CONSUMER_ACK_WAIT_SECS", default_value_t = 30)]
    pub consumer_ack_wait_secs: u64,
    /// Unacknowledged snapshots in flight per replica.
    #[arg(long, env = "CONSUMER_MAX_ACK_PENDING", default_value_t = 1000)]
    pub consumer_max_ack_pending: i64,
    /// Triggers from in-progress bars that may wait for Redis/PostgreSQL before new ones are dropped.
    #[arg(long, env = "LIVE_HOLD_CAPACITY", default_value_t = 10_000)]
    pub live_hold_capacity: usize,
}

impl Config {
    /// Local defaults with the metrics port chosen by the OS, for tests.
    pub fn for_tests(common: CommonConfig) -> Self {
        Self {
            common,
            metrics_port: 0,
            db_max_connections: 10,
            replica_id: Some(format!("test-{}", uuid::Uuid::new_v4().simple())),
            hostname: None,
            redis_key_prefix: format!("test:{}:", uuid::Uuid::new_v4().simple()),
            dedup_ttl_secs: 3600,
            webhook_allow_private: true,
            webhook_timeout_ms: 2000,
            webhook_max_attempts: 6,
            webhook_retry_initial_ms: 50,
            webhook_retry_max_ms: 200,
            delivery_concurrency: 16,
            delivery_poll_ms: 100,
            rules_resync_secs: 300,
            consumer_max_deliver: 10,
            consumer_ack_wait_secs: 30,
            consumer_max_ack_pending: 1000,
            live_hold_capacity: 10_000,
        }
    }

    pub fn replica(&self) -> String {
        self.replica_id
            .clone()
            .or_else(|| self.hostname.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "alert-engine-0".into())
    }

    pub fn webhook_timeout(&self) -> Duration {
        Duration::from_millis(self.webhook_timeout_ms)
    }
}
