//! `GET /symbols` and `GET /screener`: served from the view that NATS snapshots keep current and the stored
//! values fill at start-up.

use market_model::Interval;
use serde_json::Value;
use test_support::TestDatabase;

use crate::fixtures::{insert_candle, insert_indicators, publish, recent_hour, snapshot};
use crate::helpers::{ready_app, spawn_configured};

fn symbols(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["symbol"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn screener_filters_sorts_and_paginates_live_snapshots() {
    let app = ready_app().await;
    let nats = app.nats().await;
    let open = recent_hour(0);
    for (symbol, rsi, ratio, change) in [
        ("AAAUSDT", Some(25.0), Some(3.0), Some(5.0)),
        ("BBBUSDT", Some(28.0), Some(1.0), Some(9.0)),
        ("CCCUSDT", Some(70.0), Some(4.0), Some(-2.0)),
        ("DDDUSDT", Some(10.0), Some(2.5), None),
        ("EEEUSDT", None, Some(5.0), Some(1.0)),
    ] {
        let mut s = snapshot(symbol, Interval::Hour1, open, 100.0);
        s.indicators.rsi_14 = rsi;
        s.indicators.volume_ratio_20 = ratio;
        s.change_pct_24h = change;
        publish(&nats, &app.subjects, &s).await;
    }
    app.wait_for("/api/v1/screener?interval=1h", |b| b["total"] == 5)
        .await;

    let (status, body) = app
        .get(
            "/api/v1/screener?interval=1h&filter=rsi_14<30,volume_ratio_20>2&sort=-change_pct_24h",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        symbols(&body),
        ["AAAUSDT", "DDDUSDT"],
        "missing change sorts last"
    );
    assert_eq!(
        body["items"][0]["closed"], false,
        "in-progress values are served"
    );
    assert!(body["items"][0]["computed_at"].as_i64().unwrap() > 0);
    assert!(body["items"][0]["sma_20"].is_null());

    let (_, page) = app
        .get(
            "/api/v1/screener?interval=1h&sort=symbol&limit=2&offset=2",
            None,
        )
        .await;
    assert_eq!(page["total"], 5);
    assert_eq!(symbols(&page), ["CCCUSDT", "DDDUSDT"]);
    let (_, other) = app.get("/api/v1/screener?interval=5m", None).await;
    assert_eq!(other["total"], 0);
    app.stop().await;
}

#[tokio::test]
async fn a_closed_bar_is_not_undone_by_a_late_live_update_and_symbols_list_it() {
    let app = ready_app().await;
    let nats = app.nats().await;
    let open = recent_hour(0);
    let mut closed = snapshot("BTCUSDT", Interval::Min1, open, 101.0);
    closed.closed = true;
    closed.change_pct_24h = Some(2.5);
    publish(&nats, &app.subjects, &closed).await;
    let mut late = snapshot("BTCUSDT", Interval::Min1, open, 99.0);
    late.computed_at = closed.computed_at + 10;
    publish(&nats, &app.subjects, &late).await;
    // Snapshots arrive in order: once this marker is in, the late update has been handled.
    publish(
        &nats,
        &app.subjects,
        &snapshot("ZZZUSDT", Interval::Min1, open, 1.0),
    )
    .await;
    let view = app
        .wait_for("/api/v1/screener?interval=1m&sort=symbol", |b| {
            b["total"] == 2
        })
        .await;
    assert_eq!(view["items"][0]["close"], 101.0);
    assert_eq!(view["items"][0]["closed"], true);
    let mut next = snapshot("BTCUSDT", Interval::Min1, open + 60_000, 102.0);
    next.computed_at = open + 60_500;
    next.change_pct_24h = Some(3.0);
    publish(&nats, &app.subjects, &next).await;

    let body = app
        .wait_for("/api/v1/symbols", |b| b["symbols"][0]["close"] == 102.0)
        .await;
    let (_, bar) = app.get("/api/v1/screener?interval=1m", None).await;
    assert_eq!(bar["items"][0]["open_time"], open + 60_000);
    let entry = &body["symbols"][0];
    assert_eq!(body["symbols"].as_array().unwrap().len(), 2);
    assert_eq!(entry["symbol"], "BTCUSDT");
    assert_eq!(entry["exchange"], "binance");
    assert_eq!(entry["change_pct_24h"], 3.0);
    assert_eq!(entry["updated_at"], open + 60_500);
    assert_eq!(entry["intervals"], serde_json::json!(["1m"]));
    app.stop().await;
}

#[tokio::test]
async fn a_starting_gateway_fills_the_screener_from_stored_values_before_it_is_ready() {
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    platform::migrate::run(&pool, platform::migrate::Schema::Timeseries)
        .await
        .unwrap();
    let (old, new) = (recent_hour(3), recent_hour(2));
    insert_candle(&pool, "ETHUSDT", "1h", old, 10.0).await;
    insert_candle(&pool, "ETHUSDT", "1h", new, 11.0).await;
    insert_indicators(&pool, "ETHUSDT", "1h", new, Some(42.0), Some(-1.5)).await;
    insert_candle(&pool, "SOLUSDT", "1h", new, 5.0).await;

    let app = spawn_configured(|_| {}, |_| {}, Some(database)).await;
    app.wait_ready().await;
    let (status, body) = app
        .get("/api/v1/screener?interval=1h&sort=symbol", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 2, "{body}");
    let eth = &body["items"][0];
    assert_eq!(
        (eth["symbol"].as_str(), eth["close"].as_f64()),
        (Some("ETHUSDT"), Some(11.0))
    );
    assert_eq!(eth["rsi_14"], 42.0);
    assert_eq!(eth["change_pct_24h"], -1.5);
    assert_eq!(eth["closed"], true);
    assert!(
        body["items"][1]["rsi_14"].is_null(),
        "no indicator row yet: nulls"
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_screener_queries_are_400s_naming_the_parameter() {
    let app = ready_app().await;
    for (query, code, field) in [
        ("", "invalid_parameter", "interval"),
        ("interval=2m", "invalid_parameter", "interval"),
        ("interval=1h&filter=rsi_14", "invalid_filter", "filter"),
        ("interval=1h&filter=rsi_14<abc", "invalid_filter", "filter"),
        ("interval=1h&filter=nope>1", "unknown_field", "filter"),
        ("interval=1h&sort=-nope", "unknown_field", "sort"),
        ("interval=1h&limit=0", "invalid_parameter", "limit"),
        ("interval=1h&limit=1001", "invalid_parameter", "limit"),
        ("interval=1h&offset=-1", "invalid_parameter", "offset"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/screener?{query}"), None).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["code"], code, "{query}");
        assert_eq!(body["error"]["field"], field, "{query}");
        assert!(!body["error"]["request_id"].as_str().unwrap().is_empty());
    }
    let (status, body) = app.get("/api/v1/screener?interval=1h&limit=x", None).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "bad_request");
    app.stop().await;
}
