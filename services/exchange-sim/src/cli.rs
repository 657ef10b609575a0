//! Command-line options, mapped 1:1 onto [`SimConfig`].

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::config::{ClockSpeed, Faults, Limits, ReplayConfig, SimConfig};
use crate::error::ConfigError;
use crate::interval::Interval;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "exchange-sim",
    version,
    about = "Binance-compatible spot market-data simulator"
)]
pub struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port for both REST (http://) and WebSocket (ws://); 0 picks a free one.
    #[arg(long, default_value_t = 9443)]
    pub port: u16,
    /// Number of synthetic symbols.
    #[arg(long, default_value_t = 20)]
    pub symbols: usize,
    /// Exact symbols instead of --symbols, e.g. BTCUSDT,ETHUSDT.
    #[arg(long, value_delimiter = ',')]
    pub symbol_list: Option<Vec<String>>,
    /// Seed of every random choice (prices, volumes, faults).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// In-progress kline update period (1s klines: at most 1000).
    #[arg(long, default_value_t = 2000)]
    pub update_ms: u64,
    /// Simulated-time factor (e.g. 60) or "max" (closed candles as fast as clients read).
    #[arg(long, default_value = "1")]
    pub clock_speed: ClockSpeed,
    /// Simulated time at start-up (ms since epoch); default now.
    #[arg(long)]
    pub start_time_ms: Option<i64>,
    /// Closed candles of REST history per symbol and interval.
    #[arg(long, default_value_t = 1000)]
    pub history_bars: u32,
    /// Replay this candle CSV (open_time_ms,open,high,low,close,volume) instead of synthetic data.
    #[arg(long, requires_all = ["replay_symbol", "replay_interval"])]
    pub replay: Option<PathBuf>,
    #[arg(long)]
    pub replay_symbol: Option<String>,
    #[arg(long)]
    pub replay_interval: Option<Interval>,
    /// Replay speed: "max" or a factor of real time.
    #[arg(long, default_value = "max")]
    pub speed: ClockSpeed,
    #[arg(long, default_value_t = 20.0)]
    pub ping_interval_secs: f64,
    #[arg(long, default_value_t = 60.0)]
    pub pong_timeout_secs: f64,
    #[arg(long, default_value_t = 1024)]
    pub max_streams: usize,
    /// Incoming WebSocket messages per second per connection (pings, pongs and control frames count).
    #[arg(long, default_value_t = 5)]
    pub max_messages_per_sec: usize,
    /// New connections per IP per --connection-window-secs.
    #[arg(long, default_value_t = 300)]
    pub max_connections: usize,
    #[arg(long, default_value_t = 300.0)]
    pub connection_window_secs: f64,
    #[arg(long, default_value_t = 86_400.0)]
    pub lifetime_secs: f64,
    /// REST request weight per IP per --weight-window-secs.
    #[arg(long, default_value_t = 6000)]
    pub weight_limit: u32,
    /// The rolling window of --weight-limit (Binance: 60 s).
    #[arg(long, default_value_t = 60.0)]
    pub weight_window_secs: f64,
    /// How long an IP that ignores a 429 gets 418.
    #[arg(long, default_value_t = 120.0)]
    pub ban_secs: f64,
    /// Close every WebSocket this often (seconds).
    #[arg(long)]
    pub drop_every: Option<f64>,
    /// Probability that a data frame is replaced by a broken one.
    #[arg(long, default_value_t = 0.0)]
    pub malformed_rate: f64,
    /// Stop sending data (still answering pings) once a connection is this old (seconds).
    #[arg(long)]
    pub stall_after: Option<f64>,
    /// Probability that a closing candle is left out of the stream (REST still has it).
    #[arg(long, default_value_t = 0.0)]
    pub skip_rate: f64,
}

fn secs(name: &'static str, s: f64) -> Result<Duration, ConfigError> {
    Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or(ConfigError::ZeroDuration(name))
}

impl Cli {
    pub fn into_config(self) -> Result<SimConfig, ConfigError> {
        let replay = match (self.replay, self.replay_symbol, self.replay_interval) {
            (Some(file), Some(symbol), Some(interval)) => Some(ReplayConfig {
                file,
                symbol,
                interval,
                speed: self.speed,
            }),
            _ => None,
        };
        let config = SimConfig {
            bind: self.bind,
            port: self.port,
            symbols: self.symbols,
            symbol_list: self.symbol_list,
            seed: self.seed,
            update_interval: Duration::from_millis(self.update_ms),
            clock_speed: self.clock_speed,
            start_time_ms: self.start_time_ms,
            history_bars: self.history_bars,
            replay,
            limits: Limits {
                ping_interval: secs("ping-interval-secs", self.ping_interval_secs)?,
                pong_timeout: secs("pong-timeout-secs", self.pong_timeout_secs)?,
                max_streams_per_connection: self.max_streams,
                max_incoming_per_second: self.max_messages_per_sec,
                max_connections_per_window: self.max_connections,
                connection_window: secs("connection-window-secs", self.connection_window_secs)?,
                connection_lifetime: secs("lifetime-secs", self.lifetime_secs)?,
                weight_limit: self.weight_limit,
                weight_window: secs("weight-window-secs", self.weight_window_secs)?,
                ban_duration: secs("ban-secs", self.ban_secs)?,
            },
            faults: Faults {
                drop_every: self.drop_every.map(|s| secs("drop-every", s)).transpose()?,
                malformed_rate: self.malformed_rate,
                stall_after: self
                    .stall_after
                    .map(|s| Duration::try_from_secs_f64(s).unwrap_or_default()),
                skip_rate: self.skip_rate,
            },
        };
        config.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_binance_and_sim_config() {
        let c = Cli::parse_from(["exchange-sim"]).into_config().unwrap();
        let d = SimConfig::default();
        assert_eq!(
            (c.port, c.symbols, c.update_interval),
            (d.port, d.symbols, d.update_interval)
        );
        assert_eq!(c.limits.max_streams_per_connection, 1024);
        assert_eq!(c.limits.pong_timeout, Duration::from_secs(60));
    }

    #[test]
    fn parses_replay_and_speeds() {
        let c = Cli::parse_from([
            "exchange-sim",
            "--replay",
            "x.csv",
            "--replay-symbol",
            "ETHBTC",
            "--replay-interval",
            "5m",
            "--clock-speed",
            "max",
            "--symbol-list",
            "BTCUSDT,ETHUSDT",
        ])
        .into_config()
        .unwrap();
        assert_eq!(c.clock_speed, ClockSpeed::Max);
        assert_eq!(c.replay.unwrap().interval, Interval::M5);
        assert_eq!(c.symbol_list.unwrap().len(), 2);
        assert!(Cli::try_parse_from(["exchange-sim", "--clock-speed", "fast"]).is_err());
    }
}
