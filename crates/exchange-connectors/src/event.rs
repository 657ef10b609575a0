//! What one WebSocket text frame means to the collector.

use market_model::Candle;

/// A parsed frame. Anything the collector does not act on is [`WsEvent::Other`], never an error,
/// so a new exchange event type cannot trip error alerts.
#[derive(Debug, Clone, PartialEq)]
pub enum WsEvent {
    /// A kline update; `candle.closed` tells a final bar from an in-progress one.
    Kline(Candle),
    /// The answer to a SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS request.
    Control(ControlReply),
    /// The server is about to close the connection: reconnect now.
    ServerShutdown { event_time: Option<i64> },
    /// A well-formed event the collector ignores; `name` is the event type or stream name.
    Other { name: String },
}

impl WsEvent {
    /// Bounded label for a `frames_total{kind=...}` metric.
    pub fn kind(&self) -> &'static str {
        match self {
            WsEvent::Kline(_) => "kline",
            WsEvent::Control(_) => "control",
            WsEvent::ServerShutdown { .. } => "server_shutdown",
            WsEvent::Other { .. } => "other",
        }
    }
}

/// A reply to a control request, matched to the request by `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlReply {
    /// `None` when the server could not read the request id.
    pub id: Option<u64>,
    pub result: Result<ControlResult, ControlError>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ControlResult {
    /// `"result": null`: the request succeeded.
    Done,
    /// LIST_SUBSCRIPTIONS: the streams the connection is subscribed to.
    Streams(Vec<String>),
    /// Any other result value (e.g. a property), as raw JSON text.
    Value(String),
}

/// The server rejected a control request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("control request rejected: code {code}: {msg}")]
pub struct ControlError {
    pub code: i64,
    pub msg: String,
}
