//! A database outage: the calculator stops acknowledging, keeps the candles in JetStream, reports not ready,
//! and catches up without loss when the database returns.

use std::time::Duration;

use async_nats::jetstream::consumer::PullConsumer;
use market_model::{Interval, Subjects};
use test_support::wait_for_status;

use crate::data;
use crate::helpers::{isolated, start, wait_until};
use crate::proxy::Proxy;

#[tokio::test]
async fn a_database_outage_holds_candles_in_jetstream_and_loses_none() {
    // Arrange: the service reaches PostgreSQL through a proxy the test can cut.
    let (_nats, database, mut config) = isolated().await;
    let mut proxy = Proxy::start("127.0.0.1:5432".parse().unwrap()).await;
    config.common.database_url = database
        .url()
        .replace(":5432/", &format!(":{}/", proxy.port()));
    config.ack_wait_secs = 2;
    let subjects = Subjects::new(&config.common.nats_namespace).unwrap();
    let js = data::jetstream(&config.common.nats_url, &subjects).await;
    let pool = database.pool().await;
    let candles = data::walk("OUTUSDT", Interval::Min1, 1_700_000_040_000, 500, 11);
    let app = start(config.clone()).await;
    let ready = format!("{}/health/ready", app.metrics_base);
    data::publish(&js, &subjects, &candles[..200]).await;
    wait_until("first part stored", Duration::from_secs(30), || async {
        (data::count_rows(&pool, "indicator_values", "OUTUSDT").await == 200).then_some(())
    })
    .await;

    // Act: cut the database, publish more.
    proxy.stop();
    data::publish(&js, &subjects, &candles[200..]).await;
    let body = wait_for_status(&ready, 503, Duration::from_secs(15)).await;
    let partition = metrics_calculator::key::partition_of("binance", "OUTUSDT", config.partitions);
    let name = metrics_calculator::consumer_name(partition, config.partitions);
    let mut consumer: PullConsumer = js
        .get_consumer_from_stream(&name, &subjects.candles_stream())
        .await
        .unwrap();
    let held = wait_until(
        "a batch held unacknowledged",
        Duration::from_secs(15),
        || {
            let mut consumer = consumer.clone();
            async move {
                let info = consumer.info().await.ok()?;
                (info.num_ack_pending > 0).then_some(info.num_ack_pending)
            }
        },
    )
    .await;
    // The outage outlasts ack_wait (2 s): progress acks must keep the batch from being redelivered.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let during = consumer.info().await.unwrap();
    assert_eq!(
        data::count_rows(&pool, "indicator_values", "OUTUSDT").await,
        200
    );

    // Assert: back online, everything is stored with the uninterrupted values.
    proxy.resume().await;
    wait_until("all candles stored", Duration::from_secs(30), || async {
        (data::count_rows(&pool, "indicator_values", "OUTUSDT").await == 500).then_some(())
    })
    .await;
    wait_for_status(&ready, 200, Duration::from_secs(15)).await;
    let rows = data::stored(&pool, "OUTUSDT", Interval::Min1).await;
    data::assert_matches_uninterrupted(&candles, &rows);
    assert!(
        body["failing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "timescaledb" || c == "pipeline"),
        "{body}"
    );
    assert!(held > 0);
    assert_eq!(
        during.num_redelivered, 0,
        "held messages were redelivered during the outage"
    );
    app.stop().await;
}
