//! api-gateway configuration, read once at start-up from the environment (or same-named flags). Every variable
//! is listed in docs/api-gateway.md.

use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use platform::CommonConfig;

/// The binary: no subcommand serves the API; the others manage API keys and exit.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "api-gateway",
    version,
    about = "REST and WebSocket API of crypto-screener."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Creates an API key and prints it, alone, on stdout (it is stored hashed and cannot be shown again).
    CreateApiKey { name: String },
    /// Revokes the API key with this name; requests with it fail with 401 from then on.
    RevokeApiKey { name: String },
    /// Lists API keys (name, prefix, created, last used, revoked); never the keys themselves.
    ListApiKeys,
}

#[derive(Debug, Clone, Args)]
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
    /// Largest time a test delivery (`POST /alerts/{id}/test`) may take.
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = 5000)]
    pub webhook_timeout_ms: u64,
    /// `true` lets test deliveries reach private and loopback addresses (local development only; the same
    /// SSRF guard as the alert engine's).
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private: bool,
    #[command(flatten)]
    pub http: HttpConfig,
    #[command(flatten)]
    pub ws: WsConfig,
}

/// Limits and policies of the REST API.
#[derive(Debug, Clone, Args)]
pub struct HttpConfig {
    /// `true`: market-data endpoints (symbols, screener, candles, indicators, market WebSocket channels) need an
    /// API key too. Alert endpoints always do.
    #[arg(long, env = "REQUIRE_AUTH_FOR_MARKET_DATA", default_value_t = false, action = clap::ArgAction::Set)]
    pub require_auth_for_market_data: bool,
    /// Sustained requests per second per API key (or per client IP without a key).
    #[arg(long, env = "RATE_LIMIT_PER_SECOND", default_value_t = 20.0, value_parser = parse_positive)]
    pub rate_limit_per_second: f64,
    /// Requests a client may make at once above the sustained rate.
    #[arg(long, env = "RATE_LIMIT_BURST", default_value_t = 40)]
    pub rate_limit_burst: u32,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered with 503.
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value_t = 10.0, value_parser = parse_positive)]
    pub request_timeout_secs: f64,
    /// Comma-separated origins allowed by CORS, `*` for any; empty disables CORS headers.
    #[arg(long, env = "CORS_ORIGINS", default_value = "")]
    pub cors_origins: String,
    /// How long a verified API key is trusted before it is looked up again (a revocation takes effect after
    /// at most this long).
    #[arg(long, env = "API_KEY_CACHE_SECS", default_value_t = 10.0, value_parser = parse_positive)]
    pub api_key_cache_secs: f64,
}

/// WebSocket fan-out limits.
#[derive(Debug, Clone, Args)]
pub struct WsConfig {
    /// Messages a client may have waiting to be written; one more disconnects it with close code 1013.
    #[arg(long, env = "WS_SEND_QUEUE", default_value_t = 256)]
    pub send_queue: usize,
    /// Interval of server pings; a client silent for two intervals is disconnected.
    #[arg(long, env = "WS_PING_INTERVAL_SECS", default_value_t = 20.0, value_parser = parse_positive)]
    pub ping_interval_secs: f64,
    /// Shortest time between two `screener:<interval>` batches.
    #[arg(long, env = "WS_SCREENER_BATCH_MS", default_value_t = 500)]
    pub screener_batch_ms: u64,
    /// Channels one client may subscribe to.
    #[arg(long, env = "WS_MAX_SUBSCRIPTIONS", default_value_t = 100)]
    pub max_subscriptions: usize,
}

impl HttpConfig {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.request_timeout_secs)
    }
    pub fn api_key_cache(&self) -> Duration {
        Duration::from_secs_f64(self.api_key_cache_secs)
    }
}

impl WsConfig {
    pub fn ping_interval(&self) -> Duration {
        Duration::from_secs_f64(self.ping_interval_secs)
    }
    pub fn screener_batch(&self) -> Duration {
        Duration::from_millis(self.screener_batch_ms.max(1))
    }
}

impl Config {
    /// Local defaults with both ports chosen by the OS, for tests.
    pub fn for_tests(common: CommonConfig) -> Self {
        Self {
            common,
            metrics_port: 0,
            api_port: 0,
            db_max_connections: 10,
            webhook_timeout_ms: 5000,
            webhook_allow_private: true,
            http: HttpConfig {
                require_auth_for_market_data: false,
                rate_limit_per_second: 1000.0,
                rate_limit_burst: 1000,
                max_body_bytes: 64 * 1024,
                request_timeout_secs: 10.0,
                cors_origins: String::new(),
                api_key_cache_secs: 10.0,
            },
            ws: WsConfig {
                send_queue: 256,
                ping_interval_secs: 20.0,
                screener_batch_ms: 500,
                max_subscriptions: 100,
            },
        }
    }
}

fn parse_positive(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err("expected a positive number".into()),
    }
}
