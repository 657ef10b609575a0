//! "Send a test delivery" for the api-gateway's `POST /alerts/{id}/test`: one signed attempt to the rule's
//! webhook with a synthetic event, through the same SSRF guard and signature as real deliveries. Nothing is
//! stored and nothing is retried; the caller shows the outcome to the user.

use uuid::Uuid;

use super::sender::{Attempt, WebhookSender};
use crate::event::{AlertPayload, rfc3339_ms};

/// What the test delivery is about: the stored rule's identity, target and secret.
#[derive(Debug, Clone)]
pub struct TestTarget<'a> {
    pub rule_id: Uuid,
    pub rule_name: &'a str,
    pub webhook_url: &'a str,
    pub secret: &'a str,
    /// The rule's condition JSON, echoed in the body.
    pub condition: serde_json::Value,
    /// Shown in the body's `symbol`; e.g. the rule's first symbol.
    pub symbol: &'a str,
    pub interval: &'a str,
    /// The wall clock, ms since the Unix epoch (passed in so callers and tests control it).
    pub now_ms: i64,
}

/// The synthetic event sent and the attempt's outcome.
#[derive(Debug, Clone)]
pub struct TestDelivery {
    pub payload: AlertPayload,
    pub attempt: Attempt,
}

/// Sends one test event (`"test": true`, a fresh `event_id`) and reports what the receiver said.
pub async fn deliver_test(sender: &WebhookSender, target: TestTarget<'_>) -> TestDelivery {
    let payload = AlertPayload {
        event_id: Uuid::new_v4(),
        rule_id: target.rule_id,
        rule_name: target.rule_name.to_owned(),
        symbol: target.symbol.to_owned(),
        exchange: "test".to_owned(),
        interval: target.interval.to_owned(),
        bar_open_time: rfc3339_ms(target.now_ms),
        value: None,
        condition: target.condition,
        message: format!("Test delivery for rule \"{}\"", target.rule_name),
        triggered_at: rfc3339_ms(target.now_ms),
        test: true,
    };
    let body = serde_json::to_vec(&payload).unwrap_or_default();
    let attempt = sender
        .send(
            target.webhook_url,
            target.secret,
            payload.event_id,
            body,
            None,
        )
        .await;
    TestDelivery { payload, attempt }
}
