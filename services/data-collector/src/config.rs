//! data-collector configuration, read once at start-up from the environment (or same-named flags).
//! docs/data-collector.md has the table of every variable.

use std::time::Duration;

use clap::Parser;
use market_model::Interval;
use platform::CommonConfig;

pub const EXCHANGE: &str = "EXCHANGE";
pub const EXCHANGE_WS_URL: &str = "EXCHANGE_WS_URL";
pub const EXCHANGE_REST_URL: &str = "EXCHANGE_REST_URL";
pub const SYMBOLS: &str = "SYMBOLS";
pub const TOP_N: &str = "TOP_N";
pub const QUOTE_ASSET: &str = "QUOTE_ASSET";
pub const UNIVERSE_REFRESH_SECS: &str = "UNIVERSE_REFRESH_SECS";
pub const INTERVALS: &str = "INTERVALS";
pub const MAX_STREAMS_PER_CONNECTION: &str = "MAX_STREAMS_PER_CONNECTION";
pub const CONNECTION_LIFETIME_SECS: &str = "CONNECTION_LIFETIME_SECS";
pub const ROTATION_MARGIN_SECS: &str = "ROTATION_MARGIN_SECS";
pub const STALE_AFTER_SECS: &str = "STALE_AFTER_SECS";
pub const RECONNECT_MAX_DELAY_SECS: &str = "RECONNECT_MAX_DELAY_SECS";
pub const BACKFILL_INITIAL_BARS: &str = "BACKFILL_INITIAL_BARS";
pub const PUBLISH_MAX_IN_FLIGHT: &str = "PUBLISH_MAX_IN_FLIGHT";
pub const PUBLISH_BUFFER: &str = "PUBLISH_BUFFER";
pub const PUBLISH_ACK_TIMEOUT_SECS: &str = "PUBLISH_ACK_TIMEOUT_SECS";
pub const WORKER_THREADS: &str = "WORKER_THREADS";

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
    /// Which exchange connector to run (`binance`).
    #[arg(long, env = EXCHANGE, default_value = "binance")]
    pub exchange: String,
    /// WebSocket base URL; unset: the exchange's live URL (`wss://stream.binance.com:9443`).
    #[arg(long, env = EXCHANGE_WS_URL)]
    pub exchange_ws_url: Option<String>,
    /// REST base URL; unset: the exchange's live URL (`https://api.binance.com`).
    #[arg(long, env = EXCHANGE_REST_URL)]
    pub exchange_rest_url: Option<String>,
    /// Comma-separated symbols; empty: the top `TOP_N` by 24 h quote volume.
    #[arg(long, env = SYMBOLS, default_value = "", value_parser = parse_list)]
    pub symbols: SymbolList,
    #[arg(long, env = TOP_N, default_value_t = 100)]
    pub top_n: usize,
    #[arg(long, env = QUOTE_ASSET, default_value = "USDT")]
    pub quote_asset: String,
    /// How often the universe is recomputed (new listings added, delistings removed).
    #[arg(long, env = UNIVERSE_REFRESH_SECS, default_value_t = 3600.0, value_parser = parse_secs)]
    pub universe_refresh_secs: f64,
    #[arg(long, env = INTERVALS, default_value = "1m,5m,15m,1h,4h,1d", value_parser = parse_intervals)]
    pub intervals: IntervalList,
    /// Streams per WebSocket connection, at most the exchange's limit (1024 on Binance).
    #[arg(long, env = MAX_STREAMS_PER_CONNECTION, default_value_t = 1024)]
    pub max_streams_per_connection: usize,
    /// The exchange's connection lifetime; unset: the connector's value (24 h on Binance).
    #[arg(long, env = CONNECTION_LIFETIME_SECS, value_parser = parse_secs)]
    pub connection_lifetime_secs: Option<f64>,
    /// Connections are replaced this long before the lifetime ends.
    #[arg(long, env = ROTATION_MARGIN_SECS, default_value_t = 600.0, value_parser = parse_secs)]
    pub rotation_margin_secs: f64,
    /// A stream (or a whole connection) without updates for this long is stale; unset: 5 update periods.
    #[arg(long, env = STALE_AFTER_SECS, value_parser = parse_secs)]
    pub stale_after_secs: Option<f64>,
    /// Cap of the exponential reconnect backoff.
    #[arg(long, env = RECONNECT_MAX_DELAY_SECS, default_value_t = 30.0, value_parser = parse_secs)]
    pub reconnect_max_delay_secs: f64,
    /// Bars fetched for a stream that has nothing stored yet.
    #[arg(long, env = BACKFILL_INITIAL_BARS, default_value_t = 500)]
    pub backfill_initial_bars: u32,
    /// JetStream publishes awaiting their acknowledgement at once.
    #[arg(long, env = PUBLISH_MAX_IN_FLIGHT, default_value_t = 2048)]
    pub publish_max_in_flight: usize,
    /// Closed candles held while NATS is unreachable; older ones are recovered by back-fill.
    #[arg(long, env = PUBLISH_BUFFER, default_value_t = 100_000)]
    pub publish_buffer: usize,
    #[arg(long, env = PUBLISH_ACK_TIMEOUT_SECS, default_value_t = 5.0, value_parser = parse_secs)]
    pub publish_ack_timeout_secs: f64,
    /// Tokio worker threads. One is the default: the collector is a pipeline of I/O tasks, and on a host it
    /// shares with NATS (and the rest of the product) a single worker spends about 13 % less CPU per candle
    /// than one per core, with no loss of throughput (docs/performance/data-collector.md).
    #[arg(long, env = WORKER_THREADS, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub worker_threads: u16,
}

