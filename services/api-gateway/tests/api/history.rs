//! `GET /symbols/{symbol}/candles` and `/indicators`: stored bars, oldest first, with ranges and limits.

use serde_json::Value;

use crate::fixtures::{insert_candle, insert_indicators, recent_hour};
use crate::helpers::ready_app;

const MIN: i64 = 60_000;

fn open_times(items: &Value) -> Vec<i64> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["open_time"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn candles_come_oldest_first_within_the_range_and_limit() {
    let app = ready_app().await;
    let pool = app.pool().await;
    let base = recent_hour(5);
    for i in 0..10 {
        insert_candle(&pool, "BTCUSDT", "1m", base + i * MIN, 100.0 + i as f64).await;
    }
    insert_candle(&pool, "BTCUSDT", "5m", base, 1.0).await;

    let (status, body) = app
        .get("/api/v1/symbols/BTCUSDT/candles?interval=1m", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(open_times(&body["candles"]).len(), 10);
    let first = &body["candles"][0];
    assert_eq!(first["open_time"], base);
    assert_eq!(first["close_time"], base + 59_999);
    assert_eq!(first["close"], 100.0);
    assert_eq!(first["trades"], 4);
    assert_eq!(first["quote_volume"], 3.0);
    assert_eq!(body["interval"], "1m");

    let range = format!("start={}&end={}&limit=3", base + 2 * MIN, base + 8 * MIN);
    let (_, body) = app
        .get(
            &format!("/api/v1/symbols/BTCUSDT/candles?interval=1m&{range}"),
            None,
        )
        .await;
    assert_eq!(
        open_times(&body["candles"]),
        [base + 2 * MIN, base + 3 * MIN, base + 4 * MIN]
    );

    let newest = format!("end={}&limit=2", base + 8 * MIN);
    let (_, body) = app
        .get(
            &format!("/api/v1/symbols/BTCUSDT/candles?interval=1m&{newest}"),
            None,
        )
        .await;
    assert_eq!(
        open_times(&body["candles"]),
        [base + 7 * MIN, base + 8 * MIN],
        "newest up to end, oldest first"
    );
    app.stop().await;
}

#[tokio::test]
async fn indicators_carry_every_field_with_nulls_before_warm_up() {
    let app = ready_app().await;
    let pool = app.pool().await;
    let base = recent_hour(5);
    insert_indicators(&pool, "ETHUSDT", "5m", base, None, None).await;
    insert_indicators(
        &pool,
        "ETHUSDT",
        "5m",
        base + 5 * MIN,
        Some(55.5),
        Some(1.25),
    )
    .await;

    let (status, body) = app
        .get(
            "/api/v1/symbols/ETHUSDT/indicators?interval=5m&limit=10000",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(open_times(&body["values"]), [base, base + 5 * MIN]);
    let row = body["values"][1].as_object().unwrap();
    for name in indicators::FIELD_NAMES
        .into_iter()
        .chain(["change_pct_24h"])
    {
        assert!(row.contains_key(name), "missing {name}");
    }
    assert_eq!(row["rsi_14"], 55.5);
    assert_eq!(row["change_pct_24h"], 1.25);
    assert!(row["sma_20"].is_null());
    assert!(body["values"][0]["rsi_14"].is_null());
    app.stop().await;
}

#[tokio::test]
async fn bad_history_requests_are_4xx() {
    let app = ready_app().await;
    for (path, status, field) in [
        ("/api/v1/symbols/NOPEUSDT/candles?interval=1m", 404, None),
        ("/api/v1/symbols/NOPEUSDT/indicators?interval=1m", 404, None),
        (
            "/api/v1/symbols/btc-usdt/candles?interval=1m",
            400,
            Some("symbol"),
        ),
        ("/api/v1/symbols/BTCUSDT/candles", 400, Some("interval")),
        (
            "/api/v1/symbols/BTCUSDT/candles?interval=7m",
            400,
            Some("interval"),
        ),
        (
            "/api/v1/symbols/BTCUSDT/candles?interval=1m&limit=10001",
            400,
            Some("limit"),
        ),
        (
            "/api/v1/symbols/BTCUSDT/indicators?interval=1m&limit=0",
            400,
            Some("limit"),
        ),
        (
            "/api/v1/symbols/BTCUSDT/candles?interval=1m&start=5&end=4",
            400,
            Some("start"),
        ),
        (
            "/api/v1/symbols/BTCUSDT/candles?interval=1m&start=-1",
            400,
            Some("start"),
        ),
        (
            "/api/v1/symbols/BTCUSDT/candles?interval=1m&end=99999999999999999",
            400,
            Some("end"),
        ),
        (
            "/api/v1/symbols/BTCUSDT/candles?interval=1m&exchange=bad.ex",
            400,
            Some("exchange"),
        ),
    ] {
        let (got, body) = app.get(path, None).await;
        assert_eq!(got, status, "{path}: {body}");
        if let Some(field) = field {
            assert_eq!(body["error"]["field"], field, "{path}");
        }
        assert!(body["error"]["message"].is_string());
    }
    app.stop().await;
}
