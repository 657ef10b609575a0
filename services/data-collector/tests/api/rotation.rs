//! Connections are replaced before the exchange's lifetime limit without a gap, and a `serverShutdown`
//! leads to an immediate replacement.

use std::time::Duration;

use test_support::local_common_config;

use crate::helpers::{collector_config, spawn_collector, start_sim, wait_until};
use crate::store::{diff, settle};

const SYMBOLS: &[&str] = &["BTCUSDT", "ETHUSDT"];

#[tokio::test]
async fn connections_rotate_before_the_lifetime_limit_without_a_gap() {
    let sim = start_sim(SYMBOLS, 120.0, |c| {
        c.limits.connection_lifetime = Duration::from_secs(3)
    })
    .await;
    let common = local_common_config();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());
    let mut config = collector_config(common, &sim, SYMBOLS);
    config.connection_lifetime_secs = Some(3.0);
    config.rotation_margin_secs = 1.5;
    // Nothing is back-filled at start-up, so any back-fill would mean the rotation lost a candle.
    config.backfill_initial_bars = 0;
    let app = spawn_collector(config).await;

    wait_until("three rotations", Duration::from_secs(20), || async {
        app.counted("data_collector_websocket_reconnects_total{reason=\"rotation\"}")
            .await
            >= 3.0
    })
    .await;
    let (got, want) = settle(&sim, &nats_url, &namespace, Duration::from_secs(10)).await;
    let backfilled = app.counted("data_collector_backfilled_candles_total").await;
    let other_reconnects = app
        .counted("data_collector_websocket_reconnects_total")
        .await
        - app
            .counted("data_collector_websocket_reconnects_total{reason=\"rotation\"}")
            .await;
    app.stop().await;

    assert_eq!(got, want, "{}", diff(&got, &want));
    assert!(got.len() >= 10, "{}", got.len());
    assert_eq!(backfilled, 0.0, "a rotation left a gap");
    assert_eq!(other_reconnects, 0.0);
    let stats = sim.stats();
    assert_eq!(
        stats.server_shutdowns_sent, 0,
        "rotated before the server's limit: {stats:?}"
    );
    assert_eq!(stats.violations.total(), 0, "{stats:?}");
}

#[tokio::test]
async fn server_shutdown_is_answered_with_a_new_connection() {
    let sim = start_sim(SYMBOLS, 120.0, |c| {
        c.limits.connection_lifetime = Duration::from_secs(2)
    })
    .await;
    let common = local_common_config();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());
    let app = spawn_collector(collector_config(common, &sim, SYMBOLS)).await;

    wait_until(
        "two server shutdowns handled",
        Duration::from_secs(20),
        || async {
            app.counted("data_collector_websocket_reconnects_total{reason=\"server_shutdown\"}")
                .await
                >= 2.0
        },
    )
    .await;
    wait_until("a connection open", Duration::from_secs(5), || async {
        app.gauge("data_collector_websocket_connections").await >= 1.0
    })
    .await;
    let (got, want) = settle(&sim, &nats_url, &namespace, Duration::from_secs(10)).await;
    app.stop().await;

    assert_eq!(got, want, "{}", diff(&got, &want));
    assert_eq!(sim.stats().violations.total(), 0);
}
