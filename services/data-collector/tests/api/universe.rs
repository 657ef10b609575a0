//! The universe follows the exchange: a new listing is subscribed and collected at the next refresh, a
//! delisted symbol is unsubscribed (it does not linger as a stale stream).

use std::time::Duration;

use test_support::local_common_config;

use crate::helpers::{collector_config, spawn_collector, start_sim, wait_until};
use crate::store::stored;

#[tokio::test]
async fn new_listings_are_collected_and_delistings_dropped_at_the_next_refresh() {
    let sim = start_sim(&["BTCUSDT", "ETHUSDT"], 120.0, |_| {}).await;
    let common = local_common_config();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());
    let mut config = collector_config(common, &sim, &["BTCUSDT", "ETHUSDT", "NEWCOINUSDT"]);
    config.universe_refresh_secs = 1.0;
    config.stale_after_secs = Some(0.5);
    let app = spawn_collector(config).await;
    let http = reqwest::Client::new();
    let has = |symbol: &'static str| {
        let (url, ns) = (nats_url.clone(), namespace.clone());
        async move { stored(&url, &ns).await.keys().any(|(s, _, _)| s == symbol) }
    };

    wait_until("ETHUSDT collected", Duration::from_secs(15), || {
        has("ETHUSDT")
    })
    .await;
    assert!(!has("NEWCOINUSDT").await, "not listed yet");
    let listed = http
        .post(format!("{}/sim/symbols/NEWCOINUSDT", sim.rest_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 201);
    wait_until("the new listing collected", Duration::from_secs(15), || {
        has("NEWCOINUSDT")
    })
    .await;

    let delisted = http
        .delete(format!("{}/sim/symbols/ETHUSDT", sim.rest_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(delisted.status(), 200);
    // Its stream stops; if the collector kept it, it would count as stale within 0.5 s.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stale = app.gauge("data_collector_stale_streams").await;
    let connections = app.gauge("data_collector_websocket_connections").await;
    app.stop().await;
    assert_eq!(stale, 0.0, "the delisted stream is no longer tracked");
    assert_eq!(connections, 1.0);
    assert_eq!(sim.stats().violations.total(), 0);
}
