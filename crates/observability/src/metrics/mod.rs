//! Prometheus metrics: the catalog's building blocks and the recorder that exports them.

mod def;
mod recorder;

pub use def::{LabelDef, LabelValues, MetricDef, MetricKind};
pub use recorder::{MetricsError, MetricsHandle};
