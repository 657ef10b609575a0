//! api-gateway configuration, read once at start-up from the environment (or same-named flags).

use clap::Parser;
use platform::CommonConfig;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "api-gateway",
    version,
    about = "REST and WebSocket API of crypto-screener."
)]
pub struct Config {
    #[command(flatten)]
    pub common: CommonConfig,
    /// Port of `/metrics` and the health endpoints.
    #[arg(long, env = platform::config::METRICS_PORT, default_value_t = 9093)]
    pub metrics_port: u16,
    /// Port of the public REST and WebSocket API.
    #[arg(long, env = "API_PORT", default_value_t = 8080)]
    pub api_port: u16,
    /// Largest number of database connections per pool.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
}

impl Config {
    /// Local defaults with both ports chosen by the OS, for tests.
    pub fn for_tests(common: CommonConfig) -> Self {
        Self {
            common,
            metrics_port: 0,
            api_port: 0,
            db_max_connections: 10,
        }
    }
}
