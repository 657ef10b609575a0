//! The metric catalog and docs/observability.md stay in step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use observability::catalog::{alert_engine, api_gateway, data_collector, metrics_calculator};

#[test]
fn every_catalogued_metric_is_documented() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/observability.md"
    ))
    .unwrap();
    for catalog in [
        data_collector::catalog(),
        metrics_calculator::catalog(),
        alert_engine::catalog(),
        api_gateway::catalog(),
    ] {
        for def in catalog.all() {
            assert!(
                doc.contains(&format!("`{}`", def.name)),
                "{} is not in docs/observability.md",
                def.name
            );
        }
    }
}

#[test]
fn names_follow_prometheus_conventions() {
    for catalog in [
        data_collector::catalog(),
        metrics_calculator::catalog(),
        alert_engine::catalog(),
        api_gateway::catalog(),
    ] {
        for def in catalog.all() {
            assert!(
                def.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                def.name
            );
            assert!(!def.name.ends_with("_ms"), "{} uses milliseconds", def.name);
            let is_counter = def.kind == observability::metrics::MetricKind::Counter;
            assert_eq!(
                is_counter,
                def.name.ends_with("_total"),
                "{}: counters and only counters end in _total",
                def.name
            );
            assert!(!def.help.is_empty());
        }
    }
}
