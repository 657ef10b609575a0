//! Loading the reference candles and TA-Lib output shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use indicators::Candle;

pub const DATASETS: [&str; 2] = ["ethbtc_5m", "goog_1d"];

/// One reference row: the column names and each value (`None` where the CSV field is empty).
pub struct Reference {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<f64>>>,
}

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../testdata/reference/{name}.csv"))
}

pub fn candles(dataset: &str) -> Vec<Candle> {
    let text = std::fs::read_to_string(path(dataset)).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("open_time_ms,open,high,low,close,volume")
    );
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let num = |i: usize| fields[i].parse::<f64>().unwrap();
            Candle {
                open_time_ms: fields[0].parse().unwrap(),
                open: num(1),
                high: num(2),
                low: num(3),
                close: num(4),
                volume: num(5),
            }
        })
        .collect()
}

pub fn talib(dataset: &str) -> Reference {
    let text = std::fs::read_to_string(path(&format!("{dataset}_talib"))).unwrap();
    let mut lines = text.lines();
    let columns: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .skip(1)
        .map(str::to_owned)
        .collect();
    let rows = lines
        .map(|line| {
            line.split(',')
                .skip(1)
                .map(|v| (!v.is_empty()).then(|| v.parse::<f64>().unwrap()))
                .collect()
        })
        .collect();
    Reference { columns, rows }
}

/// The scale below which differences are noise for a field: oscillators live on 0..100, OBV on volumes,
/// everything else on prices.
pub fn scale(field: &str, candles: &[Candle]) -> f64 {
    let mean = |f: fn(&Candle) -> f64| candles.iter().map(f).sum::<f64>() / candles.len() as f64;
    match field {
        "rsi_14" | "stoch_k" | "stoch_d" | "change_pct" => 100.0,
        "obv" => mean(|c| c.volume),
        "volume_ratio_20" => 1.0,
        _ => mean(|c| c.close),
    }
}

/// 1e-9 relative with an absolute floor of 1e-12 of the field's scale.
pub fn close_enough(actual: f64, expected: f64, scale: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs() + 1e-12 * scale
}
