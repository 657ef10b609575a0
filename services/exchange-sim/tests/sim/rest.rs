//! REST: klines paging, exchangeInfo and ticker, weights, 429 then 418, and the /sim/ controls.

use serde_json::Value;

use crate::helpers::*;

fn open_times(rows: &Value) -> Vec<i64> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn klines_page_forward_from_start_time_and_backward_from_end_time() {
    let sim = spawn(config()).await;
    let base = format!(
        "{}/api/v3/klines?symbol=BTCUSDT&interval=1m",
        sim.rest_url()
    );
    let start = START_MS - 100 * 60_000 + 1; // not aligned: the first bar opens at or after it

    let (status, page1) = get_json(&format!("{base}&startTime={start}&limit=10")).await;
    assert_eq!(status, 200);
    let t1 = open_times(&page1);
    assert_eq!(t1.len(), 10);
    assert_eq!(t1[0], START_MS - 99 * 60_000);
    let row = &page1[0];
    assert_eq!(row.as_array().unwrap().len(), 12);
    assert_eq!(row[6].as_i64().unwrap(), t1[0] + 59_999);
    assert!(row[1].is_string() && row[8].is_i64() && row[11] == "0");

    let (_, page2) = get_json(&format!("{base}&startTime={}&limit=10", t1[9] + 1)).await;
    assert_eq!(
        open_times(&page2)[0],
        t1[9] + 60_000,
        "pages continue without gaps or overlap"
    );

    let end = START_MS - 50 * 60_000;
    let (_, back) = get_json(&format!("{base}&endTime={end}&limit=5")).await;
    assert_eq!(*open_times(&back).last().unwrap(), end);
    assert_eq!(open_times(&back).len(), 5);

    let (_, window) = get_json(&format!(
        "{base}&startTime={}&endTime={}",
        end - 4 * 60_000,
        end
    ))
    .await;
    assert_eq!(window, back, "startTime+endTime gives the same bars");

    let (_, default) = get_json(&base).await;
    let times = open_times(&default);
    assert_eq!(times.len(), 500);
    let now = sim.now_ms();
    let last = default.as_array().unwrap().last().unwrap();
    assert!(
        last[6].as_i64().unwrap() >= now - 1000,
        "the newest row is the bar in progress"
    );
    assert!(times.windows(2).all(|w| w[1] - w[0] == 60_000));

    let (_, capped) = get_json(&format!("{base}&limit=5000")).await;
    assert_eq!(capped.as_array().unwrap().len(), 1000);
}

#[tokio::test]
async fn klines_errors_are_binance_json_with_400() {
    let sim = spawn(config()).await;
    let base = format!("{}/api/v3/klines", sim.rest_url());
    for (query, code) in [
        ("symbol=NOPEUSDT&interval=1m", -1121),
        ("symbol=btcusdt&interval=1m", -1121),
        ("symbol=BTCUSDT&interval=1H", -1120),
        ("interval=1m", -1102),
        ("symbol=BTCUSDT", -1102),
        ("symbol=BTCUSDT&interval=1m&limit=abc", -1100),
        ("symbol=BTCUSDT&interval=1m&startTime=10&endTime=5", -1023),
    ] {
        let (status, body) = get_json(&format!("{base}?{query}")).await;
        assert_eq!(
            (status, body["code"].as_i64().unwrap()),
            (400, code),
            "{query}: {body}"
        );
        assert!(body["msg"].is_string());
    }
}

#[tokio::test]
async fn every_response_carries_the_used_weight() {
    let sim = spawn(config()).await;
    let r = reqwest::get(format!("{}/api/v3/time", sim.rest_url()))
        .await
        .unwrap();
    assert_eq!(r.headers()["x-mbx-used-weight-1m"], "1");
    let r = reqwest::get(format!("{}/api/v3/exchangeInfo", sim.rest_url()))
        .await
        .unwrap();
    assert_eq!(r.headers()["x-mbx-used-weight-1m"], "21");
    let r = reqwest::get(format!("{}/api/v3/ticker/24hr", sim.rest_url()))
        .await
        .unwrap();
    assert_eq!(r.headers()["x-mbx-used-weight-1m"], "101");
    let r = reqwest::get(format!(
        "{}/api/v3/klines?symbol=X&interval=1m",
        sim.rest_url()
    ))
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.headers()["x-mbx-used-weight-1m"],
        "103",
        "errors are weighed too"
    );
}

