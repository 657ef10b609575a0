//! metrics-calculator metrics.

use super::{Catalog, FAST_BUCKETS, IO_BUCKETS, common};
use crate::metrics::{LabelDef, MetricDef};

pub static BUILD_INFO: MetricDef = MetricDef::new_gauge(
    "metrics_calculator_build_info",
    "Always 1; the version label says which build runs.",
    &[LabelDef::dynamic("version")],
);
pub static CANDLES_PROCESSED: MetricDef = MetricDef::new_counter(
    "metrics_calculator_candles_processed_total",
    "Candles processed, closed (stored, from JetStream) and live (peeked, from core NATS).",
    &[LabelDef::known("state", &["live", "closed"])],
);
pub static METRICS_CALCULATED: MetricDef = MetricDef::new_counter(
    "metrics_calculator_metrics_calculated_total",
    "Indicator snapshots computed.",
    &[LabelDef::known("state", &["live", "closed"])],
);
pub static DB_INSERT_DURATION: MetricDef = MetricDef::new_histogram(
    "metrics_calculator_db_insert_duration_seconds",
    "Duration of one batched insert of candles and indicator values.",
    &[],
    IO_BUCKETS,
);
pub static CALCULATION_DURATION: MetricDef = MetricDef::new_histogram(
    "metrics_calculator_calculation_duration_seconds",
    "Duration of computing every indicator for one candle.",
    &[],
    FAST_BUCKETS,
);
pub static CONSUMER_PENDING: MetricDef = MetricDef::new_gauge(
    "metrics_calculator_consumer_pending_messages",
    "Messages in the candle stream not yet delivered to this consumer (lag).",
    &[],
);
pub static BATCH_SIZE: MetricDef = MetricDef::new_gauge(
    "metrics_calculator_batch_size",
    "Candles in the last stored batch.",
    &[],
);
pub static REDELIVERIES: MetricDef = MetricDef::new_counter(
    "metrics_calculator_redeliveries_total",
    "Candle messages delivered more than once.",
    &[],
);
pub static POISON_MESSAGES: MetricDef = MetricDef::new_counter(
    "metrics_calculator_poison_messages_total",
    "Candle messages terminated: undecodable, naming another series than their subject, refused by the indicator engine, or dropped by JetStream after max_deliver deliveries.",
    &[LabelDef::known(
        "reason",
        &["undecodable", "mismatch", "rejected", "max_deliver"],
    )],
);
pub static LAST_PROCESSED: MetricDef = MetricDef::new_gauge(
    "metrics_calculator_last_processed_candle_timestamp_seconds",
    "Open time of the newest closed candle stored (Unix seconds), for freshness alerts.",
    &[],
)
.with_unit(metrics::Unit::Seconds);

pub fn catalog() -> Catalog {
    Catalog {
        service: "metrics-calculator",
        build_info: &BUILD_INFO,
        metrics: vec![
            &CANDLES_PROCESSED,
            &METRICS_CALCULATED,
            &DB_INSERT_DURATION,
            &CALCULATION_DURATION,
            &CONSUMER_PENDING,
            &BATCH_SIZE,
            &REDELIVERIES,
            &POISON_MESSAGES,
            &LAST_PROCESSED,
            &common::NATS_MESSAGES_PUBLISHED,
            &common::NATS_PUBLISH_ERRORS,
            &common::NATS_MESSAGES_RECEIVED,
            &common::DATABASE_QUERIES,
            &common::DATABASE_ERRORS,
            &common::DATABASE_POOL_SIZE,
            &common::HEALTH_CHECK_UP,
            &common::HEALTH_CHECK_DURATION,
        ],
    }
}