/// Parsed `SYMBOLS` (trimmed, empty entries dropped); validated against exchange info at start-up.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SymbolList(pub Vec<String>);

/// Parsed `INTERVALS`, deduplicated in the given order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervalList(pub Vec<Interval>);

impl Config {
    /// Local defaults with the metrics port chosen by the OS, for tests; they set the exchange URLs.
    pub fn for_tests(common: CommonConfig) -> Self {
        Self {
            common,
            metrics_port: 0,
            exchange: "binance".into(),
            exchange_ws_url: None,
            exchange_rest_url: None,
            symbols: SymbolList::default(),
            top_n: 100,
            quote_asset: "USDT".into(),
            universe_refresh_secs: 3600.0,
            intervals: IntervalList(vec![Interval::Min1]),
            max_streams_per_connection: 1024,
            connection_lifetime_secs: None,
            rotation_margin_secs: 600.0,
            stale_after_secs: None,
            reconnect_max_delay_secs: 2.0,
            backfill_initial_bars: 10,
            publish_max_in_flight: 2048,
            publish_buffer: 100_000,
            publish_ack_timeout_secs: 2.0,
            worker_threads: 1,
        }
    }

    pub fn universe_refresh(&self) -> Duration {
        Duration::from_secs_f64(self.universe_refresh_secs)
    }
    pub fn reconnect_max_delay(&self) -> Duration {
        Duration::from_secs_f64(self.reconnect_max_delay_secs)
    }
    pub fn publish_ack_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.publish_ack_timeout_secs)
    }
}

fn parse_list(value: &str) -> Result<SymbolList, String> {
    Ok(SymbolList(
        value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    ))
}

fn parse_intervals(value: &str) -> Result<IntervalList, String> {
    let mut out = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let interval: Interval = item
            .parse()
            .map_err(|_| format!("unknown interval {item:?}"))?;
        if !out.contains(&interval) {
            out.push(interval);
        }
    }
    if out.is_empty() {
        return Err("at least one interval is required".into());
    }
    Ok(IntervalList(out))
}

fn parse_secs(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(secs) if (0.0..=30.0 * 86_400.0).contains(&secs) => Ok(secs),
        _ => Err("expected a number of seconds between 0 and 2592000".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_table() {
        let config = Config::try_parse_from(["data-collector"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.exchange, "binance");
        assert!(config.symbols.0.is_empty());
        assert_eq!((config.top_n, config.quote_asset.as_str()), (100, "USDT"));
        assert_eq!(config.intervals.0.len(), 6);
        assert_eq!(config.max_streams_per_connection, 1024);
    }

    #[test]
    fn lists_are_trimmed_and_intervals_validated() {
        let config = Config::try_parse_from([
            "data-collector",
            "--symbols",
            " btcusdt, ETHUSDT ,",
            "--intervals",
            "1m,1M,1m",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.symbols.0, vec!["btcusdt", "ETHUSDT"]);
        assert_eq!(config.intervals.0, vec![Interval::Min1, Interval::Month1]);
        assert!(Config::try_parse_from(["data-collector", "--intervals", "2m"]).is_err());
    }
}
