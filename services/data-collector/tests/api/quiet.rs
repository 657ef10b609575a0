//! One stream going silent while its connection keeps delivering the others (a known exchange failure) is
//! noticed per stream and repaired by resubscribing that stream alone: no reconnect, and the candles it
//! missed come from back-fill.

use std::time::Duration;

use market_model::Interval;
use test_support::local_common_config;

use crate::helpers::{collector_config, spawn_collector, start_sim, wait_until};
use crate::store::{diff, settle, stored};

const SYMBOLS: &[&str] = &["BTCUSDT", "ETHUSDT", "SOLUSDT"];

#[tokio::test]
async fn a_silent_stream_is_resubscribed_without_a_reconnect_and_loses_nothing() {
    // x120: a 1m bar closes every 0.5 s.
    let sim = start_sim(SYMBOLS, 120.0, |_| {}).await;
    let common = local_common_config();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());
    let mut config = collector_config(common, &sim, SYMBOLS);
    config.stale_after_secs = Some(0.3);
    // No start-up back-fill: any back-filled candle is one the silent stream missed.
    config.backfill_initial_bars = 0;
    let app = spawn_collector(config).await;
    wait_until("candles published", Duration::from_secs(20), || async {
        app.counted("data_collector_candles_published_total").await >= 10.0
    })
    .await;

    sim.stall_stream("ethusdt@kline_1m");
    let stalled_at = sim.now_ms();
    // Eight simulated minutes (4 s) after the stall: past the quiet threshold (6 x 0.3 s) with room to spare.
    let resumed_after = stalled_at + 8 * 60_000;
    wait_until(
        "ETHUSDT candles after the stall",
        Duration::from_secs(30),
        || async {
            stored(&nats_url, &namespace)
                .await
                .keys()
                .any(|(s, i, open)| s == "ETHUSDT" && *i == Interval::Min1 && *open > resumed_after)
        },
    )
    .await;
    let (got, want) = settle(&sim, &nats_url, &namespace, Duration::from_secs(20)).await;
    let reconnects = app
        .counted("data_collector_websocket_reconnects_total")
        .await;
    let backfilled = app.counted("data_collector_backfilled_candles_total").await;
    app.stop().await;

    assert_eq!(got, want, "{}", diff(&got, &want));
    assert_eq!(reconnects, 0.0, "a quiet stream must not cost a reconnect");
    assert!(backfilled >= 1.0, "the silent bars came from back-fill");
    assert_eq!(sim.stats().violations.total(), 0, "{:?}", sim.stats());
}
