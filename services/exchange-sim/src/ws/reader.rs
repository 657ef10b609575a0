//! Reads a client's frames, enforces the incoming-message rate (every frame counts, pings and pongs too)
//! and hands control requests and pongs to the connection's writer.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket};
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::SplitStream;
use tokio::sync::mpsc;

use crate::state::Shared;
use crate::stats::Violation;

#[derive(Debug)]
pub enum Inbound {
    Text(String),
    Pong(Bytes),
    /// The client broke the message-rate rule; the writer closes the connection.
    TooFast,
}

pub async fn run(
    mut stream: SplitStream<WebSocket>,
    tx: mpsc::Sender<Inbound>,
    shared: Arc<Shared>,
) {
    let limit = shared.config.limits.max_incoming_per_second;
    let mut window: VecDeque<Instant> = VecDeque::with_capacity(limit + 1);
    while let Some(Ok(msg)) = stream.next().await {
        let now = Instant::now();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        window.push_back(now);
        if window.len() > limit {
            shared.stats.violation(Violation::MessageRate);
            let _ = tx.send(Inbound::TooFast).await;
            return;
        }
        let item = match msg {
            Message::Text(t) => Inbound::Text(t.as_str().to_owned()),
            Message::Pong(p) => Inbound::Pong(p),
            Message::Close(_) => return,
            Message::Ping(_) | Message::Binary(_) => continue,
        };
        if tx.send(item).await.is_err() {
            return;
        }
    }
}
