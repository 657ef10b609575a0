//! Kline streams: payload shape, one closing update per bar, contiguity and alignment.

use exchange_sim::ClockSpeed;
use serde_json::Value;

use crate::helpers::*;

fn assert_kline_payload(p: &Value, symbol: &str, interval: &str) {
    assert_eq!(p["e"], "kline");
    assert!(p["E"].is_i64());
    assert_eq!(p["s"], symbol);
    let k = &p["k"];
    for key in ["t", "T", "f", "L", "n"] {
        assert!(k[key].is_i64(), "{key} must be an integer: {k}");
    }
    for key in ["o", "c", "h", "l", "v", "q", "V", "Q", "B"] {
        assert!(k[key].is_string(), "{key} must be a decimal string: {k}");
        assert!(!k[key].as_str().unwrap().contains(['e', 'E']));
    }
    assert_eq!(k["s"], symbol);
    assert_eq!(k["i"], interval);
    assert!(k["x"].is_boolean());
    let (o, c, h, l) = (
        str_f64(&k["o"]),
        str_f64(&k["c"]),
        str_f64(&k["h"]),
        str_f64(&k["l"]),
    );
    assert!(l <= o.min(c) && h >= o.max(c), "OHLC inconsistent: {k}");
    assert!(str_f64(&k["V"]) <= str_f64(&k["v"]));
}

fn assert_contiguous(closed: &[Value], step_ms: i64) {
    for pair in closed.windows(2) {
        let (a, b) = (&pair[0]["k"], &pair[1]["k"]);
        assert_eq!(
            a["T"].as_i64().unwrap() + 1,
            b["t"].as_i64().unwrap(),
            "bars must be contiguous"
        );
    }
    for p in closed {
        let t = p["k"]["t"].as_i64().unwrap();
        assert_eq!(t % step_ms, 0, "open time aligned");
        assert_eq!(p["k"]["T"].as_i64().unwrap(), t + step_ms - 1);
        assert!(p["E"].as_i64().unwrap() > p["k"]["T"].as_i64().unwrap());
    }
}

#[tokio::test]
async fn raw_stream_sends_every_field_and_exactly_one_closing_update_per_bar() {
    let sim = spawn(config()).await;
    let mut ws = connect(&format!("{}/ws/btcusdt@kline_1s", sim.ws_url())).await;

    let mut frames = Vec::new();
    let mut closed = 0;
    while closed < 12 {
        let v = next_json(&mut ws).await.unwrap();
        assert_kline_payload(&v, "BTCUSDT", "1s");
        closed += usize::from(v["k"]["x"] == true);
        frames.push(v);
    }

    let closed: Vec<Value> = frames
        .iter()
        .filter(|v| v["k"]["x"] == true)
        .cloned()
        .collect();
    assert_contiguous(&closed, 1000);
    assert!(
        frames.iter().any(|v| v["k"]["x"] == false),
        "in-progress updates are sent too"
    );
    // No update for a bar arrives after its closing update.
    for c in &closed {
        let t = &c["k"]["t"];
        let last = frames.iter().rposition(|v| v["k"]["t"] == *t).unwrap();
        assert_eq!(frames[last]["k"]["x"], true);
    }
    assert!(sim.stats().closed_candles_sent >= 12);
}

#[tokio::test]
async fn combined_stream_wraps_payloads_with_the_stream_name() {
    let sim = spawn(config()).await;
    let url = format!(
        "{}/stream?streams=btcusdt@kline_1s/ethusdt@kline_1m",
        sim.ws_url()
    );
    let mut ws = connect(&url).await;
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 2 {
        let v = next_json(&mut ws).await.unwrap();
        let stream = v["stream"].as_str().unwrap().to_owned();
        let (symbol, interval) = if stream == "btcusdt@kline_1s" {
            ("BTCUSDT", "1s")
        } else {
            ("ETHUSDT", "1m")
        };
        assert_kline_payload(&v["data"], symbol, interval);
        seen.insert(stream);
    }
}

#[tokio::test]
async fn bars_that_pass_between_ticks_all_get_their_closing_update_in_order() {
    let mut cfg = config();
    cfg.clock_speed = ClockSpeed::Factor(600.0); // a 1m bar every 100 ms, 1s bars every 1.7 ms
    cfg.update_interval = std::time::Duration::from_millis(200);
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws/solusdt@kline_1s", sim.ws_url())).await;
    let closed = closed_klines(&mut ws, 300).await;
    assert_contiguous(&closed, 1000);
}

#[tokio::test]
async fn max_speed_streams_closed_candles_as_fast_as_the_client_reads() {
    let mut cfg = config();
    cfg.clock_speed = ClockSpeed::Max;
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws/ethusdt@kline_1m", sim.ws_url())).await;
    let closed = closed_klines(&mut ws, 3000).await;
    assert_contiguous(&closed, 60_000);
}

#[tokio::test]
async fn weekly_and_monthly_bars_align_to_monday_and_the_first_of_the_month() {
    let sim = spawn(config()).await;
    let base = sim.rest_url();
    let (_, weeks) = get_json(&format!(
        "{base}/api/v3/klines?symbol=BTCUSDT&interval=1w&limit=30"
    ))
    .await;
    for row in weeks.as_array().unwrap() {
        let t = row[0].as_i64().unwrap();
        let day = chrono::DateTime::from_timestamp_millis(t).unwrap();
        assert_eq!(day.format("%a %H:%M:%S").to_string(), "Mon 00:00:00");
    }
    let (_, months) = get_json(&format!(
        "{base}/api/v3/klines?symbol=BTCUSDT&interval=1M&limit=30"
    ))
    .await;
    let rows = months.as_array().unwrap();
    assert_eq!(rows.len(), 30);
    for pair in rows.windows(2) {
        let t = chrono::DateTime::from_timestamp_millis(pair[1][0].as_i64().unwrap()).unwrap();
        assert_eq!(t.format("%d %H:%M:%S").to_string(), "01 00:00:00");
        assert_eq!(
            pair[0][6].as_i64().unwrap() + 1,
            pair[1][0].as_i64().unwrap()
        );
    }
}

#[tokio::test]
async fn same_seed_gives_the_same_history() {
    let (a, b) = (spawn(config()).await, spawn(config()).await);
    let path = "/api/v3/klines?symbol=XRPUSDT&interval=5m&endTime=1780200000000&limit=50";
    let (_, ra) = get_json(&format!("{}{path}", a.rest_url())).await;
    let (_, rb) = get_json(&format!("{}{path}", b.rest_url())).await;
    assert_eq!(ra, rb);
    assert_eq!(ra.as_array().unwrap().len(), 50);
}
