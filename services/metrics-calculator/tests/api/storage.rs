//! The plain-PostgreSQL storage path (no TimescaleDB here): BRIN indexes on time and the `candles_daily`
//! rollup view exist after start-up, and the rollup answers from stored 1 h candles.

use std::time::Duration;

use market_model::{Interval, Subjects};

use crate::data;
use crate::helpers::{isolated, start, wait_until};

#[tokio::test]
async fn plain_postgresql_gets_brin_indexes_and_a_daily_rollup_view() {
    // Arrange: 48 hours of 1 h candles, from midnight UTC.
    let (_nats, database, config) = isolated().await;
    let subjects = Subjects::new(&config.common.nats_namespace).unwrap();
    let js = data::jetstream(&config.common.nats_url, &subjects).await;
    let pool = database.pool().await;
    let midnight = 1_700_000_000_000 / 86_400_000 * 86_400_000;
    let candles = data::walk("ROLLUSDT", Interval::Hour1, midnight, 48, 9);
    data::publish(&js, &subjects, &candles).await;

    // Act
    let app = start(config).await;
    wait_until("candles stored", Duration::from_secs(30), || async {
        (data::count_rows(&pool, "candles", "ROLLUSDT").await == 48).then_some(())
    })
    .await;

    // Assert
    let brin: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'candles' AND indexdef LIKE '%brin%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(brin, 1);
    let days: Vec<(f64, f64, f64, f64, f64)> = sqlx::query_as(
        "SELECT open, high, low, close, volume FROM candles_daily WHERE symbol = $1 ORDER BY day",
    )
    .bind("ROLLUSDT")
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(days.len(), 2);
    for (day, chunk) in days.iter().zip(candles.chunks(24)) {
        let high = chunk.iter().map(|c| c.high).fold(f64::MIN, f64::max);
        let low = chunk.iter().map(|c| c.low).fold(f64::MAX, f64::min);
        let volume: f64 = chunk.iter().map(|c| c.volume).sum();
        assert!(data::same(Some(day.0), Some(chunk[0].open)));
        assert!(data::same(Some(day.1), Some(high)));
        assert!(data::same(Some(day.2), Some(low)));
        assert!(data::same(Some(day.3), Some(chunk[23].close)));
        assert!((day.4 - volume).abs() <= 1e-9 * volume);
    }
    // The 24 h change of the last hour compares its close with the open 24 hours before its close.
    let change: Option<f64> = sqlx::query_scalar(
        "SELECT change_pct_24h FROM indicator_values WHERE symbol = $1 ORDER BY open_time DESC LIMIT 1",
    )
    .bind("ROLLUSDT")
    .fetch_one(&pool)
    .await
    .unwrap();
    let expected = (candles[47].close - candles[24].open) / candles[24].open * 100.0;
    assert!((change.unwrap() - expected).abs() <= 1e-9 * expected.abs().max(1e-9));
    app.stop().await;
}
