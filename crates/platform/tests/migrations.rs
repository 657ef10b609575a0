//! Migrations apply once even when several replicas start at the same moment, and both sets share a database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use platform::migrate::{self, Schema};
use test_support::TestDatabase;

#[tokio::test]
async fn replicas_starting_together_apply_each_migration_once() {
    let database = TestDatabase::create().await;
    let runs = (0..4).map(|i| {
        let url = database.url().to_string();
        tokio::spawn(async move {
            let pool = platform::connect::postgres(&url, 2).unwrap();
            let schema = if i % 2 == 0 {
                Schema::App
            } else {
                Schema::Timeseries
            };
            migrate::run(&pool, schema).await
        })
    });
    for run in futures_join(runs).await {
        run.unwrap().expect("migration succeeds under concurrency");
    }
    let pool = database.pool().await;
    for (table, expected) in [
        ("_sqlx_migrations_app", 3_i64),
        ("_sqlx_migrations_timeseries", 1),
    ] {
        let applied: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {table} WHERE success"
        )))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(applied >= expected, "{table}: {applied} applied");
    }
    for table in [
        "api_keys",
        "alert_rules",
        "alert_events",
        "alert_rule_state",
        "candles",
        "indicator_values",
    ] {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(table)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(exists, "{table} was not created");
    }
    // Running again is a no-op.
    migrate::run(&pool, Schema::App).await.unwrap();
    migrate::run(&pool, Schema::Timeseries).await.unwrap();
}

async fn futures_join<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut results = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        results.push(handle.await);
    }
    results
}

/// An installation from before indicator values moved into `candles`: its stored values survive the migration
/// and read back the same through the table and through the `indicator_values` view.
#[tokio::test]
async fn indicator_values_stored_in_the_old_table_move_into_candles() {
    // Arrange: the time-series schema as it was before the move, with one candle and its values.
    const MOVE: i64 = 20_261_208_000_001;
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    let mut before = sqlx::migrate!("./migrations/timeseries");
    before.dangerous_set_table_name("_sqlx_migrations_timeseries");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < MOVE)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    assert!(before.migrations.len() < sqlx::migrate!("./migrations/timeseries").migrations.len());
    before.run(&pool).await.unwrap();
    sqlx::query(
        "INSERT INTO candles VALUES ('binance', 'BTCUSDT', '1m', to_timestamp(60), to_timestamp(119.999),
                                     1, 2, 0.5, 1.5, 10, 15, 3, 5, 7)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO indicator_values (exchange, symbol, interval, open_time, rsi_14, obv, change_pct_24h)
         VALUES ('binance', 'BTCUSDT', '1m', to_timestamp(60), 42.5, -7, 1.25)",
    )
    .execute(&pool)
    .await
    .unwrap();

    // Act
    migrate::run(&pool, Schema::Timeseries).await.unwrap();

    // Assert
    let moved: (f64, Option<f64>, Option<f64>, Option<f64>, Option<f64>) = sqlx::query_as(
        "SELECT close, rsi_14, obv, change_pct_24h, sma_20 FROM candles WHERE symbol = 'BTCUSDT'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(moved, (1.5, Some(42.5), Some(-7.0), Some(1.25), None));
    let through_view: (Option<f64>, Option<f64>) = sqlx::query_as(
        "SELECT rsi_14, change_pct_24h FROM indicator_values WHERE symbol = 'BTCUSDT'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(through_view, (Some(42.5), Some(1.25)));
    let kind: String = sqlx::query_scalar(
        "SELECT relkind::text FROM pg_class WHERE oid = to_regclass('indicator_values')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kind, "v", "indicator_values is a view over candles now");
}
