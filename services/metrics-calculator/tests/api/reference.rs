//! Indicators stored for the replayed reference data equal TA-Lib's, and the METRICS stream carries the same
//! values with the candle's request id.

use std::time::Duration;

use futures::StreamExt;
use market_model::{Interval, MetricSnapshot, Subjects};

use crate::data::{self, close_enough, scale};
use crate::helpers::{isolated, start, wait_for_snapshots, wait_until};

#[tokio::test]
async fn replayed_reference_candles_store_talib_values_and_publish_them() {
    // Arrange
    let (_nats, database, config) = isolated().await;
    let subjects = Subjects::new(&config.common.nats_namespace).unwrap();
    let js = data::jetstream(&config.common.nats_url, &subjects).await;
    let candles = data::ethbtc("ETHBTC");
    data::publish(&js, &subjects, &candles).await;

    // Act
    let app = start(config).await;
    let pool = database.pool().await;
    let total = candles.len() as i64;
    wait_until("every candle stored", Duration::from_secs(60), || async {
        (data::count_rows(&pool, "indicator_values", "ETHBTC").await == total).then_some(())
    })
    .await;

    // Assert: the database against TA-Lib.
    let rows = data::stored(&pool, "ETHBTC", Interval::Min5).await;
    let (columns, reference) = data::talib();
    let names = metrics_calculator::store::INDICATOR_COLUMNS;
    for (row, ((time, values), want)) in rows.iter().zip(&reference).enumerate() {
        assert_eq!(*time, candles[row].open_time);
        for (column, expected) in columns.iter().zip(want) {
            let index = names.iter().position(|n| n == column).unwrap();
            match (values[index], expected) {
                (Some(a), Some(e)) => assert!(
                    close_enough(a, *e, scale(column, &candles)),
                    "{column} row {row}: stored {a}, TA-Lib {e}"
                ),
                (a, e) => assert_eq!(a, *e, "{column} row {row}: NULL where TA-Lib has none"),
            }
        }
    }
    let candle_rows = data::count_rows(&pool, "candles", "ETHBTC").await;
    assert_eq!(candle_rows, total);

    // Assert: the METRICS stream holds one snapshot per candle with the stored values and the trace headers
    // (published while the rows are stored, so the last ones may land just after the rows).
    let stream = wait_for_snapshots(&js, &subjects, total as u64).await;
    let consumer = stream
        .create_consumer(async_nats::jetstream::consumer::pull::OrderedConfig::default())
        .await
        .unwrap();
    let mut messages = consumer.messages().await.unwrap();
    for (row, (time, values)) in rows.iter().enumerate() {
        let message = messages.next().await.unwrap().unwrap();
        let snapshot = MetricSnapshot::decode(&message.payload).unwrap();
        assert!(snapshot.closed);
        assert_eq!(snapshot.open_time, *time, "row {row}");
        // serde_json (without its float_roundtrip feature) may parse a float one ulp off, hence `same`.
        assert!(data::same(Some(snapshot.close), Some(candles[row].close)));
        for (index, name) in names.iter().enumerate() {
            assert!(
                data::same(snapshot.field(name), values[index]),
                "{name} row {row}: {:?} vs {:?}",
                snapshot.field(name),
                values[index]
            );
        }
        let headers = message.headers.as_ref().unwrap();
        assert_eq!(
            headers.get("X-Request-ID").unwrap().as_str(),
            data::request_id(&candles[row])
        );
        assert!(headers.get("traceparent").is_some());
        assert_eq!(
            headers.get("Nats-Msg-Id").unwrap().as_str(),
            snapshot.msg_id()
        );
    }
    drop(stream);
    app.stop().await;
}
