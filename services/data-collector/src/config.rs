//! data-collector configuration, read once at start-up from the environment (or same-named flags).

use clap::Parser;
use platform::CommonConfig;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "data-collector",
    version,
    about = "Streams candles from exchanges over WebSocket and publishes closed candles to NATS JetStream."
)]
pub struct Config {
    #[command(flatten)]
    pub common: CommonConfig,
    /// Port of `/metrics` and the health endpoints.
    #[arg(long, env = platform::config::METRICS_PORT, default_value_t = 9090)]
    pub metrics_port: u16,
}

impl Config {
    /// Local defaults with the metrics port chosen by the OS, for tests.
    pub fn for_tests(common: CommonConfig) -> Self {
        Self {
            common,
            metrics_port: 0,
        }
    }
}
