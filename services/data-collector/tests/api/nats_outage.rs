//! NATS down, then back: the collector reports not-ready while it is down, buffers what it can and
//! back-fills what fell out of the buffer, so every candle ends up in the stream.

use std::time::Duration;

use test_support::{PrivateServer, local_common_config, wait_for_status};

use crate::helpers::{collector_config, spawn_collector, start_sim, wait_until};
use crate::store::{diff, settle_past};

const SYMBOLS: &[&str] = &["BTCUSDT", "ETHUSDT"];

#[tokio::test]
async fn every_candle_reaches_the_stream_after_a_nats_outage() {
    let sim = start_sim(SYMBOLS, 300.0, |_| {}).await;
    let mut server = PrivateServer::nats();
    let mut common = local_common_config();
    common.nats_url = server.url();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());
    let mut config = collector_config(common, &sim, SYMBOLS);
    // A tiny buffer: most candles of the outage must come back through back-fill.
    config.publish_buffer = 4;
    config.publish_ack_timeout_secs = 1.0;
    let app = spawn_collector(config).await;
    let ready = format!("{}/health/ready", app.metrics_base);

    wait_for_status(&ready, 200, Duration::from_secs(20)).await;
    wait_until("candles published", Duration::from_secs(20), || async {
        app.counted("data_collector_candles_published_total").await >= 10.0
    })
    .await;
    server.stop();
    let body = wait_for_status(&ready, 503, Duration::from_secs(10)).await;
    assert_eq!(body["failing"], serde_json::json!(["nats"]), "{body}");
    let before = sim.now_ms();
    wait_until("candles buffered", Duration::from_secs(10), || async {
        app.gauge("data_collector_publish_buffered_candles").await >= 4.0
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    server.restart();
    wait_for_status(&ready, 200, Duration::from_secs(10)).await;

    let (got, want) = settle_past(
        &sim,
        &nats_url,
        &namespace,
        before + 60_000,
        Duration::from_secs(30),
    )
    .await;
    let backfilled = app.counted("data_collector_backfilled_candles_total").await;
    app.stop().await;
    assert_eq!(got, want, "{}", diff(&got, &want));
    let newest = got.keys().map(|(_, _, open)| *open).max().unwrap();
    assert!(
        newest > before + 60_000,
        "candles of and after the outage are stored"
    );
    assert!(backfilled > 0.0);
}
