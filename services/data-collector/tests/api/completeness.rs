//! No closed candle lost, none duplicated: whatever the exchange does (drops, skipped candles, stalls,
//! malformed frames) and across a collector restart, the CANDLES stream ends up holding exactly the
//! exchange's candles for the covered time range.

use std::time::Duration;

use exchange_sim::RunningSim;
use market_model::Interval;
use test_support::local_common_config;

use crate::helpers::{TestApp, collector_config, spawn_collector, start_sim, wait_until};
use crate::store::{diff, settle, settle_past};

const SYMBOLS: &[&str] = &["BTCUSDT", "ETHUSDT", "SOLUSDT"];

fn chaos_config(common: platform::CommonConfig, sim: &RunningSim) -> data_collector::Config {
    let mut config = collector_config(common, sim, SYMBOLS);
    config.intervals = data_collector::IntervalList(vec![Interval::Min1, Interval::Min5]);
    config.stale_after_secs = Some(0.6);
    config.reconnect_max_delay_secs = 0.3;
    config.backfill_initial_bars = 5;
    config
}

async fn closed_published(app: &TestApp) -> f64 {
    app.counted("data_collector_candles_published_total").await
}

#[tokio::test]
async fn drops_skips_stalls_and_a_restart_lose_and_duplicate_nothing() {
    let sim = start_sim(SYMBOLS, 300.0, |c| {
        c.faults.drop_every = Some(Duration::from_millis(2500));
        c.faults.skip_rate = 0.15;
        c.faults.stall_after = Some(Duration::from_millis(1500));
    })
    .await;
    let common = local_common_config();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());

    let first = spawn_collector(chaos_config(common.clone(), &sim)).await;
    wait_until("candles published", Duration::from_secs(20), || async {
        closed_published(&first).await >= 30.0
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await; // let drops and stalls happen
    let _streams = first.stop_keeping_stream().await;
    let restarted_at = sim.now_ms();
    tokio::time::sleep(Duration::from_millis(800)).await; // bars close while no collector runs

    let second = spawn_collector(chaos_config(common, &sim)).await;
    wait_until(
        "candles published after the restart",
        Duration::from_secs(20),
        || async { closed_published(&second).await >= 30.0 },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (got, want) = settle_past(
        &sim,
        &nats_url,
        &namespace,
        restarted_at,
        Duration::from_secs(20),
    )
    .await;
    second.stop().await;

    assert_eq!(got, want, "{}", diff(&got, &want));
    let newest = got.keys().map(|(_, _, open)| *open).max().unwrap();
    assert!(
        newest > restarted_at,
        "the stream covers the time after the restart"
    );
    let stats = sim.stats();
    assert!(
        stats.candles_skipped > 0 && stats.forced_disconnects > 0,
        "{stats:?}"
    );
    assert_eq!(stats.violations.total(), 0, "{stats:?}");
    assert_eq!((stats.rest_429, stats.rest_418), (0, 0), "{stats:?}");
}

#[tokio::test]
async fn malformed_frames_are_counted_and_skipped_without_losing_a_candle() {
    let sim = start_sim(SYMBOLS, 300.0, |c| c.faults.malformed_rate = 0.05).await;
    let common = local_common_config();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());
    let app = spawn_collector(chaos_config(common, &sim)).await;
    wait_until(
        "malformed frames counted",
        Duration::from_secs(20),
        || async {
            app.counted("data_collector_websocket_errors_total").await >= 5.0
                && closed_published(&app).await >= 40.0
        },
    )
    .await;
    let (got, want) = settle(&sim, &nats_url, &namespace, Duration::from_secs(20)).await;
    let errors = app.counted("data_collector_websocket_errors_total").await;
    let reconnects = app
        .counted("data_collector_websocket_reconnects_total")
        .await;
    app.stop().await;

    assert_eq!(got, want, "{}", diff(&got, &want));
    assert!(sim.stats().malformed_frames_sent > 0);
    assert!(errors > 0.0);
    assert_eq!(reconnects, 0.0, "bad frames never cost the connection");
}
