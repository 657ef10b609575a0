//! data-collector metrics.

use super::{Catalog, FAST_BUCKETS, IO_BUCKETS, common};
use crate::metrics::{LabelDef, MetricDef};

/// Why a WebSocket frame was skipped or a connection failed: exchange_connectors' `FrameError::REASONS`
/// (the collector's tests check they stay aligned), plus rejected control requests (`control_error`),
/// transport failures (`connection`) and unexpected frame types (`protocol`).
pub const WS_ERROR_REASONS: &[&str] = &[
    "too_large",
    "invalid_json",
    "missing_field",
    "wrong_type",
    "bad_number",
    "bad_interval",
    "bad_symbol",
    "invalid_candle",
    "unknown_event",
    "api_error",
    "control_error",
    "connection",
    "protocol",
];
pub const RECONNECT_REASONS: &[&str] = &["error", "closed", "stale", "rotation", "server_shutdown"];

pub static BUILD_INFO: MetricDef = MetricDef::new_gauge(
    "data_collector_build_info",
    "Always 1; the version label says which build runs.",
    &[LabelDef::dynamic("version")],
);
pub static CANDLES_RECEIVED: MetricDef = MetricDef::new_counter(
    "data_collector_candles_received_total",
    "Kline updates received from the exchange, in progress and closed.",
    &[LabelDef::known("state", &["live", "closed"])],
);
pub static CANDLES_PUBLISHED: MetricDef = MetricDef::new_counter(
    "data_collector_candles_published_total",
    "Closed candles published to JetStream and acknowledged, by where they came from.",
    &[LabelDef::known("source", &["stream", "backfill"])],
);
pub static WEBSOCKET_CONNECTIONS: MetricDef = MetricDef::new_gauge(
    "data_collector_websocket_connections",
    "Exchange WebSocket connections currently open.",
    &[],
);
pub static WEBSOCKET_RECONNECTS: MetricDef = MetricDef::new_counter(
    "data_collector_websocket_reconnects_total",
    "Exchange WebSocket reconnects, by why the previous connection ended.",
    &[LabelDef::known("reason", RECONNECT_REASONS)],
);
pub static WEBSOCKET_ERRORS: MetricDef = MetricDef::new_counter(
    "data_collector_websocket_errors_total",
    "Malformed or unexpected WebSocket frames and connection errors, skipped and counted.",
    &[LabelDef::known("reason", WS_ERROR_REASONS)],
);
pub static BACKFILLED_CANDLES: MetricDef = MetricDef::new_counter(
    "data_collector_backfilled_candles_total",
    "Closed candles fetched over REST to fill gaps after (re)connects.",
    &[],
);
pub static REST_WEIGHT_USED: MetricDef = MetricDef::new_gauge(
    "data_collector_rest_weight_used",
    "Request weight used in the exchange's current one-minute window (X-MBX-USED-WEIGHT-1M).",
    &[],
);
pub static REST_REQUESTS: MetricDef = MetricDef::new_counter(
    "data_collector_rest_requests_total",
    "REST requests to the exchange by outcome.",
    &[LabelDef::known(
        "outcome",
        &[
            "ok",
            "rate_limited",
            "banned",
            "client_error",
            "server_error",
            "network",
        ],
    )],
);
pub static STALE_STREAMS: MetricDef = MetricDef::new_gauge(
    "data_collector_stale_streams",
    "Streams with no update for longer than the staleness threshold.",
    &[],
);
pub static MAX_STREAM_STALENESS: MetricDef = MetricDef::new_gauge(
    "data_collector_max_stream_staleness_seconds",
    "Seconds since the last update of the most stale subscribed stream.",
    &[],
)
.with_unit(metrics::Unit::Seconds);
pub static EVENT_TO_PUBLISH: MetricDef = MetricDef::new_histogram(
    "data_collector_event_to_publish_seconds",
    "Time from the exchange's kline event time to the JetStream acknowledgement.",
    &[],
    IO_BUCKETS,
);
pub static PARSE_DURATION: MetricDef = MetricDef::new_histogram(
    "data_collector_parse_duration_seconds",
    "Time to parse one WebSocket frame.",
    &[],
    FAST_BUCKETS,
);
pub static LAST_PUBLISHED: MetricDef = MetricDef::new_gauge(
    "data_collector_last_published_candle_timestamp_seconds",
    "Open time of the newest closed candle published (Unix seconds), for freshness alerts.",
    &[],
)
.with_unit(metrics::Unit::Seconds);
pub static PUBLISH_BUFFERED: MetricDef = MetricDef::new_gauge(
    "data_collector_publish_buffered_candles",
    "Closed candles waiting for NATS (bounded buffer while NATS is unreachable).",
    &[],
);

pub fn catalog() -> Catalog {
    Catalog {
        service: "data-collector",
        build_info: &BUILD_INFO,
        metrics: vec![
            &CANDLES_RECEIVED,
            &CANDLES_PUBLISHED,
            &WEBSOCKET_CONNECTIONS,
            &WEBSOCKET_RECONNECTS,
            &WEBSOCKET_ERRORS,
            &BACKFILLED_CANDLES,
            &REST_WEIGHT_USED,
            &REST_REQUESTS,
            &STALE_STREAMS,
            &MAX_STREAM_STALENESS,
            &EVENT_TO_PUBLISH,
            &PARSE_DURATION,
            &LAST_PUBLISHED,
            &PUBLISH_BUFFERED,
            &common::NATS_MESSAGES_PUBLISHED,
            &common::NATS_PUBLISH_ERRORS,
            &common::HEALTH_CHECK_UP,
            &common::HEALTH_CHECK_DURATION,
        ],
    }
}
