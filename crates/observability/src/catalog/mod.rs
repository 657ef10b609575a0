//! The central catalog of every metric the product exports: names, help, units, labels and buckets.
//!
//! Services record through these definitions (`catalog::data_collector::CANDLES_RECEIVED.counter()`), never
//! through string literals, so a dashboard or alert can be checked against this one list. Names listed in
//! shared/OBSERVABILITY.md are kept exactly.

pub mod alert_engine;
pub mod api_gateway;
pub mod common;
pub mod data_collector;
pub mod metrics_calculator;

use crate::metrics::MetricDef;

/// Bucket boundaries (seconds) for fast in-process work: parsing, indicator maths, rule evaluation.
pub const FAST_BUCKETS: &[f64] = &[
    0.000_001, 0.000_005, 0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5,
    1.0,
];

/// Bucket boundaries (seconds) for I/O: database writes, HTTP requests, webhook deliveries, end-to-end latency.
/// 0.1, 0.25, 0.5, 1 and 5 are thresholds the shipped alert rules use.
pub const IO_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The metrics one service exports.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub service: &'static str,
    pub build_info: &'static MetricDef,
    pub metrics: Vec<&'static MetricDef>,
}

impl Catalog {
    /// Every metric including the build-info gauge.
    pub fn all(&self) -> impl Iterator<Item = &'static MetricDef> + '_ {
        std::iter::once(self.build_info).chain(self.metrics.iter().copied())
    }
}
