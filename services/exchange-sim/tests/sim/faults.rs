//! Each fault flag has an observable effect.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn skip_rate_drops_closing_candles_from_the_stream_but_rest_has_them() {
    let mut cfg = config();
    cfg.faults.skip_rate = 0.4;
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws/btcusdt@kline_1s", sim.ws_url())).await;
    let closed = closed_klines(&mut ws, 20).await;
    let streamed: BTreeSet<i64> = closed
        .iter()
        .map(|p| p["k"]["t"].as_i64().unwrap())
        .collect();
    let (first, last) = (*streamed.first().unwrap(), *streamed.last().unwrap());
    let url = format!(
        "{}/api/v3/klines?symbol=BTCUSDT&interval=1s&startTime={first}&endTime={last}&limit=1000",
        sim.rest_url()
    );
    let (_, rows) = get_json(&url).await;
    let rest: BTreeSet<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_i64().unwrap())
        .collect();
    assert!(streamed.is_subset(&rest));
    let missing: Vec<_> = rest.difference(&streamed).collect();
    assert!(!missing.is_empty(), "some closing candles were skipped");
    assert!(sim.stats().candles_skipped as usize >= missing.len());
}

#[tokio::test]
async fn malformed_rate_sends_broken_frames() {
    let mut cfg = config();
    cfg.faults.malformed_rate = 0.3;
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws/btcusdt@kline_1s", sim.ws_url())).await;
    let mut broken = 0;
    for _ in 0..60 {
        let text = next_text(&mut ws).await.unwrap();
        let ok = serde_json::from_str::<Value>(&text)
            .is_ok_and(|v| v["e"] == "kline" && v["E"].is_i64() && v["k"]["t"].is_i64());
        broken += usize::from(!ok);
    }
    assert!(broken > 0);
    assert_eq!(sim.stats().malformed_frames_sent as usize, broken);
}

#[tokio::test]
async fn stall_after_keeps_the_socket_open_but_stops_data() {
    let mut cfg = config();
    cfg.faults.stall_after = Some(Duration::from_millis(300));
    cfg.limits.ping_interval = Duration::from_millis(250);
    cfg.limits.pong_timeout = Duration::from_millis(1000);
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws/btcusdt@kline_1s", sim.ws_url())).await;
    // Reading keeps answering pings.
    read_while_open(&mut ws, Duration::from_millis(800)).await;
    let sent_before = sim.stats().messages_sent;
    assert!(sent_before > 0, "data flowed before the stall");
    read_while_open(&mut ws, Duration::from_millis(1200)).await;
    assert_eq!(
        sim.stats().messages_sent,
        sent_before,
        "no data after the stall"
    );
    assert_eq!(
        sim.stats().violations.total(),
        0,
        "pings kept being answered"
    );
    assert_eq!(sim.stats().connections_active, 1);
}

#[tokio::test]
async fn drop_every_closes_connections_periodically() {
    let mut cfg = config();
    cfg.faults.drop_every = Some(Duration::from_millis(300));
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws/btcusdt@kline_1s", sim.ws_url())).await;
    assert!(closes_within(&mut ws, Duration::from_secs(2)).await);
    assert!(sim.stats().forced_disconnects >= 1);
}
