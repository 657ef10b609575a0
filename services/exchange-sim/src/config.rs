//! Every option of the simulator in one typed struct; the CLI maps onto it 1:1 and tests build it directly.

use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::error::ConfigError;
use crate::interval::Interval;

/// Longest accepted duration option (ten years): keeps every deadline computation far from overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(10 * 365 * 86_400);

/// How fast simulated time runs relative to wall time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockSpeed {
    /// Simulated time = start + elapsed wall time x factor.
    Factor(f64),
    /// Every stream sends closed candles as fast as its client reads (throughput benchmarks).
    Max,
}

impl FromStr for ClockSpeed {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("max") {
            return Ok(Self::Max);
        }
        match s.parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 => Ok(Self::Factor(f)),
            _ => Err(ConfigError::InvalidSpeed(s.to_owned())),
        }
    }
}

/// Replay one real candle file as one symbol's stream instead of synthetic data.
#[derive(Debug, Clone)]
pub struct ReplayConfig {
    pub file: PathBuf,
    pub symbol: String,
    pub interval: Interval,
    pub speed: ClockSpeed,
}

/// Binance's connection and request rules; defaults are Binance's values, tests shrink them.
#[derive(Debug, Clone)]
pub struct Limits {
    pub ping_interval: Duration,
    pub pong_timeout: Duration,
    pub max_streams_per_connection: usize,
    pub max_incoming_per_second: usize,
    pub max_connections_per_window: usize,
    pub connection_window: Duration,
    pub connection_lifetime: Duration,
    pub weight_limit: u32,
    /// The rolling window `weight_limit` applies to (Binance: one minute; tests shrink it).
    pub weight_window: Duration,
    /// How long an IP that keeps calling during a 429 is answered 418.
    pub ban_duration: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            ping_interval: Duration::from_secs(20),
            pong_timeout: Duration::from_secs(60),
            max_streams_per_connection: 1024,
            max_incoming_per_second: 5,
            max_connections_per_window: 300,
            connection_window: Duration::from_secs(300),
            connection_lifetime: Duration::from_secs(24 * 3600),
            weight_limit: 6000,
            weight_window: Duration::from_secs(60),
            ban_duration: Duration::from_secs(120),
        }
    }
}

/// Faults injected on demand so collectors can be tested against a misbehaving exchange.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Close every WebSocket this often.
    pub drop_every: Option<Duration>,
    /// Probability that a data frame is replaced by a broken one.
    pub malformed_rate: f64,
    /// Connections stop sending data (but keep answering pings) after this age.
    pub stall_after: Option<Duration>,
    /// Probability that a closing candle is left out of the stream (it stays in REST history).
    pub skip_rate: f64,
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub bind: IpAddr,
    /// 0 picks a free port (tests).
    pub port: u16,
    /// Number of synthetic symbols (ignored when `symbol_list` is set).
    pub symbols: usize,
    pub symbol_list: Option<Vec<String>>,
    pub seed: u64,
    /// In-progress kline update period (1s klines use at most 1000 ms).
    pub update_interval: Duration,
    pub clock_speed: ClockSpeed,
    /// Simulated time at start-up in ms since the epoch; `None` = now.
    pub start_time_ms: Option<i64>,
    /// Closed candles of history served over REST before start-up, per symbol and interval.
    pub history_bars: u32,
    pub replay: Option<ReplayConfig>,
    pub limits: Limits,
    pub faults: Faults,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 9443,
            symbols: 20,
            symbol_list: None,
            seed: 42,
            update_interval: Duration::from_millis(2000),
            clock_speed: ClockSpeed::Factor(1.0),
            start_time_ms: None,
            history_bars: 1000,
            replay: None,
            limits: Limits::default(),
            faults: Faults::default(),
        }
    }
}

impl SimConfig {
    /// Rejects combinations that cannot run, before anything is bound.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (name, p) in [
            ("malformed-rate", self.faults.malformed_rate),
            ("skip-rate", self.faults.skip_rate),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(ConfigError::InvalidProbability { name, value: p });
            }
        }
        if self.update_interval.is_zero() {
            return Err(ConfigError::ZeroDuration("update-ms"));
        }
        if self.limits.ping_interval.is_zero() {
            return Err(ConfigError::ZeroDuration("ping-interval"));
        }
        let speeds = [
            Some(self.clock_speed),
            self.replay.as_ref().map(|r| r.speed),
        ];
        for speed in speeds.into_iter().flatten() {
            if let ClockSpeed::Factor(f) = speed
                && !(f.is_finite() && f > 0.0)
            {
                return Err(ConfigError::InvalidSpeed(f.to_string()));
            }
        }
        let l = &self.limits;
        let durations = [
            ("update-ms", Some(self.update_interval)),
            ("ping-interval", Some(l.ping_interval)),
            ("pong-timeout", Some(l.pong_timeout)),
            ("connection-window", Some(l.connection_window)),
            ("lifetime", Some(l.connection_lifetime)),
            ("weight-window", Some(l.weight_window)),
            ("ban", Some(l.ban_duration)),
            ("drop-every", self.faults.drop_every),
            ("stall-after", self.faults.stall_after),
        ];
        for (name, d) in durations {
            if d.is_some_and(|d| d > MAX_DURATION) {
                return Err(ConfigError::TooLong(name));
            }
        }
        if self.replay.is_none() && self.symbol_list.is_none() && self.symbols == 0 {
            return Err(ConfigError::NoSymbols);
        }
        Ok(())
    }
}
