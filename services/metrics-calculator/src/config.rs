//! metrics-calculator configuration, read once at start-up from the environment (or same-named flags).

use clap::Parser;
use platform::CommonConfig;

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
    #[arg(long, env = platform::config::METRICS_PORT, default_value_t = 9091)]
    pub metrics_port: u16,
    /// Largest number of database connections per pool.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
}

impl Config {
    /// Local defaults with the metrics port chosen by the OS, for tests.
    pub fn for_tests(common: CommonConfig) -> Self {
        Self {
            common,
            metrics_port: 0,
            db_max_connections: 10,
        }
    }
}
