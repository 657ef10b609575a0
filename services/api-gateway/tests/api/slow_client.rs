//! A client that stops reading is disconnected (1013) once its bounded queue is full, while a normal client
//! on the same channel keeps receiving every snapshot on time.

use std::time::{Duration, Instant};

use futures::StreamExt;
use market_model::Interval;
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::fixtures::{publish, recent_hour, snapshot};
use crate::helpers::spawn_configured;
use crate::ws_client::{Socket, connect, next, subscribe};

const CHANNEL: &str = "metrics:BTCUSDT:1m";
const SLOW_SERIES: &str = "api_gateway_websocket_slow_client_disconnects_total";

/// A client with a tiny receive buffer, so the server's writes back up quickly once it stops reading.
async fn slow_client(
    addr: std::net::SocketAddr,
) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/ws"), stream)
        .await
        .unwrap();
    let request = serde_json::json!({"op": "subscribe", "channels": [CHANNEL]}).to_string();
    futures::SinkExt::send(&mut ws, Message::text(request))
        .await
        .unwrap();
    loop {
        if let Some(Ok(Message::Text(text))) = ws.next().await
            && text.as_str().contains("subscribed")
        {
            return ws;
        }
    }
}

async fn receive_batch(client: &mut Socket, expected: std::ops::Range<i64>) -> Duration {
    let started = Instant::now();
    for i in expected {
        let push = next(client).await;
        assert_eq!(
            push["data"]["computed_at"], i,
            "the normal client gets every snapshot in order"
        );
    }
    started.elapsed()
}

#[tokio::test]
async fn a_slow_client_is_dropped_while_a_normal_one_keeps_up() {
    let app = spawn_configured(|_| {}, |config| config.ws.send_queue = 64, None).await;
    app.wait_ready().await;
    let nats = app.nats().await;
    let mut normal = connect(app.api_addr, "").await;
    subscribe(&mut normal, &[CHANNEL]).await;
    let mut slow = slow_client(app.api_addr).await;

    let open = recent_hour(0);
    let subject = app.subjects.live_metrics(
        &"binance".parse().unwrap(),
        &"BTCUSDT".parse().unwrap(),
        Interval::Min1,
    );
    let mut sent = 0i64;
    let mut slowest = Duration::ZERO;
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.metric(SLOW_SERIES).await < 1.0 {
        assert!(
            Instant::now() < deadline,
            "the slow client was never dropped"
        );
        let first = sent;
        for _ in 0..16 {
            sent += 1;
            let mut s = snapshot("BTCUSDT", Interval::Min1, open, 100.0);
            s.computed_at = sent;
            let mut payload = Vec::new();
            s.encode(&mut payload).unwrap();
            nats.publish(subject.clone(), payload.into()).await.unwrap();
        }
        nats.flush().await.unwrap();
        slowest = slowest.max(receive_batch(&mut normal, first + 1..sent + 1).await);
    }
    eprintln!("slow client dropped after {sent} snapshots; slowest batch {slowest:?}");
    assert!(
        slowest < Duration::from_secs(2),
        "the normal client was held up: {slowest:?}"
    );

    // The normal client is still served after the drop.
    let mut s = snapshot("BTCUSDT", Interval::Min1, open, 100.0);
    s.computed_at = sent + 1;
    publish(&nats, &app.subjects, &s).await;
    receive_batch(&mut normal, sent + 1..sent + 2).await;

    // The slow client finds its buffered messages and then the end of the connection.
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match slow.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| f.code),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return None,
            }
        }
    })
    .await
    .expect("the slow client's connection ends");
    if let Some(code) = ended {
        assert_eq!(code, CloseCode::Again);
    }
    assert_eq!(app.metric(SLOW_SERIES).await, 1.0);
    app.stop().await;
}
