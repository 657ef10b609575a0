//! alert-engine metrics.

use super::{Catalog, FAST_BUCKETS, IO_BUCKETS, common};
use crate::metrics::{LabelDef, MetricDef};

pub static BUILD_INFO: MetricDef = MetricDef::new_gauge(
    "alert_engine_build_info",
    "Always 1; the version label says which build runs.",
    &[LabelDef::dynamic("version")],
);
pub static ALERTS_EVALUATED: MetricDef = MetricDef::new_counter(
    "alert_engine_alerts_evaluated_total",
    "Rule evaluations (one per rule and metric update that concerns it).",
    &[],
);
pub static ALERTS_TRIGGERED: MetricDef = MetricDef::new_counter(
    "alert_engine_alerts_triggered_total",
    "Rule evaluations whose condition fired and passed the frequency rules.",
    &[],
);
pub static ALERTS_DUPLICATED: MetricDef = MetricDef::new_counter(
    "alert_engine_alerts_duplicated_total",
    "Triggers suppressed because another replica or delivery already claimed the same event.",
    &[],
);
pub static EVALUATION_DURATION: MetricDef = MetricDef::new_histogram(
    "alert_engine_evaluation_duration_seconds",
    "Duration of evaluating every rule that concerns one metric update.",
    &[],
    FAST_BUCKETS,
);
pub static WEBHOOKS_SENT: MetricDef = MetricDef::new_counter(
    "alert_engine_webhooks_sent_total",
    "Webhook deliveries acknowledged with a 2xx by the receiver.",
    &[],
);
pub static WEBHOOKS_FAILED: MetricDef = MetricDef::new_counter(
    "alert_engine_webhooks_failed_total",
    "Webhook deliveries that failed for good after every attempt.",
    &[],
);
pub static WEBHOOK_RETRIES: MetricDef = MetricDef::new_counter(
    "alert_engine_webhook_retries_total",
    "Webhook attempts after the first one.",
    &[],
);
pub static DELIVERY_DURATION: MetricDef = MetricDef::new_histogram(
    "alert_engine_delivery_duration_seconds",
    "Duration of one webhook attempt.",
    &[],
    IO_BUCKETS,
);
pub static PENDING_DELIVERIES: MetricDef = MetricDef::new_gauge(
    "alert_engine_pending_deliveries",
    "Deliveries persisted and not yet finished.",
    &[],
);
pub static RULES_LOADED: MetricDef =
    MetricDef::new_gauge("alert_engine_rules_loaded", "Enabled rules in memory.", &[]);
pub static RULE_RELOADS: MetricDef = MetricDef::new_counter(
    "alert_engine_rule_reloads_total",
    "Rule changes applied without restart, by what caused them.",
    &[LabelDef::known("source", &["notify", "resync"])],
);
pub static RULES_REJECTED: MetricDef = MetricDef::new_counter(
    "alert_engine_rules_rejected_total",
    "Stored rules that failed to decode or compile and were skipped.",
    &[],
);
pub static TRIGGERS_HELD: MetricDef = MetricDef::new_gauge(
    "alert_engine_triggers_held",
    "Triggers waiting for Redis or PostgreSQL before they can be claimed and persisted.",
    &[],
);
pub static TRIGGERS_DROPPED: MetricDef = MetricDef::new_counter(
    "alert_engine_triggers_dropped_total",
    "In-progress-bar triggers dropped because the bounded hold queue was full (at-most-once path).",
    &[],
);
pub static POISON_MESSAGES: MetricDef = MetricDef::new_counter(
    "alert_engine_poison_messages_total",
    "Metric snapshots terminated without processing, by reason.",
    &[LabelDef::known(
        "reason",
        &["undecodable", "unsupported_version"],
    )],
);
pub static END_TO_END: MetricDef = MetricDef::new_histogram(
    "alert_engine_snapshot_to_webhook_seconds",
    "Time from the snapshot's computation to the first webhook attempt of its event.",
    &[],
    IO_BUCKETS,
);

pub fn catalog() -> Catalog {
    Catalog {
        service: "alert-engine",
        build_info: &BUILD_INFO,
        metrics: vec![
            &ALERTS_EVALUATED,
            &ALERTS_TRIGGERED,
            &ALERTS_DUPLICATED,
            &EVALUATION_DURATION,
            &WEBHOOKS_SENT,
            &WEBHOOKS_FAILED,
            &WEBHOOK_RETRIES,
            &DELIVERY_DURATION,
            &PENDING_DELIVERIES,
            &RULES_LOADED,
            &RULE_RELOADS,
            &RULES_REJECTED,
            &TRIGGERS_HELD,
            &TRIGGERS_DROPPED,
            &POISON_MESSAGES,
            &END_TO_END,
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
