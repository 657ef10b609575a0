//! Resident memory per symbol with six intervals tracked: 2,000 symbols through the calculator's engine (one
//! indicator state per series, one 24 h change per symbol), RSS delta divided by 2,000.
//!
//! Run: `cargo bench -p metrics-calculator --bench memory`
#![allow(clippy::expect_used)] // a benchmark: a failed set-up should fail loudly

use indicators::IndicatorConfig;
use market_model::{Candle, Interval};
use metrics_calculator::engine::Engine;

const SYMBOLS: usize = 2_000;
const INTERVALS: [Interval; 6] = [
    Interval::Min1,
    Interval::Min5,
    Interval::Min15,
    Interval::Hour1,
    Interval::Hour4,
    Interval::Day1,
];
/// Enough candles per series to fill every window (the state's buffers are allocated once, up front).
const CANDLES_PER_SERIES: i64 = 60;

fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn candle(symbol: &str, interval: Interval, index: i64) -> Candle {
    let step = interval.duration_ms().unwrap_or(60_000);
    let open_time = 1_700_006_400_000 / 86_400_000 * 86_400_000 + index * step;
    let close = 100.0 + (index % 7) as f64;
    Candle {
        exchange: "binance".parse().expect("valid exchange"),
        symbol: symbol.parse().expect("valid symbol"),
        interval,
        open_time,
        close_time: interval.close_time(open_time),
        open: 100.0,
        high: close.max(100.0) + 1.0,
        low: 99.0,
        close,
        volume: 10.0,
        quote_volume: 1000.0,
        taker_buy_base: 5.0,
        taker_buy_quote: 500.0,
        trades: 10,
        closed: true,
        event_time: open_time,
    }
}

fn main() {
    let names: Vec<String> = (0..SYMBOLS).map(|i| format!("SYM{i:05}USDT")).collect();
    let mut engine = Engine::new(IndicatorConfig::default()).expect("default config is valid");
    let before = resident_bytes();
    for name in &names {
        for interval in INTERVALS {
            for index in 0..CANDLES_PER_SERIES {
                engine
                    .apply(&candle(name, interval, index), 0)
                    .expect("valid candle");
            }
        }
    }
    let after = resident_bytes();
    let per_symbol = after.saturating_sub(before) as f64 / SYMBOLS as f64;
    println!(
        "memory: {} series, RSS delta {:.1} MiB, {:.0} bytes per symbol (6 intervals); state heap {} bytes per symbol",
        engine.series_count(),
        after.saturating_sub(before) as f64 / 1_048_576.0,
        per_symbol,
        engine.heap_bytes() / SYMBOLS,
    );
}
