//! Live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS with Binance's exact replies and errors.

use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn subscribe_list_and_unsubscribe_reply_exactly_like_binance() {
    let sim = spawn(config()).await;
    let mut ws = connect(&format!("{}/ws", sim.ws_url())).await;

    send(
        &mut ws,
        r#"{"method":"SUBSCRIBE","params":["btcusdt@kline_1s","ethusdt@kline_1m"],"id":1}"#,
    )
    .await;
    assert_eq!(next_reply(&mut ws).await, r#"{"result":null,"id":1}"#);

    send(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":3}"#).await;
    assert_eq!(
        next_reply(&mut ws).await,
        r#"{"result":["btcusdt@kline_1s","ethusdt@kline_1m"],"id":3}"#
    );

    // Subscribed raw streams deliver raw payloads.
    let event = loop {
        let v = next_json(&mut ws).await.unwrap();
        if v.get("e").is_some() {
            break v;
        }
    };
    assert_eq!(event["e"], "kline");

    send(
        &mut ws,
        r#"{"method":"UNSUBSCRIBE","params":["btcusdt@kline_1s"],"id":4}"#,
    )
    .await;
    assert_eq!(next_reply(&mut ws).await, r#"{"result":null,"id":4}"#);
    send(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":5}"#).await;
    assert_eq!(
        next_reply(&mut ws).await,
        r#"{"result":["ethusdt@kline_1m"],"id":5}"#
    );
}

#[tokio::test]
async fn bad_requests_get_binance_error_objects() {
    let sim = spawn(config()).await;
    let mut ws = connect(&format!("{}/ws", sim.ws_url())).await;
    let cases: [(&str, i64, Value); 4] = [
        (
            r#"{"method":"SUBSCRIBE","params":["nosuchcoin@kline_1m"],"id":7}"#,
            2,
            Value::from(7),
        ),
        (r#"{"method":"FROBNICATE","id":8}"#, 2, Value::from(8)),
        (
            r#"{"method":"SUBSCRIBE","params":"btcusdt@kline_1m","id":9}"#,
            2,
            Value::from(9),
        ),
        (
            r#"{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"]"#,
            3,
            Value::Null,
        ),
    ];
    for (request, code, id) in cases {
        send(&mut ws, request).await;
        let reply: Value = loop {
            let v = next_json(&mut ws).await.unwrap();
            if v.get("error").is_some() {
                break v;
            }
        };
        assert_eq!(reply["error"]["code"], code, "{request} -> {reply}");
        assert!(
            reply["error"]["msg"]
                .as_str()
                .unwrap()
                .starts_with(if code == 3 {
                    "Invalid JSON"
                } else {
                    "Invalid request"
                })
        );
        assert_eq!(reply["id"], id);
        tokio::time::sleep(std::time::Duration::from_millis(250)).await; // stay under 5 messages/s
    }
    send(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":10}"#).await;
    assert_eq!(
        next_reply(&mut ws).await,
        r#"{"result":[],"id":10}"#,
        "a rejected SUBSCRIBE adds nothing"
    );
    assert_eq!(sim.stats().violations.total(), 0);
}

#[tokio::test]
async fn unknown_stream_names_in_the_url_are_refused() {
    let sim = spawn(config()).await;
    let err = tokio_tungstenite::connect_async(format!("{}/ws/btcusdt@kline_7m", sim.ws_url()))
        .await
        .unwrap_err();
    match err {
        tokio_tungstenite::tungstenite::Error::Http(r) => assert_eq!(r.status(), 400),
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}

#[tokio::test]
async fn combined_property_switches_the_envelope() {
    let sim = spawn(config()).await;
    let mut ws = connect(&format!("{}/ws/btcusdt@kline_1s", sim.ws_url())).await;
    send(
        &mut ws,
        r#"{"method":"GET_PROPERTY","params":["combined"],"id":1}"#,
    )
    .await;
    assert_eq!(next_reply(&mut ws).await, r#"{"result":false,"id":1}"#);
    send(
        &mut ws,
        r#"{"method":"SET_PROPERTY","params":["combined",true],"id":2}"#,
    )
    .await;
    assert_eq!(next_reply(&mut ws).await, r#"{"result":null,"id":2}"#);
    let v = next_json(&mut ws).await.unwrap();
    assert_eq!(v["stream"], "btcusdt@kline_1s");
}
