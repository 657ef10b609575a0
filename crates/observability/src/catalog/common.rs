//! Metrics every service may export: NATS traffic, database use, dependency health.

use super::IO_BUCKETS;
use crate::metrics::{LabelDef, MetricDef};

/// What a NATS message carries; bounded.
pub const NATS_KINDS: &[&str] = &[
    "candles",
    "live_candles",
    "metrics",
    "live_metrics",
    "alerts",
    "control",
];
/// Which database a query went to.
pub const DATABASES: &[&str] = &["app", "timeseries"];

const KIND: &[LabelDef] = &[LabelDef::known("kind", NATS_KINDS)];
const DATABASE: &[LabelDef] = &[LabelDef::known("database", DATABASES)];

pub static NATS_MESSAGES_PUBLISHED: MetricDef = MetricDef::new_counter(
    "nats_messages_published_total",
    "NATS messages published and acknowledged.",
    KIND,
);
pub static NATS_PUBLISH_ERRORS: MetricDef = MetricDef::new_counter(
    "nats_publish_errors_total",
    "NATS publishes that failed or were not acknowledged.",
    KIND,
);
pub static NATS_MESSAGES_RECEIVED: MetricDef = MetricDef::new_counter(
    "nats_messages_received_total",
    "NATS messages received.",
    KIND,
);

pub static DATABASE_QUERIES: MetricDef = MetricDef::new_counter(
    "database_queries_total",
    "Database statements executed.",
    DATABASE,
);
pub static DATABASE_ERRORS: MetricDef = MetricDef::new_counter(
    "database_errors_total",
    "Database statements that failed.",
    DATABASE,
);
pub static DATABASE_POOL_SIZE: MetricDef = MetricDef::new_gauge(
    "database_connection_pool_size",
    "Connections currently open in the database pool.",
    DATABASE,
);

pub static HEALTH_CHECK_UP: MetricDef = MetricDef::new_gauge(
    "health_check_up",
    "1 when the last run of the health check passed, else 0; one series per registered check.",
    &[LabelDef::dynamic("check")],
);
pub static HEALTH_CHECK_DURATION: MetricDef = MetricDef::new_histogram(
    "health_check_duration_seconds",
    "Duration of health checks, by check.",
    &[LabelDef::dynamic("check")],
    IO_BUCKETS,
);
