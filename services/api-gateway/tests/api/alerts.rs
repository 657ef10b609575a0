//! Alert rule management: keys required, each key sees only its own rules, validation errors name the field.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, ready_app};

pub fn rule(name: &str) -> Value {
    json!({
        "name": name,
        "symbols": ["BTCUSDT"],
        "interval": "5m",
        "condition": {"left": "rsi_14", "op": "lt", "right": 30},
        "frequency": "once_per_bar",
        "webhook_url": "https://example.com/hook",
    })
}

async fn create(app: &TestApp, key: &str, body: &Value) -> Value {
    let (status, created) = app
        .send(Method::POST, "/api/v1/alerts", key, Some(body))
        .await;
    assert_eq!(status, 201, "{created}");
    created
}

#[tokio::test]
async fn rules_are_created_read_updated_patched_and_deleted() {
    let app = ready_app().await;
    let key = app.api_key("owner").await;
    let created = create(&app, &key, &rule("oversold")).await;
    let id = created["id"].as_str().unwrap().to_string();
    assert!(
        created["secret"].as_str().unwrap().starts_with("whsec_"),
        "secret shown at creation"
    );
    assert_eq!(created["enabled"], true);
    assert_eq!(created["revision"], 1);
    assert_eq!(created["condition"]["op"], "lt");

    let path = format!("/api/v1/alerts/{id}");
    let (status, fetched) = app.get(&path, Some(&key)).await;
    assert_eq!(status, 200);
    assert!(
        fetched.get("secret").is_none(),
        "the secret is never shown again"
    );
    assert_eq!(fetched["name"], "oversold");

    let mut replacement = rule("renamed");
    replacement["interval"] = json!("1h");
    let (status, replaced) = app.send(Method::PUT, &path, &key, Some(&replacement)).await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(
        (replaced["name"].as_str(), replaced["interval"].as_str()),
        (Some("renamed"), Some("1h"))
    );
    assert_eq!(replaced["revision"], 2);

    let (status, patched) = app
        .send(
            Method::PATCH,
            &path,
            &key,
            Some(&json!({"enabled": false, "cooldown_seconds": 60})),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["enabled"], false);
    assert_eq!(patched["cooldown_seconds"], 60);
    assert_eq!(patched["name"], "renamed", "unpatched members stay");
    let stored: (bool, Value) =
        sqlx::query_as("SELECT enabled, spec FROM alert_rules WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.pool().await)
            .await
            .unwrap();
    assert!(!stored.0);
    assert_eq!(
        stored.1["cooldown_seconds"], 60,
        "the engine reads the rule JSON from spec"
    );

    let (status, list) = app.get("/api/v1/alerts", Some(&key)).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let (status, _) = app.send(Method::DELETE, &path, &key, None).await;
    assert_eq!(status, 204);
    let (status, body) = app.get(&path, Some(&key)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    app.stop().await;
}

#[tokio::test]
async fn another_keys_rules_are_404s_and_lists_are_separate() {
    let app = ready_app().await;
    let (alice, bob) = (app.api_key("alice").await, app.api_key("bob").await);
    let id = create(&app, &alice, &rule("alice's")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/alerts/{id}");
    assert_eq!(app.get(&path, Some(&bob)).await.0, 404);
    assert_eq!(
        app.send(Method::PUT, &path, &bob, Some(&rule("x"))).await.0,
        404
    );
    assert_eq!(
        app.send(Method::PATCH, &path, &bob, Some(&json!({"enabled": false})))
            .await
            .0,
        404
    );
    assert_eq!(app.send(Method::DELETE, &path, &bob, None).await.0, 404);
    assert_eq!(
        app.send(Method::POST, &format!("{path}/test"), &bob, None)
            .await
            .0,
        404
    );
    assert_eq!(
        app.get(&format!("/api/v1/alerts/events?rule_id={id}"), Some(&bob))
            .await
            .0,
        404
    );
    let (_, bobs) = app.get("/api/v1/alerts", Some(&bob)).await;
    assert!(bobs["items"].as_array().unwrap().is_empty());
    assert_eq!(app.get(&path, Some(&alice)).await.0, 200);
    app.stop().await;
}

#[tokio::test]
async fn alert_endpoints_need_a_valid_key() {
    let app = ready_app().await;
    let (status, body) = app.get("/api/v1/alerts", None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    assert_eq!(
        app.get("/api/v1/alerts", Some("csk_not-a-key")).await.0,
        401
    );
    let key = app.api_key("soon-revoked").await;
    assert_eq!(app.get("/api/v1/alerts", Some(&key)).await.0, 200);
    let response = app
        .client
        .get(app.url("/api/v1/alerts"))
        .header("Authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // A bad key is rejected even where no key is needed.
    assert_eq!(app.get("/api/v1/symbols", Some("csk_wrong")).await.0, 401);
    app.stop().await;
}

#[tokio::test]
async fn invalid_rules_are_400s_that_name_the_field() {
    let app = ready_app().await;
    let key = app.api_key("validator").await;
    let mut bad_op = rule("x");
    bad_op["condition"]["op"] = json!("bigger");
    let mut bad_field = rule("x");
    bad_field["condition"]["left"] = json!("nope_1");
    let mut bad_url = rule("x");
    bad_url["webhook_url"] = json!("not a url");
    let mut bad_enabled = rule("x");
    bad_enabled["enabled"] = json!("yes");
    for (body, field) in [
        (bad_op, "condition.op"),
        (bad_field, "condition.left"),
        (bad_url, "webhook_url"),
        (bad_enabled, "enabled"),
        (json!([1, 2]), ""),
    ] {
        let (status, reply) = app
            .send(Method::POST, "/api/v1/alerts", &key, Some(&body))
            .await;
        assert_eq!(status, 400, "{reply}");
        let error = &reply["error"];
        assert_eq!(error["code"], "validation_error");
        if !field.is_empty() {
            assert_eq!(error["field"], field, "{reply}");
        }
        assert!(error["request_id"].as_str().is_some_and(|r| !r.is_empty()));
        assert!(error["message"].is_string());
    }
    let response = app
        .client
        .post(app.url("/api/v1/alerts"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["kind"], "invalid_json");

    let huge = json!({"name": "x".repeat(100_000)});
    let (status, body) = app
        .send(Method::POST, "/api/v1/alerts", &key, Some(&huge))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let (status, _) = app.get("/api/v1/alerts/not-a-uuid", Some(&key)).await;
    assert_eq!(status, 404);
    let (status, _) = app.get("/api/v1/alerts?limit=5000", Some(&key)).await;
    assert_eq!(status, 400);
    app.stop().await;
}
