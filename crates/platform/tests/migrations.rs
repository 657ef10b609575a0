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
