//! The WebSocket protocol's JSON: client requests, and the server's replies and pushes (all carrying
//! `channel` and `data`).

use axum::extract::ws::Utf8Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

/// What a client sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ClientMessage {
    Subscribe {
        channels: Vec<String>,
    },
    Unsubscribe {
        channels: Vec<String>,
    },
    Ping {
        #[serde(default)]
        id: Option<Value>,
    },
    Auth {
        token: String,
    },
}

/// A push: `{"channel": ..., "data": ...}`.
pub fn push(channel: &str, data: &Value) -> Utf8Bytes {
    json!({"channel": channel, "data": data}).to_string().into()
}

/// A reply to a request, on the `control` channel: `{"channel":"control","data":{"type":...,...}}`.
pub fn reply(kind: &str, mut data: Value) -> Utf8Bytes {
    if let Value::Object(map) = &mut data {
        map.insert("type".into(), Value::from(kind));
    }
    push("control", &data)
}

pub fn error(code: &str, message: &str) -> Utf8Bytes {
    reply("error", json!({"code": code, "message": message}))
}
