//! metrics-calculator configuration, read once at start-up from the environment (or same-named flags).

use std::time::Duration;

use clap::Parser;
use platform::CommonConfig;

pub const METRICS_PORT: &str = platform::config::METRICS_PORT;
pub const DB_MAX_CONNECTIONS: &str = "DB_MAX_CONNECTIONS";
pub const FLUSH_SIZE: &str = "CALC_FLUSH_SIZE";
pub const FLUSH_INTERVAL_MS: &str = "CALC_FLUSH_INTERVAL_MS";
pub const ACK_WAIT_SECS: &str = "CALC_ACK_WAIT_SECS";
pub const MAX_DELIVER: &str = "CALC_MAX_DELIVER";
pub const MAX_ACK_PENDING: &str = "CALC_MAX_ACK_PENDING";
pub const PARTITIONS: &str = "CALC_PARTITIONS";
pub const LEASE_TTL_SECS: &str = "CALC_LEASE_TTL_SECS";
pub const REPLICA_ID: &str = "CALC_REPLICA_ID";

#[derive(Debug, Clone, Parser)]
#[command(
    name = "metrics-calculator",
    version,
    about = "Computes technical indicators per symbol and interval, stores candles and indicators, publishes metric snapshots."
)]
pub struct Config {
    #[command(flatten)]
    pub common: CommonConfig,
    /// Port of `/metrics` and the health endpoints.
    #[arg(long, env = METRICS_PORT, default_value_t = 9091)]
    pub metrics_port: u16,
    /// Largest number of database connections per pool.
    #[arg(long, env = DB_MAX_CONNECTIONS, default_value_t = 10)]
    pub db_max_connections: u32,
    /// Candles per stored batch: one pull request, one upsert, one cumulative ack.
    #[arg(long, env = FLUSH_SIZE, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub flush_size: u32,
    /// Longest wait for new candles while none are pending (a batch takes what is pending, up to the flush size).
    #[arg(long, env = FLUSH_INTERVAL_MS, default_value_t = 100, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub flush_interval_ms: u64,
    /// Time JetStream waits for an ack before redelivering; in-flight batches send progress acks meanwhile.
    #[arg(long, env = ACK_WAIT_SECS, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub ack_wait_secs: u64,
    /// Deliveries after which JetStream gives up on a message (counted as poison via the server advisory).
    #[arg(long, env = MAX_DELIVER, default_value_t = 10, value_parser = clap::value_parser!(i64).range(2..=1000))]
    pub max_deliver: i64,
    /// Unacknowledged candles a partition may have in flight.
    #[arg(long, env = MAX_ACK_PENDING, default_value_t = 20_000, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub max_ack_pending: i64,
    /// Partitions the (exchange, symbol) space is hashed into; every replica must use the same number. One
    /// suits a single replica (or an active/standby pair); scaling out needs about one per replica, since every
    /// candle is delivered once per partition.
    #[arg(long, env = PARTITIONS, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub partitions: u32,
    /// Lifetime of a partition lease in NATS KV; a dead replica's partitions move after at most this long.
    #[arg(long, env = LEASE_TTL_SECS, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub lease_ttl_secs: u64,
    /// This replica's name in the lease bucket (default: a random id per process).
    #[arg(long, env = REPLICA_ID)]
    pub replica_id: Option<String>,
}

impl Config {
    /// Local defaults with the metrics port chosen by the OS and short timers, for tests.
    pub fn for_tests(common: CommonConfig) -> Self {
        Self {
            common,
            metrics_port: 0,
            db_max_connections: 10,
            flush_size: 1000,
            flush_interval_ms: 50,
            ack_wait_secs: 5,
            max_deliver: 5,
            max_ack_pending: 20_000,
            partitions: 4,
            lease_ttl_secs: 2,
            replica_id: None,
        }
    }

    pub fn flush_interval(&self) -> Duration {
        Duration::from_millis(self.flush_interval_ms)
    }

    pub fn ack_wait(&self) -> Duration {
        Duration::from_secs(self.ack_wait_secs)
    }

    pub fn lease_ttl(&self) -> Duration {
        Duration::from_secs(self.lease_ttl_secs)
    }
}
