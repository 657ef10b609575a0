//! Stopping the calculator in the middle of a replay and starting a new instance changes no stored value, and
//! redelivered or duplicated candles are idempotent.

use std::time::Duration;

use market_model::{Interval, Subjects};

use crate::data;
use crate::helpers::{isolated, start, wait_until};

#[tokio::test]
async fn a_restart_in_the_middle_of_a_replay_stores_the_uninterrupted_values() {
    // Arrange: the first 3,000 reference candles are processed by a first instance, which is then stopped.
    let (_nats, database, mut config) = isolated().await;
    config.flush_size = 250;
    let subjects = Subjects::new(&config.common.nats_namespace).unwrap();
    let js = data::jetstream(&config.common.nats_url, &subjects).await;
    let pool = database.pool().await;
    let candles = data::ethbtc("ETHBTC");
    let (first, rest) = candles.split_at(3_000);
    data::publish(&js, &subjects, first).await;
    let app = start(config.clone()).await;
    wait_until("the first part stored", Duration::from_secs(60), || async {
        (data::count_rows(&pool, "indicator_values", "ETHBTC").await == 3_000).then_some(())
    })
    .await;
    app.stop().await;

    // Act: the rest of the replay arrives while no instance runs; a new instance (empty memory) continues.
    data::publish(&js, &subjects, rest).await;
    let app = start(config).await;
    let total = candles.len() as i64;
    wait_until("every candle stored", Duration::from_secs(60), || async {
        (data::count_rows(&pool, "indicator_values", "ETHBTC").await == total).then_some(())
    })
    .await;

    // Assert
    let rows = data::stored(&pool, "ETHBTC", Interval::Min5).await;
    data::assert_matches_uninterrupted(&candles, &rows);
    app.stop().await;
}

#[tokio::test]
async fn duplicates_and_full_redelivery_rewrite_the_same_rows() {
    // Arrange
    let (_nats, database, config) = isolated().await;
    let subjects = Subjects::new(&config.common.nats_namespace).unwrap();
    let js = data::jetstream(&config.common.nats_url, &subjects).await;
    let pool = database.pool().await;
    let candles = data::walk("DUPUSDT", Interval::Min1, 1_700_000_040_000, 300, 7);
    data::publish(&js, &subjects, &candles).await;
    let app = start(config.clone()).await;
    wait_until("candles stored", Duration::from_secs(30), || async {
        (data::count_rows(&pool, "indicator_values", "DUPUSDT").await == 300).then_some(())
    })
    .await;
    let before = data::stored(&pool, "DUPUSDT", Interval::Min1).await;

    // Act 1: the same candles again, past the stream's deduplication (no Nats-Msg-Id), so the calculator sees them.
    for candle in &candles[100..200] {
        let mut buf = Vec::new();
        market_model::wire::encode(candle, &mut buf).unwrap();
        js.publish(subjects.for_candle(candle), buf.into())
            .await
            .unwrap()
            .await
            .unwrap();
    }
    let consumers_idle = || async {
        for partition in 0..config.partitions {
            let name = metrics_calculator::consumer_name(partition, config.partitions);
            let mut consumer: async_nats::jetstream::consumer::PullConsumer = js
                .get_consumer_from_stream(&name, &subjects.candles_stream())
                .await
                .ok()?;
            let info = consumer.info().await.ok()?;
            if info.num_pending > 0 || info.num_ack_pending > 0 {
                return None;
            }
        }
        Some(())
    };
    wait_until(
        "duplicates consumed",
        Duration::from_secs(30),
        consumers_idle,
    )
    .await;
    app.stop().await;

    // Act 2: every candle redelivered to a fresh instance (consumers deleted: a full replay from the stream).
    let stream = js.get_stream(subjects.candles_stream()).await.unwrap();
    for partition in 0..config.partitions {
        let name = metrics_calculator::consumer_name(partition, config.partitions);
        stream.delete_consumer(&name).await.unwrap();
    }
    let app = start(config.clone()).await;
    wait_until(
        "full replay consumed",
        Duration::from_secs(30),
        consumers_idle,
    )
    .await;

    // Assert: same rows, same values, one snapshot per candle in METRICS.
    let after = data::stored(&pool, "DUPUSDT", Interval::Min1).await;
    assert_eq!(after, before);
    data::assert_matches_uninterrupted(&candles, &after);
    let mut metrics = js.get_stream(subjects.metrics_stream()).await.unwrap();
    assert_eq!(metrics.info().await.unwrap().state.messages, 300);
    app.stop().await;
}
