//! Binance WebSocket: stream names, URLs, control requests and frame parsing.

use market_model::{Candle, ExchangeId, Interval, Symbol};
use serde::Serialize;

use super::model::{Data, RawFrame, RawKline, RawResult};
use crate::{ControlError, ControlReply, ControlResult, FrameError, UrlError, WsEvent};

/// Frames larger than this are rejected before parsing. The largest legitimate spot frames
/// (`!ticker@arr` with every symbol) are well below it.
pub const MAX_FRAME_BYTES: usize = 4 * 1024 * 1024;

pub(super) fn stream_name(symbol: &Symbol, interval: Interval) -> String {
    let mut name = String::with_capacity(symbol.len() + 10);
    name.extend(symbol.chars().map(|c| c.to_ascii_lowercase()));
    name.push_str("@kline_");
    name.push_str(interval.as_str());
    name
}

pub(super) fn combined_url(base: &str, streams: &[String], max: usize) -> Result<String, UrlError> {
    if streams.is_empty() {
        return Err(UrlError::NoStreams);
    }
    if streams.len() > max {
        return Err(UrlError::TooManyStreams {
            count: streams.len(),
            max,
        });
    }
    Ok(format!("{base}/stream?streams={}", streams.join("/")))
}

#[derive(Serialize)]
struct ControlRequest<'a> {
    method: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    params: &'a [String],
    id: u64,
}

pub(super) fn control_request(method: &str, id: u64, streams: &[String]) -> String {
    let request = ControlRequest {
        method,
        params: streams,
        id,
    };
    // Serializing strings and an integer into a String has no failure path.
    #[allow(clippy::expect_used)]
    serde_json::to_string(&request).expect("serializing a control request cannot fail")
}

pub(super) fn parse_frame(exchange: &ExchangeId, frame: &str) -> Result<WsEvent, FrameError> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(FrameError::TooLarge {
            len: frame.len(),
            max: MAX_FRAME_BYTES,
        });
    }
    if frame.trim_start().starts_with('[') {
        // Raw all-market array streams such as `!miniTicker@arr`: check the syntax, ignore the data.
        serde_json::from_str::<serde::de::IgnoredAny>(frame)?;
        return Ok(WsEvent::Other {
            name: "array".to_owned(),
        });
    }
    let raw: RawFrame<'_> = serde_json::from_str(frame)?;
    match raw.stream {
        Some(stream) => match raw.data {
            Some(Data::Object(inner)) => event(exchange, *inner, Some(stream.as_str())),
            Some(Data::NotObject) => Ok(WsEvent::Other {
                name: stream.as_str().to_owned(),
            }),
            None => Err(FrameError::MissingField("data".to_owned())),
        },
        None => event(exchange, raw, None),
    }
}

fn event(
    exchange: &ExchangeId,
    raw: RawFrame<'_>,
    stream: Option<&str>,
) -> Result<WsEvent, FrameError> {
    if let Some(kind) = &raw.e {
        return match kind.as_str() {
            "kline" => {
                let event_time = raw
                    .event_time
                    .ok_or_else(|| FrameError::MissingField("E".to_owned()))?;
                let k = raw
                    .k
                    .ok_or_else(|| FrameError::MissingField("k".to_owned()))?;
                kline(exchange, event_time, k).map(WsEvent::Kline)
            }
            "serverShutdown" => Ok(WsEvent::ServerShutdown {
                event_time: raw.event_time,
            }),
            other => Ok(WsEvent::Other {
                name: other.to_owned(),
            }),
        };
    }
    if let Some(stream) = stream {
        // Enveloped events without an `e` key (e.g. `@bookTicker`).
        return Ok(WsEvent::Other {
            name: stream.to_owned(),
        });
    }
    control_reply(raw).map(WsEvent::Control)
}

fn control_reply(raw: RawFrame<'_>) -> Result<ControlReply, FrameError> {
    let error = match (raw.error, raw.code, raw.msg) {
        (Some(e), _, _) => Some(ControlError {
            code: e.code,
            msg: e.msg.as_str().to_owned(),
        }),
        (None, Some(code), msg) => Some(ControlError {
            code,
            msg: msg.map(|m| m.as_str().to_owned()).unwrap_or_default(),
        }),
        (None, None, _) => None,
    };
    let result = match (error, raw.result) {
        (Some(error), _) => Err(error),
        (None, Some(RawResult::Null)) => Ok(ControlResult::Done),
        (None, Some(RawResult::Streams(streams))) => Ok(ControlResult::Streams(streams)),
        (None, Some(RawResult::Value(text))) => Ok(ControlResult::Value(text)),
        (None, None) if raw.id.is_some() => Ok(ControlResult::Done),
        (None, None) => return Err(FrameError::UnknownEvent),
    };
    Ok(ControlReply { id: raw.id, result })
}

fn kline(exchange: &ExchangeId, event_time: i64, k: RawKline<'_>) -> Result<Candle, FrameError> {
    let interval = k
        .interval
        .as_str()
        .parse()
        .map_err(|_| FrameError::BadInterval(k.interval.as_str().chars().take(16).collect()))?;
    let candle = Candle {
        exchange: exchange.clone(),
        symbol: Symbol::new(k.symbol.as_str())?,
        interval,
        open_time: k.open_time,
        close_time: k.close_time,
        open: FrameError::decimal("o", k.open.as_str())?,
        high: FrameError::decimal("h", k.high.as_str())?,
        low: FrameError::decimal("l", k.low.as_str())?,
        close: FrameError::decimal("c", k.close.as_str())?,
        volume: FrameError::decimal("v", k.volume.as_str())?,
        quote_volume: FrameError::decimal("q", k.quote_volume.as_str())?,
        taker_buy_base: FrameError::decimal("V", k.taker_buy_base.as_str())?,
        taker_buy_quote: FrameError::decimal("Q", k.taker_buy_quote.as_str())?,
        trades: k.trades,
        closed: k.closed,
        event_time,
    };
    candle.validate()?;
    Ok(candle)
}
