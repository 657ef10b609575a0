//! Shared test plumbing: a fast simulator config, WebSocket and REST clients.

use std::time::Duration;

use exchange_sim::{ClockSpeed, RunningSim, SimConfig, Simulator};
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// 2026-06-01 00:00 UTC: a fixed, aligned start so tests are deterministic.
pub const START_MS: i64 = 1_780_272_000_000;

/// Port 0, five symbols, fast updates, simulated time x20 (a 1s bar closes every 50 ms).
pub fn config() -> SimConfig {
    SimConfig {
        port: 0,
        symbols: 5,
        update_interval: Duration::from_millis(50),
        clock_speed: ClockSpeed::Factor(20.0),
        start_time_ms: Some(START_MS),
        ..SimConfig::default()
    }
}

pub async fn spawn(config: SimConfig) -> RunningSim {
    Simulator::start(config).await.expect("simulator starts")
}

pub async fn connect(url: &str) -> Ws {
    tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket connects")
        .0
}

/// Next text frame as JSON (pings are answered by tungstenite while reading); None when the socket ends.
pub async fn next_text(ws: &mut Ws) -> Option<String> {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("frame within 5 s")
        {
            Some(Ok(Message::Text(t))) => return Some(t.as_str().to_owned()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

pub async fn next_json(ws: &mut Ws) -> Option<Value> {
    next_text(ws)
        .await
        .map(|t| serde_json::from_str(&t).expect("valid JSON"))
}

/// Next frame that is a control reply (has an `id`), skipping market events.
pub async fn next_reply(ws: &mut Ws) -> String {
    loop {
        let text = next_text(ws).await.expect("socket open");
        let v: Value = serde_json::from_str(&text).unwrap();
        if v.get("id").is_some() {
            return text;
        }
    }
}

pub async fn send(ws: &mut Ws, text: &str) {
    ws.send(Message::Text(text.into())).await.expect("send");
}

/// Reads kline payloads (unwrapping combined envelopes) until `n` closing candles have arrived.
pub async fn closed_klines(ws: &mut Ws, n: usize) -> Vec<Value> {
    let mut closed = Vec::new();
    while closed.len() < n {
        let v = next_json(ws).await.expect("stream open");
        let payload = v.get("data").cloned().unwrap_or(v);
        if payload["k"]["x"] == true {
            closed.push(payload);
        }
    }
    closed
}

/// True when the socket is closed (or closes) within `wait`, reading and discarding frames meanwhile.
pub async fn closes_within(ws: &mut Ws, wait: Duration) -> bool {
    tokio::time::timeout(wait, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .is_ok()
}

pub async fn get_json(url: &str) -> (u16, Value) {
    let r = reqwest::get(url).await.expect("http request");
    (r.status().as_u16(), r.json().await.expect("json body"))
}

pub fn str_f64(v: &Value) -> f64 {
    v.as_str()
        .expect("decimal string")
        .parse()
        .expect("decimal parses")
}

/// Reads (and so answers pings) for `d`, asserting the socket stays open.
pub async fn read_while_open(ws: &mut Ws, d: Duration) {
    let deadline = tokio::time::Instant::now() + d;
    while let Ok(frame) = tokio::time::timeout_at(deadline, next_text(ws)).await {
        assert!(frame.is_some(), "the socket must stay open");
    }
}
