//! JSON wire encoding of a [`Candle`] on NATS (see `docs/wire-format.md`).
//!
//! Every payload carries `"v": WIRE_VERSION`. Adding an optional field keeps the version
//! (decoders ignore unknown fields); renaming, removing or re-typing a field bumps it, and a
//! decoder rejects versions it does not know rather than guessing.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::{Candle, CandleError, ExchangeId, Interval, Symbol};

/// Version written into every payload and the highest one [`decode`] accepts.
pub const WIRE_VERSION: u32 = 1;

/// Header carrying the content type, so a consumer can tell formats apart before parsing.
pub const CONTENT_TYPE_HEADER: &str = "Content-Type";
/// Content type of a version-1 candle payload.
pub const CANDLE_CONTENT_TYPE: &str = "application/vnd.crypto-screener.candle+json; v=1";
/// JetStream de-duplication header; its value is [`msg_id`].
pub const MSG_ID_HEADER: &str = "Nats-Msg-Id";
/// Request id propagated from the edge for log correlation.
pub const REQUEST_ID_HEADER: &str = "X-Request-ID";
/// W3C trace context.
pub const TRACEPARENT_HEADER: &str = "traceparent";

/// Why a payload could not be encoded or decoded.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("candle is invalid: {0}")]
    InvalidCandle(#[from] CandleError),
    #[error("payload is not a valid candle document: {0}")]
    Json(#[from] serde_json::Error),
    #[error("payload version {found} is newer than the supported version {WIRE_VERSION}")]
    UnsupportedVersion { found: u32 },
}

impl WireError {
    /// Low-cardinality label for metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            WireError::InvalidCandle(_) => "invalid_candle",
            WireError::Json(_) => "invalid_json",
            WireError::UnsupportedVersion { .. } => "unsupported_version",
        }
    }
}

#[derive(Serialize)]
struct WireOut<'a> {
    v: u32,
    exchange: &'a ExchangeId,
    symbol: &'a Symbol,
    interval: Interval,
    open_time: i64,
    close_time: i64,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    quote_volume: f64,
    taker_buy_base: f64,
    taker_buy_quote: f64,
    trades: u64,
    closed: bool,
    event_time: i64,
}

#[derive(Deserialize)]
struct WireIn {
    v: u32,
    exchange: ExchangeId,
    symbol: Symbol,
    interval: Interval,
    open_time: i64,
    close_time: i64,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    quote_volume: f64,
    taker_buy_base: f64,
    taker_buy_quote: f64,
    trades: u64,
    closed: bool,
    event_time: i64,
}

/// Encodes `candle` into `buf` (cleared first, capacity reused across calls).
///
/// Validates first: JSON cannot carry NaN or infinity, and a bad candle must not reach consumers.
pub fn encode(candle: &Candle, buf: &mut Vec<u8>) -> Result<(), WireError> {
    candle.validate()?;
    buf.clear();
    let out = WireOut {
        v: WIRE_VERSION,
        exchange: &candle.exchange,
        symbol: &candle.symbol,
        interval: candle.interval,
        open_time: candle.open_time,
        close_time: candle.close_time,
        open: candle.open,
        high: candle.high,
        low: candle.low,
        close: candle.close,
        volume: candle.volume,
        quote_volume: candle.quote_volume,
        taker_buy_base: candle.taker_buy_base,
        taker_buy_quote: candle.taker_buy_quote,
        trades: candle.trades,
        closed: candle.closed,
        event_time: candle.event_time,
    };
    serde_json::to_writer(&mut *buf, &out)?;
    Ok(())
}

/// Decodes and validates a candle payload.
pub fn decode(bytes: &[u8]) -> Result<Candle, WireError> {
    let w: WireIn = serde_json::from_slice(bytes)?;
    if w.v > WIRE_VERSION || w.v == 0 {
        return Err(WireError::UnsupportedVersion { found: w.v });
    }
    let candle = Candle {
        exchange: w.exchange,
        symbol: w.symbol,
        interval: w.interval,
        open_time: w.open_time,
        close_time: w.close_time,
        open: w.open,
        high: w.high,
        low: w.low,
        close: w.close,
        volume: w.volume,
        quote_volume: w.quote_volume,
        taker_buy_base: w.taker_buy_base,
        taker_buy_quote: w.taker_buy_quote,
        trades: w.trades,
        closed: w.closed,
        event_time: w.event_time,
    };
    candle.validate()?;
    Ok(candle)
}

/// The `Nats-Msg-Id` of a candle: `exchange:symbol:interval:open_time`, the business key that
/// makes JetStream drop a back-filled duplicate of a bar already received live.
pub fn msg_id(candle: &Candle) -> String {
    let mut id = String::with_capacity(48);
    // Writing to a String cannot fail.
    let _ = write!(
        id,
        "{}:{}:{}:{}",
        candle.exchange, candle.symbol, candle.interval, candle.open_time
    );
    id
}
