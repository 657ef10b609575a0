//! Binance spot market data (see `/work/shared/binance-protocol.md`).

mod model;
mod rest;
mod ws;

use std::time::Duration;

use market_model::{Candle, ExchangeId, Interval, Symbol};

use crate::{
    Connector, ExchangeInfo, FrameError, KlinesQuery, Limits, RequestError, RestError, RestRequest,
    Ticker24h, UrlError, WsEvent,
};

pub use rest::{EXCHANGE_INFO_WEIGHT, KLINES_WEIGHT, TICKERS_ALL_WEIGHT, USED_WEIGHT_HEADER};
pub use ws::MAX_FRAME_BYTES;

/// The exchange id Binance candles carry.
pub const BINANCE: ExchangeId = ExchangeId::from_static("binance");

/// Base URLs, configurable so tests and the simulator can stand in for the real exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinanceConfig {
    /// e.g. `wss://stream.binance.com:9443` (no trailing path).
    pub ws_base_url: String,
    /// e.g. `https://api.binance.com`.
    pub rest_base_url: String,
}

impl Default for BinanceConfig {
    fn default() -> Self {
        BinanceConfig {
            ws_base_url: "wss://stream.binance.com:9443".to_owned(),
            rest_base_url: "https://api.binance.com".to_owned(),
        }
    }
}

/// The Binance spot connector.
#[derive(Debug, Clone)]
pub struct Binance {
    id: ExchangeId,
    ws_base: String,
    rest_base: String,
    limits: Limits,
}

impl Binance {
    pub fn new(config: BinanceConfig) -> Self {
        Binance {
            id: BINANCE,
            ws_base: config.ws_base_url.trim_end_matches('/').to_owned(),
            rest_base: config.rest_base_url.trim_end_matches('/').to_owned(),
            limits: Limits {
                max_streams_per_connection: 1024,
                max_incoming_messages_per_second: 5,
                max_new_connections: 300,
                new_connections_window: Duration::from_secs(5 * 60),
                connection_lifetime: Duration::from_secs(24 * 60 * 60),
                server_ping_interval: Duration::from_secs(20),
                pong_timeout: Duration::from_secs(60),
                rest_weight_per_minute: 6000,
                max_klines_per_request: 1000,
            },
        }
    }
}

impl Default for Binance {
    fn default() -> Self {
        Binance::new(BinanceConfig::default())
    }
}

impl Connector for Binance {
    fn id(&self) -> &ExchangeId {
        &self.id
    }

    fn limits(&self) -> &Limits {
        &self.limits
    }

    fn kline_update_period(&self, interval: Interval) -> Duration {
        match interval {
            Interval::Sec1 => Duration::from_millis(1000),
            _ => Duration::from_millis(2000),
        }
    }

    fn stream_name(&self, symbol: &Symbol, interval: Interval) -> String {
        ws::stream_name(symbol, interval)
    }

    fn ws_url(&self, streams: &[String]) -> Result<String, UrlError> {
        ws::combined_url(
            &self.ws_base,
            streams,
            self.limits.max_streams_per_connection,
        )
    }

    fn subscribe_request(&self, id: u64, streams: &[String]) -> String {
        ws::control_request("SUBSCRIBE", id, streams)
    }

    fn unsubscribe_request(&self, id: u64, streams: &[String]) -> String {
        ws::control_request("UNSUBSCRIBE", id, streams)
    }

    fn list_subscriptions_request(&self, id: u64) -> String {
        ws::control_request("LIST_SUBSCRIPTIONS", id, &[])
    }

    fn parse_frame(&self, frame: &str) -> Result<WsEvent, FrameError> {
        ws::parse_frame(&self.id, frame)
    }

    fn klines_request(&self, query: &KlinesQuery) -> Result<RestRequest, RequestError> {
        rest::klines_request(&self.rest_base, query, self.limits.max_klines_per_request)
    }

    fn exchange_info_request(&self) -> RestRequest {
        rest::exchange_info_request(&self.rest_base)
    }

    fn tickers_request(&self) -> RestRequest {
        rest::tickers_request(&self.rest_base)
    }

    fn check_response(
        &self,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
    ) -> Result<(), RestError> {
        RestError::classify(status, retry_after, body)
    }

    fn used_weight_header(&self) -> &'static str {
        USED_WEIGHT_HEADER
    }

    fn parse_klines(
        &self,
        symbol: &Symbol,
        interval: Interval,
        body: &str,
        now_ms: i64,
    ) -> Result<Vec<Candle>, FrameError> {
        rest::parse_klines(&self.id, symbol, interval, body, now_ms)
    }

    fn parse_exchange_info(&self, body: &str) -> Result<ExchangeInfo, FrameError> {
        rest::parse_exchange_info(body)
    }

    fn parse_tickers(&self, body: &str) -> Result<Vec<Ticker24h>, FrameError> {
        rest::parse_tickers(body)
    }
}
