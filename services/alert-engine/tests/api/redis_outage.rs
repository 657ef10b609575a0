//! Redis stops in the middle of a replay: the engine turns not-ready and holds triggers, then catches up
//! when Redis returns, with no duplicate and no missing delivery.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;
use test_support::PrivateServer;

use crate::fixtures;
use crate::helpers::TestEnv;
use crate::receiver::{PATIENCE, Receiver};

#[tokio::test]
async fn redis_outage_during_a_replay_neither_duplicates_nor_loses_deliveries() {
    let mut redis = PrivateServer::redis();
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(
        &receiver.url,
        json!({"left": "rsi_14", "op": "crosses_below", "right": 30}),
        "once_per_bar_close",
    );
    fixtures::insert_rule(&env.pool, owner, &spec).await;
    let url = redis.url();
    let app = env.spawn("r", |c| c.common.redis_url = url).await;
    let snapshots = fixtures::replay();
    let expected = fixtures::talib_crossings_below_30();
    let (first, rest) = snapshots.split_at(1500);
    let (during, after) = rest.split_at(1500);
    let before = expected
        .iter()
        .filter(|t| **t <= first.last().unwrap().open_time)
        .count();

    fixtures::publish_closed(&env.nats, &env.subjects, first).await;
    receiver.wait_for_delivered(before, PATIENCE).await;
    env.wait_drained("r").await;
    redis.stop();
    fixtures::publish_closed(&env.nats, &env.subjects, during).await;
    test_support::wait_for_status(
        &format!("{}/health/ready", app.metrics_base),
        503,
        Duration::from_secs(15),
    )
    .await;
    assert_eq!(
        receiver.delivered().len(),
        before,
        "nothing is notified while Redis is down"
    );
    redis.restart();
    fixtures::publish_closed(&env.nats, &env.subjects, after).await;
    receiver.wait_for_delivered(expected.len(), PATIENCE).await;
    env.wait_drained("r").await;
    env.wait_no_pending().await;

    let hits = receiver.hits();
    assert_eq!(fixtures::delivered_bars(&hits), expected);
    let ids: HashSet<&str> = hits.iter().map(|h| h.event_id.as_str()).collect();
    assert_eq!(ids.len(), expected.len());
    app.stop().await;
}
