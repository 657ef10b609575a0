//! api-gateway metrics.

use super::{Catalog, IO_BUCKETS, common};
use crate::metrics::{LabelDef, MetricDef};

pub static BUILD_INFO: MetricDef = MetricDef::new_gauge(
    "api_gateway_build_info",
    "Always 1; the version label says which build runs.",
    &[LabelDef::dynamic("version")],
);
/// Labelled by route template (axum's `MatchedPath`), never the raw path.
pub static HTTP_REQUESTS: MetricDef = MetricDef::new_counter(
    "api_gateway_http_requests_total",
    "HTTP requests by method, route template and status code.",
    &[
        LabelDef::dynamic("method"),
        LabelDef::dynamic("route"),
        LabelDef::dynamic("status"),
    ],
);
pub static HTTP_DURATION: MetricDef = MetricDef::new_histogram(
    "api_gateway_http_duration_seconds",
    "HTTP request duration by method and route template.",
    &[LabelDef::dynamic("method"), LabelDef::dynamic("route")],
    IO_BUCKETS,
);
pub static WEBSOCKET_CONNECTIONS: MetricDef = MetricDef::new_gauge(
    "api_gateway_websocket_connections",
    "Client WebSocket connections currently open.",
    &[],
);
pub static WEBSOCKET_MESSAGES_SENT: MetricDef = MetricDef::new_counter(
    "api_gateway_websocket_messages_sent_total",
    "Messages sent to WebSocket clients.",
    &[],
);
pub static WEBSOCKET_MESSAGES_FAILED: MetricDef = MetricDef::new_counter(
    "api_gateway_websocket_messages_failed_total",
    "Messages that could not be sent to a WebSocket client.",
    &[],
);
pub static WEBSOCKET_SLOW_CLIENTS: MetricDef = MetricDef::new_counter(
    "api_gateway_websocket_slow_client_disconnects_total",
    "WebSocket clients disconnected (close code 1013) because their send queue was full.",
    &[],
);
pub static SCREENER_VIEW_SIZE: MetricDef = MetricDef::new_gauge(
    "api_gateway_screener_view_size",
    "(symbol, interval) entries in the in-memory screener view.",
    &[],
);

pub fn catalog() -> Catalog {
    Catalog {
        service: "api-gateway",
        build_info: &BUILD_INFO,
        metrics: vec![
            &HTTP_REQUESTS,
            &HTTP_DURATION,
            &WEBSOCKET_CONNECTIONS,
            &WEBSOCKET_MESSAGES_SENT,
            &WEBSOCKET_MESSAGES_FAILED,
            &WEBSOCKET_SLOW_CLIENTS,
            &SCREENER_VIEW_SIZE,
            &common::NATS_MESSAGES_RECEIVED,
            &common::NATS_MESSAGES_PUBLISHED,
            &common::NATS_PUBLISH_ERRORS,
            &common::DATABASE_QUERIES,
            &common::DATABASE_ERRORS,
            &common::DATABASE_POOL_SIZE,
            &common::HEALTH_CHECK_UP,
            &common::HEALTH_CHECK_DURATION,
        ],
    }
}
