//! Two replicas on the same stream: both evaluate everything, Redis claims let exactly one notify.

use std::collections::HashSet;

use serde_json::json;

use crate::fixtures;
use crate::helpers::TestEnv;
use crate::receiver::{PATIENCE, Receiver};

#[tokio::test]
async fn two_replicas_deliver_every_event_exactly_once() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(
        &receiver.url,
        json!({"left": "rsi_14", "op": "crosses_below", "right": 30}),
        "once_per_bar_close",
    );
    fixtures::insert_rule(&env.pool, owner, &spec).await;
    let a = env.spawn("a", |_| {}).await;
    let b = env.spawn("b", |_| {}).await;
    let snapshots: Vec<_> = fixtures::replay().into_iter().take(2000).collect();
    let last = snapshots.last().unwrap().open_time;
    let expected: Vec<i64> = fixtures::talib_crossings_below_30()
        .into_iter()
        .filter(|t| *t <= last)
        .collect();
    assert!(expected.len() >= 3);

    fixtures::publish_closed(&env.nats, &env.subjects, &snapshots).await;
    receiver.wait_for_delivered(expected.len(), PATIENCE).await;
    env.wait_drained("a").await;
    env.wait_drained("b").await;
    env.wait_no_pending().await;

    let hits = receiver.hits();
    assert_eq!(fixtures::delivered_bars(&hits), expected);
    let ids: HashSet<&str> = hits.iter().map(|h| h.event_id.as_str()).collect();
    assert_eq!(ids.len(), expected.len());
    a.stop().await;
    b.stop().await;
}
