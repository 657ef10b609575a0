//! Replay of a real candle file (`open_time_ms,open,high,low,close,volume`) as one symbol's stream.
//!
//! The replay clock starts when the first client subscribes; REST serves exactly the candles replayed so far.
//! Values go out in shortest round-trip form, so they parse back to the file's f64s bit for bit.

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::candle::{Candle, Format};
use crate::config::{ClockSpeed, ReplayConfig};
use crate::decimal::Precision;
use crate::error::ReplayError;
use crate::interval::Interval;

#[derive(Debug)]
pub struct Replay {
    pub symbol: String,
    pub stream_name: String,
    pub interval: Interval,
    pub speed: ClockSpeed,
    candles: Vec<Candle>,
    started: OnceLock<Instant>,
    /// At max speed: how far the fastest reader got.
    sent: AtomicUsize,
}

fn parse_row(line: &str, interval: Interval) -> Result<Candle, String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.len() < 6 {
        return Err(format!("expected 6 columns, found {}", fields.len()));
    }
    let open_time: i64 = fields[0]
        .parse()
        .map_err(|_| format!("bad open_time {:?}", fields[0]))?;
    let mut num = [0.0f64; 5];
    for (slot, raw) in num.iter_mut().zip(&fields[1..6]) {
        *slot = raw
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("bad number {raw:?}"))?;
    }
    let [open, high, low, close, volume] = num;
    Ok(Candle {
        open_time,
        close_time: interval.close_time(open_time),
        open,
        high,
        low,
        close,
        volume,
        quote_volume: 0.0,
        trades: 0,
        first_trade_id: -1,
        last_trade_id: -1,
        taker_buy_volume: 0.0,
        taker_buy_quote_volume: 0.0,
    })
}

/// Parses candle rows; a header line (first field not a number) is skipped.
pub fn parse_csv(text: &str, interval: Interval, path: &Path) -> Result<Vec<Candle>, ReplayError> {
    let mut candles: Vec<Candle> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.starts_with(|c: char| !c.is_ascii_digit())) {
            continue;
        }
        let c = parse_row(line, interval).map_err(|reason| ReplayError::Parse {
            path: path.to_owned(),
            line: i + 1,
            reason,
        })?;
        if candles.last().is_some_and(|p| p.open_time >= c.open_time) {
            return Err(ReplayError::Parse {
                path: path.to_owned(),
                line: i + 1,
                reason: "open times must increase".into(),
            });
        }
        candles.push(c);
    }
    if candles.is_empty() {
        return Err(ReplayError::Empty(path.to_owned()));
    }
    Ok(candles)
}

impl Replay {
    pub fn load(cfg: &ReplayConfig) -> Result<Self, ReplayError> {
        let text = std::fs::read_to_string(&cfg.file).map_err(|source| ReplayError::Read {
            path: cfg.file.clone(),
            source,
        })?;
        let candles = parse_csv(&text, cfg.interval, &cfg.file)?;
        let symbol = cfg.symbol.to_ascii_uppercase();
        Ok(Self {
            stream_name: symbol.to_ascii_lowercase(),
            symbol,
            interval: cfg.interval,
            speed: cfg.speed,
            candles,
            started: OnceLock::new(),
            sent: AtomicUsize::new(0),
        })
    }

    pub fn format(&self) -> Format {
        Format {
            price: Precision::Shortest,
            qty: Precision::Shortest,
        }
    }

    pub fn candles(&self) -> &[Candle] {
        &self.candles
    }

    /// Starts the replay clock (first subscription); later calls change nothing.
    pub fn start(&self) {
        self.started.get_or_init(Instant::now);
    }

    /// Simulated time of the replay at a factor speed.
    pub fn sim_now(&self) -> Option<i64> {
        let factor = match self.speed {
            ClockSpeed::Factor(f) => f,
            ClockSpeed::Max => return None,
        };
        let started = self.started.get()?;
        let first = self.candles.first()?.open_time;
        Some(first + (started.elapsed().as_secs_f64() * 1000.0 * factor) as i64)
    }

    /// Number of candles replayed so far (they are the only ones REST may serve).
    pub fn replayed(&self) -> usize {
        match self.speed {
            ClockSpeed::Max => self.sent.load(Ordering::Acquire),
            ClockSpeed::Factor(_) => match self.sim_now() {
                Some(now) => self.candles.partition_point(|c| c.close_time < now),
                None => 0,
            },
        }
    }

    /// Records that candle `index` went out at max speed.
    pub fn mark_sent(&self, index: usize) {
        self.sent.fetch_max(index + 1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_and_rows_and_rejects_garbage() {
        let p = Path::new("x.csv");
        let ok = parse_csv(
            "open_time_ms,open,high,low,close,volume\n0,1,2,0.5,1.5,10\n300000,1.5,2,1,1,0\n",
            Interval::M5,
            p,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].close_time, 299_999);
        assert!(parse_csv("0,1,2,x,1,1\n", Interval::M5, p).is_err());
        assert!(parse_csv("0,1,2,1,1,1\n0,1,2,1,1,1\n", Interval::M5, p).is_err());
        assert!(parse_csv("header\n", Interval::M5, p).is_err());
    }
}
