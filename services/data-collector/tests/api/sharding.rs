//! Streams are spread over as many connections as needed, and neither the connection rate nor the
//! per-connection message rate nor the stream limit is ever exceeded.

use std::time::Duration;

use market_model::Interval;
use test_support::local_common_config;

use crate::helpers::{collector_config, spawn_collector, start_sim, wait_until};
use crate::store::stored;

fn symbols(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("Z{i:04}USDT")).collect()
}

#[tokio::test]
async fn streams_are_sharded_over_several_connections_within_the_limits() {
    let names = symbols(40);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let sim = start_sim(&refs, 60.0, |_| {}).await;
    let common = local_common_config();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());
    let mut config = collector_config(common, &sim, &refs);
    config.intervals =
        data_collector::IntervalList(vec![Interval::Min1, Interval::Min5, Interval::Min15]);
    config.max_streams_per_connection = 50;
    let app = spawn_collector(config).await;

    wait_until("three connections", Duration::from_secs(20), || async {
        app.gauge("data_collector_websocket_connections").await == 3.0
    })
    .await;
    wait_until(
        "every symbol's 1m candles stored",
        Duration::from_secs(30),
        || async {
            let got = stored(&nats_url, &namespace).await;
            names.iter().all(|s| {
                got.keys()
                    .any(|(sym, i, _)| sym == s && *i == Interval::Min1)
            })
        },
    )
    .await;
    app.stop().await;

    let stats = sim.stats();
    assert_eq!(stats.connections_opened, 3, "{stats:?}");
    assert_eq!(stats.violations.total(), 0, "{stats:?}");
    assert_eq!((stats.rest_429, stats.rest_418), (0, 0), "{stats:?}");
}

#[tokio::test]
async fn more_than_1024_streams_use_two_connections_and_paced_subscriptions() {
    // 367 symbols x 3 intervals = 1101 streams: 1024 on the first connection (most by SUBSCRIBE), 77 on
    // the second, at the simulator's real limits.
    let names = symbols(367);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let sim = start_sim(&refs, 60.0, |c| {
        c.update_interval = Duration::from_millis(500)
    })
    .await;
    let mut config = collector_config(local_common_config(), &sim, &refs);
    config.intervals =
        data_collector::IntervalList(vec![Interval::Min1, Interval::Min5, Interval::Min15]);
    config.backfill_initial_bars = 1;
    let app = spawn_collector(config).await;

    wait_until(
        "two connections carrying data",
        Duration::from_secs(30),
        || async {
            app.gauge("data_collector_websocket_connections").await == 2.0
                && app
                    .counted("data_collector_candles_received_total{state=\"closed\"}")
                    .await
                    >= 1101.0
        },
    )
    .await;
    // Subscriptions of the first connection are done once every stream has updated.
    wait_until("no stale stream", Duration::from_secs(30), || async {
        app.gauge("data_collector_stale_streams").await == 0.0
    })
    .await;
    app.stop().await;

    let stats = sim.stats();
    assert_eq!(stats.connections_opened, 2, "{stats:?}");
    assert_eq!(stats.violations.total(), 0, "{stats:?}");
    assert_eq!((stats.rest_429, stats.rest_418), (0, 0), "{stats:?}");
}
