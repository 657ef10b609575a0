//! One client connection: reads requests, writes replies and pushes from its bounded queue, pings, and closes
//! with 1013 when too slow, 1001 at shutdown.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, close_code};
use futures::{SinkExt, StreamExt};
use observability::CancellationToken;
use observability::catalog::api_gateway::{
    WEBSOCKET_CONNECTIONS, WEBSOCKET_MESSAGES_FAILED, WEBSOCKET_MESSAGES_SENT,
    WEBSOCKET_SLOW_CLIENTS,
};
use serde_json::json;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::channel::Channel;
use super::hub::Subscriber;
use super::message::{ClientMessage, error, reply};
use crate::state::AppState;

/// Why the loop ended, deciding the close frame.
enum End {
    Slow,
    Shutdown,
    Dead,
    ClientClosed,
}

/// Tells sessions apart in the hub's subscriber lists.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

struct Session {
    state: AppState,
    id: u64,
    key: Option<Uuid>,
    queue: mpsc::Sender<Utf8Bytes>,
    slow: CancellationToken,
    /// Client channel name -> hub channel name.
    subscriptions: HashMap<String, String>,
}

pub async fn run(socket: WebSocket, state: AppState, key: Option<Uuid>) {
    WEBSOCKET_CONNECTIONS.gauge().increment(1.0);
    let (queue, mut outgoing) = mpsc::channel(state.ws.send_queue.max(1));
    let mut session = Session {
        state: state.clone(),
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        key,
        queue,
        slow: CancellationToken::new(),
        subscriptions: HashMap::new(),
    };
    let (mut sink, mut stream) = socket.split();
    let ping_every = state.ws.ping_interval();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    let mut last_heard = Instant::now();
    let slow = session.slow.clone();
    let end = loop {
        tokio::select! {
            () = state.shutdown.cancelled() => break End::Shutdown,
            () = slow.cancelled() => break End::Slow,
            frame = stream.next() => {
                last_heard = Instant::now();
                match frame {
                    Some(Ok(Message::Text(text))) => session.handle(text.as_str()).await,
                    Some(Ok(Message::Binary(_))) => session.send(error("bad_request", "send JSON text frames")),
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break End::ClientClosed,
                    Some(Ok(_)) => {}
                }
            }
            Some(message) = outgoing.recv() => {
                let sent = tokio::select! {
                    sent = sink.send(Message::Text(message)) => sent,
                    () = slow.cancelled() => break End::Slow,
                    () = state.shutdown.cancelled() => break End::Shutdown,
                };
                if sent.is_err() {
                    WEBSOCKET_MESSAGES_FAILED.counter().increment(1);
                    break End::ClientClosed;
                }
                WEBSOCKET_MESSAGES_SENT.counter().increment(1);
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > ping_every * 2 {
                    break End::Dead;
                }
                if sink.send(Message::Ping(bytes::Bytes::new())).await.is_err() {
                    break End::ClientClosed;
                }
            }
        }
    };
    for (_, hub_name) in session.subscriptions.drain() {
        state.hub.unsubscribe(&hub_name, session.id);
    }
    let close = match end {
        End::Slow => {
            WEBSOCKET_SLOW_CLIENTS.counter().increment(1);
            Some((close_code::AGAIN, "too slow: send queue full"))
        }
        End::Shutdown => Some((close_code::AWAY, "server shutting down")),
        End::Dead => Some((close_code::POLICY, "no pong received")),
        End::ClientClosed => None,
    };
    if let Some((code, reason)) = close {
        let frame = Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        }));
        // A slow client may never read it; do not wait for it long.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), sink.send(frame)).await;
    }
    WEBSOCKET_CONNECTIONS.gauge().decrement(1.0);
}

impl Session {
    /// Replies go through the same bounded queue as pushes.
    fn send(&self, message: Utf8Bytes) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.queue.try_send(message) {
            self.slow.cancel();
        }
    }

    async fn handle(&mut self, text: &str) {
        let request: ClientMessage = match serde_json::from_str(text) {
            Ok(request) => request,
            Err(e) => return self.send(error("bad_request", &format!("invalid request: {e}"))),
        };
        match request {
            ClientMessage::Ping { id } => self.send(reply("pong", json!({"id": id}))),
            ClientMessage::Auth { token } => match self.state.keys.verify(&token).await {
                Ok(Some(key)) => {
                    self.key = Some(key);
                    self.send(reply("authenticated", json!({})));
                }
                Ok(None) => self.send(error("unauthorized", "invalid or revoked API key")),
                Err(_) => self.send(error("unavailable", "cannot verify the key now; retry")),
            },
            ClientMessage::Subscribe { channels } => {
                let mut done = Vec::new();
                for name in channels {
                    match self.subscribe(&name) {
                        Ok(()) => done.push(name),
                        Err((code, message)) => self.send(error(code, &message)),
                    }
                }
                self.send(reply("subscribed", json!({"channels": done})));
            }
            ClientMessage::Unsubscribe { channels } => {
                for name in &channels {
                    if let Some(hub_name) = self.subscriptions.remove(name) {
                        self.state.hub.unsubscribe(&hub_name, self.id);
                    }
                }
                self.send(reply("unsubscribed", json!({"channels": channels})));
            }
        }
    }

    fn subscribe(&mut self, name: &str) -> Result<(), (&'static str, String)> {
        let channel = Channel::parse(name).map_err(|e| ("unknown_channel", e.to_string()))?;
        let needs_key = !channel.is_market_data() || self.state.http.require_auth_for_market_data;
        if needs_key && self.key.is_none() {
            return Err((
                "unauthorized",
                format!("{name} needs an API key (?token= or an auth message)"),
            ));
        }
        if self.subscriptions.contains_key(name) {
            return Ok(());
        }
        if self.subscriptions.len() >= self.state.ws.max_subscriptions {
            return Err((
                "too_many_subscriptions",
                format!("at most {} channels", self.state.ws.max_subscriptions),
            ));
        }
        let hub_name = channel
            .hub_name(self.key)
            .ok_or_else(|| ("unauthorized", "alerts needs an API key".to_string()))?;
        let subscriber = Subscriber {
            id: self.id,
            queue: self.queue.clone(),
            slow: self.slow.clone(),
        };
        self.state.hub.subscribe(&hub_name, subscriber);
        self.subscriptions.insert(name.to_string(), hub_name);
        Ok(())
    }
}
