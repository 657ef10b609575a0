//! `/ws`: subscriptions, ordered pushes, unsubscribe, alerts for the key, batching, slow and closing clients.

use std::time::Duration;

use futures::StreamExt;
use market_model::Interval;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::fixtures::{publish, recent_hour, snapshot};
use crate::helpers::ready_app;
use crate::ws_client::{connect, next, send, subscribe};

#[tokio::test]
async fn snapshots_arrive_in_order_and_stop_after_unsubscribe() {
    let app = ready_app().await;
    let nats = app.nats().await;
    let mut client = connect(app.api_addr, "").await;
    let reply = subscribe(&mut client, &["metrics:BTCUSDT:1m", "metrics:ETHUSDT:1m"]).await;
    assert_eq!(reply["channel"], "control");
    assert_eq!(
        reply["data"]["channels"],
        json!(["metrics:BTCUSDT:1m", "metrics:ETHUSDT:1m"])
    );

    let open = recent_hour(0);
    for i in 0..20 {
        let mut s = snapshot("BTCUSDT", Interval::Min1, open, 100.0 + f64::from(i));
        s.computed_at = open + i64::from(i) + 1;
        publish(&nats, &app.subjects, &s).await;
    }
    for i in 0..20 {
        let push = next(&mut client).await;
        assert_eq!(push["channel"], "metrics:BTCUSDT:1m");
        assert_eq!(push["data"]["close"], 100.0 + f64::from(i), "in order");
        assert_eq!(push["data"]["closed"], false);
    }

    send(
        &mut client,
        json!({"op": "unsubscribe", "channels": ["metrics:BTCUSDT:1m"]}),
    )
    .await;
    assert_eq!(next(&mut client).await["data"]["type"], "unsubscribed");
    let mut later = snapshot("BTCUSDT", Interval::Min1, open + 60_000, 1.0);
    later.computed_at = open + 61_000;
    publish(&nats, &app.subjects, &later).await;
    publish(
        &nats,
        &app.subjects,
        &snapshot("ETHUSDT", Interval::Min1, open, 2.0),
    )
    .await;
    let push = next(&mut client).await;
    assert_eq!(
        push["channel"], "metrics:ETHUSDT:1m",
        "nothing more from the dropped channel"
    );

    send(&mut client, json!({"op": "ping", "id": 7})).await;
    let pong = next(&mut client).await;
    assert_eq!(
        (pong["data"]["type"].as_str(), pong["data"]["id"].as_i64()),
        (Some("pong"), Some(7))
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_requests_get_error_replies_and_alerts_need_a_key() {
    let app = ready_app().await;
    let mut client = connect(app.api_addr, "").await;
    send(&mut client, json!({"op": "dance"})).await;
    assert_eq!(next(&mut client).await["data"]["code"], "bad_request");
    send(
        &mut client,
        json!({"op": "subscribe", "channels": ["metrics:BTCUSDT:9m", "alerts"]}),
    )
    .await;
    assert_eq!(next(&mut client).await["data"]["code"], "unknown_channel");
    assert_eq!(next(&mut client).await["data"]["code"], "unauthorized");
    assert_eq!(next(&mut client).await["data"]["channels"], json!([]));

    let refused =
        tokio_tungstenite::connect_async(format!("ws://{}/ws?token=csk_bad", app.api_addr)).await;
    assert!(
        refused.is_err(),
        "a bad token is refused before the upgrade"
    );
    app.stop().await;
}

#[tokio::test]
async fn alerts_reach_only_their_keys_clients() {
    let app = ready_app().await;
    let nats = app.nats().await;
    let (id, key) = app.api_key_with_id("ws-alerts").await;
    let (other_id, other_key) = app.api_key_with_id("ws-other").await;
    let mut mine = connect(app.api_addr, &format!("?token={key}")).await;
    subscribe(&mut mine, &["alerts"]).await;
    let mut theirs = connect(app.api_addr, "").await;
    send(&mut theirs, json!({"op": "auth", "token": other_key})).await;
    assert_eq!(next(&mut theirs).await["data"]["type"], "authenticated");
    subscribe(&mut theirs, &["alerts"]).await;

    let event = json!({"rule_id": "r1", "symbol": "BTCUSDT", "message": "rsi low"});
    nats.publish(app.subjects.alerts(id).unwrap(), event.to_string().into())
        .await
        .unwrap();
    let other_event = json!({"rule_id": "r2"});
    nats.publish(
        app.subjects.alerts(other_id).unwrap(),
        other_event.to_string().into(),
    )
    .await
    .unwrap();
    nats.flush().await.unwrap();
    // The alerts subscription is made on first subscriber; retry until the server has it.
    let push = loop {
        match tokio::time::timeout(Duration::from_millis(300), next(&mut mine)).await {
            Ok(push) => break push,
            Err(_) => {
                nats.publish(app.subjects.alerts(id).unwrap(), event.to_string().into())
                    .await
                    .unwrap();
            }
        }
    };
    assert_eq!(
        (push["channel"].as_str(), &push["data"]),
        (Some("alerts"), &event)
    );
    let push = loop {
        match tokio::time::timeout(Duration::from_millis(300), next(&mut theirs)).await {
            Ok(push) => break push,
            Err(_) => {
                nats.publish(
                    app.subjects.alerts(other_id).unwrap(),
                    other_event.to_string().into(),
                )
                .await
                .unwrap();
            }
        }
    };
    assert_eq!(
        push["data"], other_event,
        "each key sees its own events only"
    );
    app.stop().await;
}

#[tokio::test]
async fn screener_changes_are_batched_and_tickers_follow_prices() {
    let app = ready_app().await;
    let nats = app.nats().await;
    let mut client = connect(app.api_addr, "").await;
    subscribe(&mut client, &["screener:1h", "ticker:AAAUSDT"]).await;
    let open = recent_hour(0);
    for symbol in ["AAAUSDT", "BBBUSDT", "CCCUSDT"] {
        publish(
            &nats,
            &app.subjects,
            &snapshot(symbol, Interval::Hour1, open, 5.0),
        )
        .await;
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut ticker = None;
    while seen.len() < 3 || ticker.is_none() {
        let push = next(&mut client).await;
        match push["channel"].as_str().unwrap() {
            "screener:1h" => {
                assert_eq!(push["data"]["interval"], "1h");
                for change in push["data"]["changes"].as_array().unwrap() {
                    seen.insert(change["symbol"].as_str().unwrap().to_string());
                }
            }
            "ticker:AAAUSDT" => ticker = Some(push["data"].clone()),
            other => panic!("unexpected push on {other}"),
        }
    }
    let ticker = ticker.unwrap();
    assert_eq!(
        (ticker["symbol"].as_str(), ticker["close"].as_f64()),
        (Some("AAAUSDT"), Some(5.0))
    );
    app.stop().await;
}

#[tokio::test]
async fn shutdown_closes_websockets_with_1001() {
    let app = ready_app().await;
    let mut client = connect(app.api_addr, "").await;
    subscribe(&mut client, &["screener:1m"]).await;
    app.shutdown.cancel();
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(5), client.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.unwrap().code, CloseCode::Away);
    app.handle.await.unwrap();
}

#[tokio::test]
async fn screener_batches_are_at_least_the_batch_period_apart() {
    let app = ready_app().await;
    let nats = app.nats().await;
    let mut client = connect(app.api_addr, "").await;
    subscribe(&mut client, &["screener:5m"]).await;
    let open = recent_hour(0);
    let mut received = Vec::new();
    for round in 0..3 {
        let mut s = snapshot("AAAUSDT", Interval::Min5, open, 1.0 + f64::from(round));
        s.computed_at = open + i64::from(round) + 1;
        publish(&nats, &app.subjects, &s).await;
        let push = next(&mut client).await;
        assert_eq!(push["data"]["changes"][0]["close"], 1.0 + f64::from(round));
        received.push(std::time::Instant::now());
    }
    for pair in received.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(450),
            "batches closer than the 500 ms period"
        );
    }
    app.stop().await;
}