#[tokio::test]
async fn over_the_weight_limit_gives_429_with_retry_after_then_418() {
    let mut cfg = config();
    cfg.limits.weight_limit = 25;
    let sim = spawn(cfg).await;
    let info = format!("{}/api/v3/exchangeInfo", sim.rest_url());
    assert_eq!(reqwest::get(&info).await.unwrap().status(), 200);
    let r = reqwest::get(&info).await.unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], -1003);
    let r = reqwest::get(format!("{}/api/v3/ping", sim.rest_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 418);
    assert!(r.headers().contains_key("retry-after"));
    let s = sim.stats();
    assert_eq!((s.rest_429, s.rest_418), (1, 1));
}

#[tokio::test]
async fn exchange_info_lists_symbols_with_filters_and_honours_its_parameters() {
    let mut cfg = config();
    cfg.symbols = 20;
    let sim = spawn(cfg).await;
    let base = format!("{}/api/v3/exchangeInfo", sim.rest_url());
    let (_, all) = get_json(&base).await;
    let symbols = all["symbols"].as_array().unwrap();
    assert_eq!(symbols.len(), 20);
    let btc = symbols.iter().find(|s| s["symbol"] == "BTCUSDT").unwrap();
    assert_eq!(
        (&btc["status"], &btc["baseAsset"], &btc["quoteAsset"]),
        (&"TRADING".into(), &"BTC".into(), &"USDT".into())
    );
    assert!(
        btc["filters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["filterType"] == "PRICE_FILTER")
    );
    assert!(symbols.iter().any(|s| s["quoteAsset"] == "BTC"));
    assert!(symbols.iter().any(|s| s["status"] != "TRADING"));

    let (_, trading) = get_json(&format!("{base}?symbolStatus=TRADING")).await;
    let n = trading["symbols"].as_array().unwrap().len();
    assert!(
        n < 20
            && trading["symbols"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["status"] == "TRADING")
    );

    let (_, two) = get_json(&format!("{base}?symbols=%5B%22BTCUSDT%22,%22ETHBTC%22%5D")).await;
    assert_eq!(two["symbols"].as_array().unwrap().len(), 2);
    let (status, bad) = get_json(&format!("{base}?symbol=NOPE")).await;
    assert_eq!((status, bad["code"].as_i64().unwrap()), (400, -1121));
}

#[tokio::test]
async fn ticker_24hr_has_quote_volume_and_last_price_for_one_or_all() {
    let sim = spawn(config()).await;
    let (_, one) = get_json(&format!(
        "{}/api/v3/ticker/24hr?symbol=ETHUSDT",
        sim.rest_url()
    ))
    .await;
    assert_eq!(one["symbol"], "ETHUSDT");
    assert!(str_f64(&one["quoteVolume"]) > 0.0 && str_f64(&one["lastPrice"]) > 0.0);
    assert!(one["priceChangePercent"].is_string() && one["count"].is_u64());
    let (_, all) = get_json(&format!("{}/api/v3/ticker/24hr", sim.rest_url())).await;
    assert_eq!(all.as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn control_endpoints_list_halt_and_delist_symbols_at_runtime() {
    let sim = spawn(config()).await;
    let http = reqwest::Client::new();
    let base = sim.rest_url();
    let r = http
        .post(format!("{base}/sim/symbols/NEWCOINUSDT"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (_, info) = get_json(&format!("{base}/api/v3/exchangeInfo?symbol=NEWCOINUSDT")).await;
    assert_eq!(info["symbols"][0]["status"], "TRADING");
    let mut ws = connect(&format!("{}/ws/newcoinusdt@kline_1s", sim.ws_url())).await;
    assert_eq!(next_json(&mut ws).await.unwrap()["s"], "NEWCOINUSDT");

    let r = http
        .post(format!("{base}/sim/symbols/NEWCOINUSDT/status/HALT"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, halted) = get_json(&format!("{base}/api/v3/exchangeInfo?symbolStatus=HALT")).await;
    assert!(
        halted["symbols"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["symbol"] == "NEWCOINUSDT")
    );

    let r = http
        .delete(format!("{base}/sim/symbols/NEWCOINUSDT"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, _) = get_json(&format!(
        "{base}/api/v3/klines?symbol=NEWCOINUSDT&interval=1m"
    ))
    .await;
    assert_eq!(status, 400);

    let (_, stats) = get_json(&format!("{base}/sim/stats")).await;
    assert_eq!(stats["connections_opened"], 1);
    let r = http
        .post(format!("{base}/sim/drop-connections"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(closes_within(&mut ws, std::time::Duration::from_secs(2)).await);
}
