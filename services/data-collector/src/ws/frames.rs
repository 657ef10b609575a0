//! What one text frame does: a kline update goes to `live.candles.*` (in progress) or to the JetStream
//! publisher (closed, after duplicate and gap checks); malformed or unexpected frames are counted by reason,
//! logged at a bounded rate and skipped.

use async_nats::connection::State;
use async_nats::{HeaderMap, HeaderValue};
use bytes::Bytes;
use exchange_connectors::WsEvent;
use market_model::{Candle, Subjects, wire};
use metrics::{Counter, Histogram};

use crate::headers::{CONTENT_TYPE, REQUEST_ID_NAME, TRACEPARENT_NAME, new_traceparent};
use observability::catalog::common::{NATS_MESSAGES_PUBLISHED, NATS_PUBLISH_ERRORS};
use observability::catalog::data_collector::{CANDLES_RECEIVED, PARSE_DURATION, WEBSOCKET_ERRORS};
use tokio::time::Instant;

use crate::book::{StreamKey, Verdict};
use crate::publisher::{Closed, Source};
use crate::ws::WsContext;

/// In-progress candles on core NATS: not persisted, dropped rather than queued while NATS is down
/// (the next update, a couple of seconds later, supersedes them anyway).
#[derive(Clone)]
pub struct LivePublisher {
    client: async_nats::Client,
    subjects: Subjects,
}

impl LivePublisher {
    pub fn new(client: async_nats::Client, subjects: Subjects) -> Self {
        Self { client, subjects }
    }

    async fn publish(&self, candle: &Candle, buf: &mut Vec<u8>) -> bool {
        if self.client.connection_state() != State::Connected || wire::encode(candle, buf).is_err()
        {
            return false;
        }
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, wire::CANDLE_CONTENT_TYPE);
        let traceparent = new_traceparent();
        // An in-progress update has no business key of its own: its trace id doubles as the request id.
        headers.insert(REQUEST_ID_NAME, traceparent.get(3..35).unwrap_or_default());
        headers.insert(TRACEPARENT_NAME, HeaderValue::from(traceparent));
        let subject = self
            .subjects
            .live_candles(&candle.exchange, &candle.symbol, candle.interval);
        self.client
            .publish_with_headers(subject, headers, Bytes::copy_from_slice(buf))
            .await
            .is_ok()
    }
}

/// What the session must do after a frame.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    Continue,
    /// The reply to the control request with this id.
    Reply(Option<u64>),
    /// A kline arrived (resets the connection's staleness clock).
    Data,
    ServerShutdown,
    /// The publisher is gone (shutting down).
    Stop,
}

/// Per-session frame handling with metric handles resolved once.
pub struct FrameHandler {
    received_live: Counter,
    received_closed: Counter,
    live_published: Counter,
    live_errors: Counter,
    parse_time: Histogram,
    frames: u32,
    buf: Vec<u8>,
}

/// One frame in this many is timed for `data_collector_parse_duration_seconds`.
const PARSE_SAMPLE: u32 = 16;

impl Default for FrameHandler {
    fn default() -> Self {
        Self {
            received_live: CANDLES_RECEIVED.counter_with(&[("state", "live")]),
            received_closed: CANDLES_RECEIVED.counter_with(&[("state", "closed")]),
            live_published: NATS_MESSAGES_PUBLISHED.counter_with(&[("kind", "live_candles")]),
            live_errors: NATS_PUBLISH_ERRORS.counter_with(&[("kind", "live_candles")]),
            parse_time: PARSE_DURATION.histogram(),
            frames: 0,
            buf: Vec::with_capacity(512),
        }
    }
}

impl FrameHandler {
    pub async fn text(&mut self, ctx: &WsContext, frame: &str, now: Instant) -> After {
        // Timing every frame would cost two clock reads per candle; one in PARSE_SAMPLE is plenty for a histogram.
        self.frames = self.frames.wrapping_add(1);
        let parsed = if self.frames.is_multiple_of(PARSE_SAMPLE) {
            let started = std::time::Instant::now();
            let parsed = ctx.connector.parse_frame(frame);
            self.parse_time.record(started.elapsed().as_secs_f64());
            parsed
        } else {
            ctx.connector.parse_frame(frame)
        };
        match parsed {
            Ok(WsEvent::Kline(candle)) => self.kline(ctx, candle, now).await,
            Ok(WsEvent::Control(reply)) => {
                if let Err(error) = &reply.result {
                    bad_input(ctx, "control_error", error);
                }
                After::Reply(reply.id)
            }
            Ok(WsEvent::ServerShutdown { .. }) => After::ServerShutdown,
            Ok(WsEvent::Other { .. }) => After::Continue,
            Err(error) => {
                bad_input(ctx, error.reason(), &error);
                After::Continue
            }
        }
    }

    async fn kline(&mut self, ctx: &WsContext, candle: Candle, now: Instant) -> After {
        ctx.clock.observe(candle.event_time);
        let verdict = ctx.book.on_kline(&candle, now.into_std());
        if !candle.closed {
            self.received_live.increment(1);
            if ctx.live.publish(&candle, &mut self.buf).await {
                self.live_published.increment(1);
            } else {
                self.live_errors.increment(1);
            }
            return After::Data;
        }
        self.received_closed.increment(1);
        match verdict {
            Verdict::Duplicate => return After::Data,
            Verdict::AcceptAfterGap { from, to } => {
                ctx.backfill
                    .push(StreamKey::of(&candle), Some(from), Some(to));
            }
            Verdict::Accept => {}
        }
        let closed = Closed {
            candle,
            source: Source::Stream,
        };
        if ctx.closed_tx.send(closed).await.is_err() {
            return After::Stop;
        }
        After::Data
    }
}

/// Counts a bad frame by its bounded reason and logs it at a bounded rate.
pub fn bad_input(ctx: &WsContext, reason: &'static str, error: &dyn std::fmt::Display) {
    WEBSOCKET_ERRORS
        .counter_with(&[("reason", reason)])
        .increment(1);
    if let Some(suppressed) = ctx.bad_frames.should_log(reason) {
        tracing::warn!(reason, %error, suppressed, "skipped a bad WebSocket frame");
    }
}

#[cfg(test)]
mod tests {
    use exchange_connectors::FrameError;
    use observability::catalog::data_collector::WS_ERROR_REASONS;

    #[test]
    fn every_error_reason_the_collector_reports_is_catalogued() {
        let reported =
            FrameError::REASONS
                .iter()
                .chain(&["control_error", "connection", "protocol"]);
        for reason in reported {
            assert!(
                WS_ERROR_REASONS.contains(reason),
                "{reason} missing from the catalog"
            );
        }
    }
}
