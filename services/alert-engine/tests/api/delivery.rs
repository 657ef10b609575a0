//! Webhook delivery: retries with the same event id and a valid signature, the SSRF guard, pending events
//! surviving a restart, and the gateway's test delivery.

use std::time::Duration;

use alert_engine::webhook::{TestTarget, WebhookSender, deliver_test, verify};
use serde_json::json;
use uuid::Uuid;

use crate::fixtures::{self, SECRET};
use crate::helpers::{TestEnv, wait_until};
use crate::receiver::{PATIENCE, Receiver};

fn always() -> serde_json::Value {
    json!({"left": "close", "op": "gt", "right": 0})
}

#[tokio::test]
async fn receiver_failing_three_times_gets_the_fourth_attempt_with_the_same_event_id() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(3).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(&receiver.url, always(), "once_per_bar_close");
    fixtures::insert_rule(&env.pool, owner, &spec).await;
    let app = env.spawn("d", |_| {}).await;

    fixtures::publish_closed(
        &env.nats,
        &env.subjects,
        &[fixtures::simple_snapshot(1, 1.0, None)],
    )
    .await;
    receiver.wait_for_delivered(1, PATIENCE).await;
    env.wait_no_pending().await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 4);
    assert_eq!(
        hits.iter().map(|h| h.status).collect::<Vec<_>>(),
        [500, 500, 500, 200]
    );
    assert!(
        hits.iter()
            .all(|h| h.event_id == hits[0].event_id && h.body == hits[0].body)
    );
    assert!(verify(SECRET.as_bytes(), &hits[3].body, &hits[3].signature));
    assert_eq!(
        fixtures::events(&env.pool).await,
        vec![("delivered".to_owned(), 4, Some(200), None)]
    );
    app.stop().await;
}

#[tokio::test]
async fn receiver_that_never_recovers_is_marked_failed_after_the_last_attempt() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(usize::MAX).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(&receiver.url, always(), "once_per_bar_close");
    fixtures::insert_rule(&env.pool, owner, &spec).await;
    let app = env.spawn("f", |c| c.webhook_max_attempts = 3).await;

    fixtures::publish_closed(
        &env.nats,
        &env.subjects,
        &[fixtures::simple_snapshot(1, 1.0, None)],
    )
    .await;
    wait_until(PATIENCE, || async { receiver.hits().len() >= 3 }).await;
    env.wait_no_pending().await;

    assert_eq!(
        fixtures::events(&env.pool).await,
        vec![(
            "failed".to_owned(),
            3,
            Some(500),
            Some("HTTP 500".to_owned())
        )]
    );
    assert_eq!(receiver.hits().len(), 3);
    app.stop().await;
}

#[tokio::test]
async fn ssrf_guard_refuses_loopback_unless_private_targets_are_allowed() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(&receiver.url, always(), "once_per_bar_close");
    fixtures::insert_rule(&env.pool, owner, &spec).await;
    let app = env.spawn("s", |c| c.webhook_allow_private = false).await;

    fixtures::publish_closed(
        &env.nats,
        &env.subjects,
        &[fixtures::simple_snapshot(1, 1.0, None)],
    )
    .await;
    env.wait_drained("s").await;
    wait_until(PATIENCE, || async {
        !fixtures::events(&env.pool).await.is_empty()
    })
    .await;
    env.wait_no_pending().await;

    let events = fixtures::events(&env.pool).await;
    assert_eq!(events.len(), 1);
    let (status, attempts, code, error) = &events[0];
    assert_eq!((status.as_str(), *attempts, *code), ("failed", 1, None));
    assert!(error.as_deref().unwrap().contains("loopback"), "{error:?}");
    assert!(receiver.hits().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn pending_events_stored_before_a_restart_are_delivered_after_it() {
    let env = TestEnv::new().await;
    let receiver = Receiver::start(0).await;
    let owner = fixtures::api_key(&env.pool).await;
    let spec = fixtures::rule_spec(&receiver.url, always(), "once_per_bar_close");
    let rule = fixtures::insert_rule(&env.pool, owner, &spec).await;
    // What an engine that crashed after persisting (and acknowledging) leaves behind.
    let event = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO alert_events (id, rule_id, api_key_id, exchange, symbol, interval, bar_open_time, payload) \
         VALUES ($1, $2, $3, 'binance', 'ETHBTC', '5m', now(), $4)",
    )
    .bind(event)
    .bind(rule)
    .bind(owner)
    .bind(json!({"event_id": event, "rule_id": rule, "message": "left over"}))
    .execute(&env.pool)
    .await
    .unwrap();

    let app = env.spawn("p", |_| {}).await;
    let hits = receiver.wait_for_delivered(1, PATIENCE).await;
    env.wait_no_pending().await;

    assert_eq!(hits[0].event_id, event.to_string());
    assert_eq!(hits[0].json["message"], "left over");
    assert!(verify(SECRET.as_bytes(), &hits[0].body, &hits[0].signature));
    assert_eq!(fixtures::events(&env.pool).await[0].0, "delivered");
    app.stop().await;
}

fn target(url: &str) -> TestTarget<'_> {
    TestTarget {
        rule_id: Uuid::from_u128(42),
        rule_name: "demo",
        webhook_url: url,
        secret: SECRET,
        condition: json!({"left": "close", "op": "gt", "right": 1}),
        symbol: "BTCUSDT",
        interval: "1h",
        now_ms: 1_700_000_000_000,
    }
}

#[tokio::test]
async fn test_delivery_is_signed_and_obeys_the_ssrf_guard() {
    let receiver = Receiver::start(0).await;
    let strict = WebhookSender::new(Duration::from_secs(2), false).unwrap();
    let refused = deliver_test(&strict, target(&receiver.url)).await;
    assert!(!refused.attempt.delivered && !refused.attempt.retryable);
    assert!(refused.attempt.error.unwrap().contains("loopback"));
    let localhost = receiver.url.replace("127.0.0.1", "localhost");
    let refused = deliver_test(&strict, target(&localhost)).await;
    assert!(
        refused.attempt.error.unwrap().contains("refused"),
        "names resolving to loopback too"
    );
    assert!(receiver.hits().is_empty());

    let relaxed = WebhookSender::new(Duration::from_secs(2), true).unwrap();
    let sent = deliver_test(&relaxed, target(&receiver.url)).await;
    assert!(sent.attempt.delivered);
    assert_eq!(sent.attempt.status, Some(200));
    let hit = &receiver.hits()[0];
    assert_eq!(hit.json["test"], true);
    assert_eq!(hit.event_id, sent.payload.event_id.to_string());
    assert!(verify(SECRET.as_bytes(), &hit.body, &hit.signature));
}
