//! Binance's connection rules, each enforced and counted in stats.

use std::time::Duration;

use futures::SinkExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;

#[tokio::test]
async fn more_than_five_messages_per_second_disconnects_and_is_counted() {
    let sim = spawn(config()).await;
    let mut ws = connect(&format!("{}/ws", sim.ws_url())).await;
    for id in 0..8 {
        let _ = ws
            .send(Message::Text(
                format!(r#"{{"method":"LIST_SUBSCRIPTIONS","id":{id}}}"#).into(),
            ))
            .await;
    }
    assert!(closes_within(&mut ws, Duration::from_secs(2)).await);
    assert_eq!(sim.stats().violations.message_rate, 1);
}

#[tokio::test]
async fn five_messages_per_second_are_fine() {
    let sim = spawn(config()).await;
    let mut ws = connect(&format!("{}/ws", sim.ws_url())).await;
    for id in 0..10 {
        send(
            &mut ws,
            &format!(r#"{{"method":"LIST_SUBSCRIPTIONS","id":{id}}}"#),
        )
        .await;
        assert_eq!(
            next_reply(&mut ws).await,
            format!(r#"{{"result":[],"id":{id}}}"#)
        );
        tokio::time::sleep(Duration::from_millis(260)).await;
    }
    assert_eq!(sim.stats().violations.total(), 0);
}

/// 70 symbols x 16 intervals = 1120 distinct streams.
fn many_streams(n: usize) -> Vec<String> {
    let intervals = [
        "1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d",
        "1w", "1M",
    ];
    let symbols = exchange_sim::market::symbols::default_universe(70, 42);
    symbols
        .iter()
        .flat_map(|s| {
            intervals
                .iter()
                .map(move |i| format!("{}@kline_{i}", s.name.to_ascii_lowercase()))
        })
        .take(n)
        .collect()
}

#[tokio::test]
async fn more_than_1024_streams_are_refused_in_the_url_and_by_subscribe() {
    let mut cfg = config();
    cfg.symbols = 70;
    let sim = spawn(cfg).await;

    let url = format!(
        "{}/stream?streams={}",
        sim.ws_url(),
        many_streams(1025).join("/")
    );
    match tokio_tungstenite::connect_async(url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 400),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }

    let mut ws = connect(&format!("{}/ws", sim.ws_url())).await;
    let all = many_streams(1025);
    let first: Vec<Value> = all[..1024]
        .iter()
        .map(|s| Value::from(s.as_str()))
        .collect();
    let request = serde_json::json!({"method": "SUBSCRIBE", "params": first, "id": 1});
    send(&mut ws, &request.to_string()).await;
    assert_eq!(next_reply(&mut ws).await, r#"{"result":null,"id":1}"#);
    send(
        &mut ws,
        &format!(
            r#"{{"method":"SUBSCRIBE","params":["{}"],"id":2}}"#,
            all[1024]
        ),
    )
    .await;
    let reply: Value = serde_json::from_str(&next_reply(&mut ws).await).unwrap();
    assert_eq!(reply["error"]["code"], 2);
    assert_eq!(sim.stats().violations.stream_limit, 2);
}

#[tokio::test]
async fn a_client_that_does_not_answer_pings_is_disconnected() {
    let mut cfg = config();
    cfg.limits.ping_interval = Duration::from_millis(100);
    cfg.limits.pong_timeout = Duration::from_millis(300);
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws", sim.ws_url())).await;
    // Not reading means tungstenite never answers the pings.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(closes_within(&mut ws, Duration::from_secs(2)).await);
    assert_eq!(sim.stats().violations.pong_timeout, 1);
}

#[tokio::test]
async fn a_client_that_answers_pings_stays_connected() {
    let mut cfg = config();
    // Pongs count as incoming messages: one ping every 250 ms stays under 5 per second.
    cfg.limits.ping_interval = Duration::from_millis(250);
    cfg.limits.pong_timeout = Duration::from_millis(1000);
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws", sim.ws_url())).await;
    assert!(!closes_within(&mut ws, Duration::from_millis(1800)).await);
    assert_eq!(sim.stats().violations.total(), 0);
    assert_eq!(sim.stats().connections_active, 1);
}

#[tokio::test]
async fn server_shutdown_event_comes_before_the_close_at_the_lifetime_limit() {
    let mut cfg = config();
    cfg.limits.connection_lifetime = Duration::from_millis(400);
    let sim = spawn(cfg).await;

    let mut raw = connect(&format!("{}/ws/btcusdt@kline_1s", sim.ws_url())).await;
    let mut combined = connect(&format!("{}/stream?streams=btcusdt@kline_1s", sim.ws_url())).await;
    let mut last = None;
    while let Some(v) = next_json(&mut raw).await {
        last = Some(v);
    }
    let last = last.unwrap();
    assert_eq!(last["e"], "serverShutdown");
    assert!(last["E"].is_i64());

    let mut last = None;
    while let Some(v) = next_json(&mut combined).await {
        last = Some(v);
    }
    let last = last.unwrap();
    assert_eq!(last["stream"], "!serverShutdown");
    assert_eq!(last["data"]["e"], "serverShutdown");
    assert_eq!(sim.stats().server_shutdowns_sent, 2);
}

#[tokio::test]
async fn too_many_new_connections_from_one_ip_get_429() {
    let mut cfg = config();
    cfg.limits.max_connections_per_window = 3;
    let sim = spawn(cfg).await;
    let mut kept = Vec::new();
    for _ in 0..3 {
        kept.push(connect(&format!("{}/ws", sim.ws_url())).await);
    }
    match tokio_tungstenite::connect_async(format!("{}/ws", sim.ws_url())).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 429),
        other => panic!("expected 429, got {:?}", other.map(|_| ())),
    }
    assert_eq!(sim.stats().violations.connection_rate, 1);
    assert_eq!(sim.stats().connections_opened, 3);
}
