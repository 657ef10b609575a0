//! Rule changes are applied without restart, `once` disables its rule, and crossing state survives a
//! restart through the time-series history.

use serde_json::json;

use crate::fixtures::{self, SHORT};
use crate::helpers::TestEnv;
use crate::receiver::{PATIENCE, Receiver};

#[tokio::test]
async fn a_rule_inserted_while_running_is_picked_up_through_notify() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    // A resync period far beyond the test: only NOTIFY can deliver the change in time.
    let app = env.spawn("n", |c| c.rules_resync_secs = 3600).await;
    let spec = fixtures::rule_spec(
        &receiver.url,
        json!({"left": "close", "op": "gt", "right": 0}),
        "once_per_bar_close",
    );
    fixtures::insert_rule(&env.pool, owner, &spec).await;

    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut bar = 1;
    while receiver.delivered().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "rule never picked up"
        );
        fixtures::publish_closed(
            &env.nats,
            &env.subjects,
            &[fixtures::simple_snapshot(bar, 1.0, None)],
        )
        .await;
        bar += 1;
        tokio::time::sleep(SHORT).await;
    }
    app.stop().await;
}

#[tokio::test]
async fn a_once_rule_fires_one_time_and_disables_itself() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(
        &receiver.url,
        json!({"left": "close", "op": "gt", "right": 0}),
        "once",
    );
    let rule = fixtures::insert_rule(&env.pool, owner, &spec).await;
    let app = env.spawn("o", |_| {}).await;

    let snapshots: Vec<_> = (1..=5)
        .map(|b| fixtures::simple_snapshot(b, 1.0, None))
        .collect();
    fixtures::publish_closed(&env.nats, &env.subjects, &snapshots).await;
    receiver.wait_for_delivered(1, PATIENCE).await;
    env.wait_drained("o").await;
    env.wait_no_pending().await;

    assert!(!fixtures::rule_enabled(&env.pool, rule).await);
    fixtures::publish_closed(
        &env.nats,
        &env.subjects,
        &[fixtures::simple_snapshot(6, 1.0, None)],
    )
    .await;
    env.wait_drained("o").await;
    assert_eq!(receiver.hits().len(), 1);
    assert_eq!(fixtures::events(&env.pool).await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn in_progress_bars_fire_once_per_bar_rules_once() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(
        &receiver.url,
        json!({"left": "close", "op": "gt", "right": 10}),
        "once_per_bar",
    );
    fixtures::insert_rule(&env.pool, owner, &spec).await;
    let app = env.spawn("l", |_| {}).await;

    for close in [11.0, 12.0, 13.0] {
        fixtures::publish_live(
            &env.nats,
            &env.subjects,
            &fixtures::simple_snapshot(1, close, None),
        )
        .await;
    }
    receiver.wait_for_delivered(1, PATIENCE).await;
    fixtures::publish_closed(
        &env.nats,
        &env.subjects,
        &[fixtures::simple_snapshot(1, 14.0, None)],
    )
    .await;
    env.wait_drained("l").await;
    env.wait_no_pending().await;

    assert_eq!(receiver.hits().len(), 1, "one fire per bar, live or closed");
    app.stop().await;
}

/// Stores bars as the metrics-calculator does, so a restarted engine can warm its crossing state.
async fn store_history(pool: &sqlx::PgPool, snapshots: &[market_model::MetricSnapshot]) {
    platform::migrate::run(pool, platform::migrate::Schema::Timeseries)
        .await
        .unwrap();
    for s in snapshots {
        let t = chrono::DateTime::from_timestamp_millis(s.open_time).unwrap();
        sqlx::query(
            "INSERT INTO candles (exchange, symbol, interval, open_time, close_time, open, high, low, close, volume,
                                  quote_volume, trades, taker_buy_base, taker_buy_quote, rsi_14)
             VALUES ($1, $2, $3, $4, $4 + interval '5 minutes', $5, $6, $7, $8, $9, 0, 0, 0, 0, $10)",
        )
        .bind(s.exchange.as_str())
        .bind(s.symbol.as_str())
        .bind(s.interval.as_str())
        .bind(t)
        .bind(s.open)
        .bind(s.high)
        .bind(s.low)
        .bind(s.close)
        .bind(s.volume)
        .bind(s.indicators.rsi_14)
        .execute(pool)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_restart_right_before_a_crossing_neither_misses_nor_invents_it() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(
        &receiver.url,
        json!({"left": "rsi_14", "op": "crosses_below", "right": 30}),
        "once_per_bar_close",
    );
    fixtures::insert_rule(&env.pool, owner, &spec).await;
    let snapshots = fixtures::replay();
    let crossing = fixtures::talib_crossings_below_30()[0];
    let k = snapshots
        .iter()
        .position(|s| s.open_time == crossing)
        .unwrap();
    let (before, after) = snapshots.split_at(k);

    let first = env.spawn("w", |_| {}).await;
    fixtures::publish_closed(&env.nats, &env.subjects, before).await;
    env.wait_drained("w").await;
    first.stop().await;
    store_history(&env.pool, &before[k - 3..]).await;
    let second = env.spawn("w", |_| {}).await;
    fixtures::publish_closed(&env.nats, &env.subjects, &after[..2]).await;
    let hits = receiver.wait_for_delivered(1, PATIENCE).await;
    env.wait_drained("w").await;
    env.wait_no_pending().await;

    assert_eq!(fixtures::delivered_bars(&hits), vec![crossing]);
    assert_eq!(receiver.hits().len(), 1);
    second.stop().await;
}
