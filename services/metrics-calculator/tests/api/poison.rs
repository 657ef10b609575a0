//! Messages that can never be processed are terminated at once (not redelivered) and counted by reason, and
//! the candles after them are processed.

use std::time::Duration;

use async_nats::jetstream::consumer::PullConsumer;
use market_model::{Interval, Subjects, wire};

use crate::data;
use crate::helpers::{ChildApp, isolated, scrape, wait_until};

#[tokio::test]
async fn poison_messages_are_terminated_and_counted() {
    // Arrange
    let (_nats, database, config) = isolated().await;
    let subjects = Subjects::new(&config.common.nats_namespace).unwrap();
    let js = data::jetstream(&config.common.nats_url, &subjects).await;
    let pool = database.pool().await;
    let candles = data::walk("BADUSDT", Interval::Min1, 1_700_000_040_000, 50, 3);
    let subject = subjects.for_candle(&candles[0]);
    // Four partitions, so the batches also carry other partitions' messages, settled by the same cumulative ack.
    let app = ChildApp::spawn(&config.common, "solo", &[("CALC_PARTITIONS", "4")]);

    // Act: garbage, then a body that names another series than its subject, then good candles.
    js.publish(subject.clone(), "not a candle".into())
        .await
        .unwrap()
        .await
        .unwrap();
    let other = data::walk("OTHERUSDT", Interval::Min1, 1_700_000_040_000, 1, 4);
    let mut buf = Vec::new();
    wire::encode(&other[0], &mut buf).unwrap();
    js.publish(subject, buf.into())
        .await
        .unwrap()
        .await
        .unwrap();
    data::publish(&js, &subjects, &candles).await;

    // Assert
    wait_until("good candles stored", Duration::from_secs(30), || async {
        (data::count_rows(&pool, "indicator_values", "BADUSDT").await == 50).then_some(())
    })
    .await;
    let rows = data::stored(&pool, "BADUSDT", Interval::Min1).await;
    data::assert_matches_uninterrupted(&candles, &rows);
    let poison = |reason: &'static str| {
        let base = app.metrics_base.clone();
        move || {
            let base = base.clone();
            async move {
                let series =
                    format!("metrics_calculator_poison_messages_total{{reason=\"{reason}\"}}");
                scrape(&base, &series).await.filter(|v| *v >= 1.0)
            }
        }
    };
    assert_eq!(
        wait_until(
            "undecodable counted",
            Duration::from_secs(10),
            poison("undecodable")
        )
        .await,
        1.0
    );
    assert_eq!(
        wait_until(
            "mismatch counted",
            Duration::from_secs(10),
            poison("mismatch")
        )
        .await,
        1.0
    );
    let partition = metrics_calculator::key::partition_of("binance", "BADUSDT", config.partitions);
    let name = metrics_calculator::consumer_name(partition, config.partitions);
    let mut consumer: PullConsumer = js
        .get_consumer_from_stream(&name, &subjects.candles_stream())
        .await
        .unwrap();
    let info = consumer.info().await.unwrap();
    assert_eq!(info.num_ack_pending, 0, "terminated, not left pending");
    assert_eq!(info.num_redelivered, 0, "terminated, not redelivered");
}
