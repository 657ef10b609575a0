//! Start-up and shutdown of the in-process simulator.

use std::time::{Duration, Instant};

use exchange_sim::{SimConfig, Simulator};

use crate::helpers::*;

#[tokio::test]
async fn shutdown_closes_open_websockets_and_returns_promptly() {
    let sim = spawn(config()).await;
    let mut ws = connect(&format!("{}/ws/btcusdt@kline_1s", sim.ws_url())).await;
    assert!(next_json(&mut ws).await.is_some());
    assert_eq!(sim.stats().connections_active, 1);
    let started = Instant::now();
    sim.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(closes_within(&mut ws, Duration::from_secs(1)).await);
}

#[tokio::test]
async fn invalid_options_are_rejected_before_binding() {
    let mut cfg = SimConfig {
        port: 0,
        ..SimConfig::default()
    };
    cfg.faults.skip_rate = 1.5;
    assert!(Simulator::start(cfg).await.is_err());
    let cfg = SimConfig {
        port: 0,
        symbol_list: Some(vec!["NOT-A-SYMBOL".into()]),
        ..SimConfig::default()
    };
    assert!(Simulator::start(cfg).await.is_err());
}

#[tokio::test]
async fn urls_point_at_the_bound_port() {
    let sim = spawn(config()).await;
    assert_ne!(sim.port(), 0);
    assert_eq!(sim.rest_url(), format!("http://127.0.0.1:{}", sim.port()));
    assert_eq!(sim.ws_url(), format!("ws://127.0.0.1:{}", sim.port()));
    let (status, _) = get_json(&format!("{}/api/v3/ping", sim.rest_url())).await;
    assert_eq!(status, 200);
}
