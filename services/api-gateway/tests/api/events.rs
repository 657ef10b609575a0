//! `GET /alerts/events` and `POST /alerts/{id}/test`.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::alerts::rule;
use crate::helpers::{TestApp, ready_app};

async fn insert_event(
    app: &TestApp,
    rule_id: &str,
    owner_key: &str,
    minutes_ago: i64,
    status: &str,
) {
    let owner: Uuid = sqlx::query_scalar("SELECT api_key_id FROM alert_rules WHERE id = $1::uuid")
        .bind(rule_id)
        .fetch_one(&app.pool().await)
        .await
        .unwrap();
    let _ = owner_key;
    sqlx::query(
        "INSERT INTO alert_events (id, rule_id, api_key_id, exchange, symbol, interval, bar_open_time, value,
                                   payload, status, attempts, last_status_code, triggered_at)
         VALUES ($1, $2::uuid, $3, 'binance', 'BTCUSDT', '5m', now(), 25.0, $4, $5, 1, 200,
                 now() - make_interval(mins => $6::int))",
    )
    .bind(Uuid::now_v7())
    .bind(rule_id)
    .bind(owner)
    .bind(json!({"message": "rsi low"}))
    .bind(status)
    .bind(minutes_ago as i32)
    .execute(&app.pool().await)
    .await
    .unwrap();
}

#[tokio::test]
async fn events_are_listed_newest_first_with_filters_and_only_for_their_owner() {
    let app = ready_app().await;
    let (key, other) = (app.api_key("events").await, app.api_key("other").await);
    let (_, a) = app
        .send(Method::POST, "/api/v1/alerts", &key, Some(&rule("a")))
        .await;
    let (_, b) = app
        .send(Method::POST, "/api/v1/alerts", &key, Some(&rule("b")))
        .await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    insert_event(&app, a, &key, 30, "delivered").await;
    insert_event(&app, a, &key, 10, "failed").await;
    insert_event(&app, b, &key, 20, "pending").await;

    let (status, all) = app.get("/api/v1/alerts/events", Some(&key)).await;
    assert_eq!(status, 200, "{all}");
    let statuses: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "pending", "delivered"]);
    let first = &all["items"][0];
    assert_eq!(
        (first["symbol"].as_str(), first["last_status_code"].as_i64()),
        (Some("BTCUSDT"), Some(200))
    );
    assert_eq!(first["payload"]["message"], "rsi low");

    let (_, only_a) = app
        .get(&format!("/api/v1/alerts/events?rule_id={a}"), Some(&key))
        .await;
    assert_eq!(only_a["items"].as_array().unwrap().len(), 2);
    let since = chrono::Utc::now().timestamp_millis() - 15 * 60_000;
    let (_, recent) = app
        .get(&format!("/api/v1/alerts/events?since={since}"), Some(&key))
        .await;
    assert_eq!(recent["items"].as_array().unwrap().len(), 1);
    let (_, limited) = app.get("/api/v1/alerts/events?limit=2", Some(&key)).await;
    assert_eq!(limited["items"].as_array().unwrap().len(), 2);

    let (_, theirs) = app.get("/api/v1/alerts/events", Some(&other)).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    assert_eq!(
        app.get("/api/v1/alerts/events?rule_id=nope", Some(&key))
            .await
            .0,
        400
    );
    assert_eq!(
        app.get("/api/v1/alerts/events?limit=0", Some(&key)).await.0,
        400
    );
    assert_eq!(app.get("/api/v1/alerts/events", None).await.0, 401);
    app.stop().await;
}

/// A local webhook receiver recording (signature header, body) of each call, answering `status`.
async fn receiver(status: u16) -> (String, tokio::sync::mpsc::Receiver<(String, Vec<u8>)>) {
    let (sender, calls) = tokio::sync::mpsc::channel(8);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let sender = sender.clone();
                async move {
                    let signature = headers
                        .get(alert_engine::webhook::SIGNATURE_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    sender.send((signature, body.to_vec())).await.unwrap();
                    axum::http::StatusCode::from_u16(status).unwrap()
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

#[tokio::test]
async fn a_test_delivery_is_signed_with_the_rules_secret_and_reported() {
    let app = ready_app().await;
    let key = app.api_key("tester").await;
    let (url, mut calls) = receiver(204).await;
    let mut body = rule("t");
    body["webhook_url"] = json!(url);
    let (_, created) = app
        .send(Method::POST, "/api/v1/alerts", &key, Some(&body))
        .await;
    let (id, secret) = (
        created["id"].as_str().unwrap(),
        created["secret"].as_str().unwrap(),
    );

    let (status, result) = app
        .send(
            Method::POST,
            &format!("/api/v1/alerts/{id}/test"),
            &key,
            None,
        )
        .await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(
        (
            result["delivered"].as_bool(),
            result["status_code"].as_u64()
        ),
        (Some(true), Some(204))
    );
    assert_eq!(result["payload"]["test"], true);
    let (signature, delivered) = calls.recv().await.unwrap();
    assert!(
        alert_engine::webhook::verify(secret.as_bytes(), &delivered, &signature),
        "receivers can verify"
    );
    let delivered: Value = serde_json::from_slice(&delivered).unwrap();
    assert_eq!(
        (delivered["rule_id"].as_str(), delivered["symbol"].as_str()),
        (Some(id), Some("BTCUSDT"))
    );

    let (failing_url, _calls) = receiver(500).await;
    let (_, patched) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/alerts/{id}"),
            &key,
            Some(&json!({"webhook_url": failing_url})),
        )
        .await;
    assert_eq!(patched["webhook_url"], failing_url.as_str());
    let (_, result) = app
        .send(
            Method::POST,
            &format!("/api/v1/alerts/{id}/test"),
            &key,
            None,
        )
        .await;
    assert_eq!(
        (
            result["delivered"].as_bool(),
            result["status_code"].as_u64()
        ),
        (Some(false), Some(500))
    );
    assert!(result["error"].is_string());
    app.stop().await;
}
