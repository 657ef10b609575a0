//! Every error is JSON with a code and the request id; bad input never gets a 5xx.

use crate::helpers::spawn_app;

#[tokio::test]
async fn unknown_routes_are_json_404s_with_the_request_id() {
    let app = spawn_app(|_| {}).await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/nope", app.api_base))
        .header("X-Request-ID", "req-404-test")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-request-id"], "req-404-test");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["request_id"], "req-404-test");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/api/v1/nope")
    );
    app.stop().await;
}

#[tokio::test]
async fn wrong_methods_are_json_405s() {
    let app = spawn_app(|_| {}).await;
    let response = reqwest::Client::new()
        .delete(format!("{}/api/v1/status", app.api_base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    assert!(!body["error"]["request_id"].as_str().unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn http_metrics_use_the_route_template_not_the_raw_path() {
    let app = spawn_app(|_| {}).await;
    reqwest::get(format!("{}/api/v1/status", app.api_base))
        .await
        .unwrap();
    reqwest::get(format!("{}/api/v1/does-not-exist-123", app.api_base))
        .await
        .unwrap();
    let text = reqwest::get(format!("{}/metrics", app.metrics_base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains(
        r#"api_gateway_http_requests_total{method="GET",route="/api/v1/status",status="200"}"#
    ));
    assert!(text.contains(r#"route="unmatched",status="404""#));
    assert!(
        !text.contains("does-not-exist-123"),
        "raw paths must not become labels"
    );
    app.stop().await;
}
