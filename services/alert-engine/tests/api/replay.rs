//! The ETHBTC reference replay: `rsi_14 crosses_below 30` notifies exactly TA-Lib's crossings, once each.

use std::collections::HashSet;

use serde_json::json;

use crate::fixtures::{self, SECRET};
use crate::helpers::TestEnv;
use crate::receiver::{PATIENCE, Receiver};

#[tokio::test]
async fn replay_delivers_exactly_the_bars_where_talib_rsi_crosses_below_30() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(
        &receiver.url,
        json!({"left": "rsi_14", "op": "crosses_below", "right": 30}),
        "once_per_bar_close",
    );
    let rule = fixtures::insert_rule(&env.pool, owner, &spec).await;
    let app = env.spawn("solo", |_| {}).await;
    let expected = fixtures::talib_crossings_below_30();
    assert!(expected.len() > 10, "the reference data has crossings");

    fixtures::publish_closed(&env.nats, &env.subjects, &fixtures::replay()).await;
    receiver.wait_for_delivered(expected.len(), PATIENCE).await;
    env.wait_drained("solo").await;
    env.wait_no_pending().await;

    let hits = receiver.hits();
    assert_eq!(fixtures::delivered_bars(&hits), expected);
    let ids: HashSet<&str> = hits.iter().map(|h| h.event_id.as_str()).collect();
    assert_eq!(ids.len(), hits.len(), "no event delivered twice");
    for hit in &hits {
        assert!(alert_engine::webhook::verify(
            SECRET.as_bytes(),
            &hit.body,
            &hit.signature
        ));
        assert_eq!(hit.json["event_id"], hit.event_id.as_str());
        assert_eq!(hit.json["rule_id"], rule.to_string());
        assert_eq!(hit.json["symbol"], "ETHBTC");
        assert_eq!(hit.json["interval"], "5m");
        assert!(hit.json["value"].as_f64().unwrap() < 30.0);
        assert!(
            hit.json["message"]
                .as_str()
                .unwrap()
                .starts_with("ETHBTC rsi ")
        );
    }
    let events = fixtures::events(&env.pool).await;
    assert_eq!(events.len(), expected.len());
    assert!(
        events
            .iter()
            .all(|(status, attempts, code, _)| status == "delivered"
                && *attempts == 1
                && *code == Some(200))
    );
    app.stop().await;
}
