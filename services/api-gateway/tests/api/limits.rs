//! Rate limits, optional auth for market data, CORS and compression.

use crate::helpers::spawn_configured;

#[tokio::test]
async fn clients_over_their_rate_get_429_with_retry_after_per_key() {
    let app = spawn_configured(
        |_| {},
        |config| {
            config.http.rate_limit_per_second = 0.5;
            config.http.rate_limit_burst = 3;
        },
        None,
    )
    .await;
    app.wait_ready().await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/symbols", None).await.0, 200);
    }
    let response = app
        .client
        .get(app.url("/api/v1/symbols"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // A key has its own bucket.
    let key = app.api_key("limited").await;
    assert_eq!(app.get("/api/v1/symbols", Some(&key)).await.0, 200);
    app.stop().await;
}

#[tokio::test]
async fn market_data_can_require_a_key() {
    let app = spawn_configured(
        |_| {},
        |config| config.http.require_auth_for_market_data = true,
        None,
    )
    .await;
    app.wait_ready().await;
    assert_eq!(app.get("/api/v1/symbols", None).await.0, 401);
    assert_eq!(app.get("/api/v1/screener?interval=1m", None).await.0, 401);
    assert_eq!(
        app.get("/api/v1/symbols/BTCUSDT/candles?interval=1m", None)
            .await
            .0,
        401
    );
    let key = app.api_key("market").await;
    assert_eq!(app.get("/api/v1/symbols", Some(&key)).await.0, 200);
    assert_eq!(
        app.get("/api/v1/screener?interval=1m", Some(&key)).await.0,
        200
    );
    assert_eq!(
        app.get("/api/openapi.json", None).await.0,
        200,
        "the document stays public"
    );
    app.stop().await;
}

#[tokio::test]
async fn cors_allows_configured_origins_and_responses_are_compressed() {
    let app = spawn_configured(
        |_| {},
        |config| config.http.cors_origins = "https://app.example".into(),
        None,
    )
    .await;
    app.wait_ready().await;
    let allowed = app
        .client
        .get(app.url("/api/v1/symbols"))
        .header("Origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let other = app
        .client
        .get(app.url("/api/v1/symbols"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());

    let compressed = app
        .client
        .get(app.url("/api/openapi.json"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    app.stop().await;
}
