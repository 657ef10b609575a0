//! What the benchmark measures: webhook arrival latency, the engine process's CPU time, percentiles.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use serde_json::Value;

/// (triggered_at in ms since the Unix epoch, latency in ms) per webhook received.
pub type Latencies = Arc<Mutex<Vec<(i64, f64)>>>;

pub async fn receive(State(latencies): State<Latencies>, body: Bytes) -> &'static str {
    let now = chrono::Utc::now();
    let json: Value = serde_json::from_slice(&body).unwrap_or_default();
    if let Some(t) = json["triggered_at"].as_str()
        && let Ok(at) = chrono::DateTime::parse_from_rfc3339(t)
    {
        let ms = (now - at.with_timezone(&chrono::Utc))
            .num_microseconds()
            .unwrap_or(0) as f64
            / 1000.0;
        latencies.lock().unwrap().push((at.timestamp_millis(), ms));
    }
    "ok"
}

/// utime + stime of a process, in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // After the command name: state is field 0, utime 11, stime 12 (clock ticks, 100 per second on Linux).
    (ticks(11) + ticks(12)) / 100.0
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}
