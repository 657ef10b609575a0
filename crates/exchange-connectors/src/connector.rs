//! The seam between the collector (sockets, timers, retries) and one exchange's protocol.

use std::time::Duration;

use market_model::{Candle, ExchangeId, Interval, Symbol};

use crate::{
    ExchangeInfo, FrameError, KlinesQuery, RequestError, RestError, RestRequest, Ticker24h, WsEvent,
};

/// An exchange's published limits; the collector paces itself with these instead of constants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_streams_per_connection: usize,
    /// Client-to-server messages (pings, pongs, control requests) per second per connection.
    pub max_incoming_messages_per_second: u32,
    pub max_new_connections: u32,
    pub new_connections_window: Duration,
    /// The server drops a connection after this long; reconnect a little before.
    pub connection_lifetime: Duration,
    pub server_ping_interval: Duration,
    /// No pong within this long after a ping and the server disconnects.
    pub pong_timeout: Duration,
    pub rest_weight_per_minute: u32,
    pub max_klines_per_request: u32,
}

/// Why a WebSocket URL could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("a combined-stream URL needs at least one stream")]
    NoStreams,
    #[error("{count} streams exceed the limit of {max} per connection")]
    TooManyStreams { count: usize, max: usize },
}

/// One exchange's protocol, without I/O. Object safe: the collector holds a `Box<dyn Connector>`.
pub trait Connector: Send + Sync {
    /// Short id used in subjects, message ids and metric labels.
    fn id(&self) -> &ExchangeId;

    fn limits(&self) -> &Limits;

    /// How often the exchange pushes an update of the open bar; drives staleness watchdogs.
    fn kline_update_period(&self, interval: Interval) -> Duration;

    /// The exchange's stream name for one symbol's klines of one interval.
    fn stream_name(&self, symbol: &Symbol, interval: Interval) -> String;

    /// URL of a connection that starts subscribed to `streams`.
    fn ws_url(&self, streams: &[String]) -> Result<String, UrlError>;

    fn subscribe_request(&self, id: u64, streams: &[String]) -> String;

    fn unsubscribe_request(&self, id: u64, streams: &[String]) -> String;

    fn list_subscriptions_request(&self, id: u64) -> String;

    /// Parses one text frame. Events the collector does not use are `Ok(WsEvent::Other)`, not errors.
    fn parse_frame(&self, frame: &str) -> Result<WsEvent, FrameError>;

    fn klines_request(&self, query: &KlinesQuery) -> Result<RestRequest, RequestError>;

    fn exchange_info_request(&self) -> RestRequest;

    fn tickers_request(&self) -> RestRequest;

    /// Checks a REST response's status before its body is parsed as data; `retry_after` is the
    /// value of the standard `Retry-After` header, if any.
    fn check_response(
        &self,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
    ) -> Result<(), RestError>;

    /// Response header reporting the request weight used in the current window; read it with
    /// [`parse_used_weight`](crate::parse_used_weight) to pace requests before a 429.
    fn used_weight_header(&self) -> &'static str;

    /// Parses a klines page. `now_ms` decides which bars are closed (`close_time < now_ms`).
    fn parse_klines(
        &self,
        symbol: &Symbol,
        interval: Interval,
        body: &str,
        now_ms: i64,
    ) -> Result<Vec<Candle>, FrameError>;

    fn parse_exchange_info(&self, body: &str) -> Result<ExchangeInfo, FrameError>;

    fn parse_tickers(&self, body: &str) -> Result<Vec<Ticker24h>, FrameError>;
}
