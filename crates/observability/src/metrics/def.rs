//! The shape of one catalogued metric, and the typed handles services record through.
#![allow(clippy::disallowed_macros)] // the one place allowed to call the raw metrics macros

use metrics::{Counter, Gauge, Histogram, Label, Unit};

/// What kind of Prometheus series a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
}

/// A label and, when the set is closed, every value it can take.
///
/// Known values let the catalog export every series at 0 from start-up, so `rate()` alerts and dashboards work
/// before the first event. `Dynamic` labels (route templates, say) are zero-initialised by the service with the
/// values it knows at start-up, through [`MetricDef::zero`].
#[derive(Debug, Clone, Copy)]
pub struct LabelDef {
    pub name: &'static str,
    pub values: LabelValues,
}

#[derive(Debug, Clone, Copy)]
pub enum LabelValues {
    Known(&'static [&'static str]),
    Dynamic,
}

impl LabelDef {
    pub const fn known(name: &'static str, values: &'static [&'static str]) -> Self {
        Self {
            name,
            values: LabelValues::Known(values),
        }
    }
    pub const fn dynamic(name: &'static str) -> Self {
        Self {
            name,
            values: LabelValues::Dynamic,
        }
    }
}

/// One metric of the catalog: everything Prometheus needs to describe it, in one place.
#[derive(Debug)]
pub struct MetricDef {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: MetricKind,
    pub unit: Option<Unit>,
    pub labels: &'static [LabelDef],
    /// Histogram bucket boundaries (seconds or bytes); `None` uses the catalog default.
    pub buckets: Option<&'static [f64]>,
}

impl MetricDef {
    pub const fn new_counter(
        name: &'static str,
        help: &'static str,
        labels: &'static [LabelDef],
    ) -> Self {
        Self {
            name,
            help,
            kind: MetricKind::Counter,
            unit: None,
            labels,
            buckets: None,
        }
    }
    pub const fn new_gauge(
        name: &'static str,
        help: &'static str,
        labels: &'static [LabelDef],
    ) -> Self {
        Self {
            name,
            help,
            kind: MetricKind::Gauge,
            unit: None,
            labels,
            buckets: None,
        }
    }
    pub const fn new_histogram(
        name: &'static str,
        help: &'static str,
        labels: &'static [LabelDef],
        buckets: &'static [f64],
    ) -> Self {
        Self {
            name,
            help,
            kind: MetricKind::Histogram,
            unit: Some(Unit::Seconds),
            labels,
            buckets: Some(buckets),
        }
    }
    pub const fn with_unit(mut self, unit: Unit) -> Self {
        self.unit = Some(unit);
        self
    }

    /// A counter handle; `labels` must name exactly this metric's labels (checked in debug builds).
    pub fn counter_with(&'static self, labels: &[(&'static str, &str)]) -> Counter {
        self.check(MetricKind::Counter, labels);
        metrics::counter!(self.name, to_labels(labels))
    }
    pub fn gauge_with(&'static self, labels: &[(&'static str, &str)]) -> Gauge {
        self.check(MetricKind::Gauge, labels);
        metrics::gauge!(self.name, to_labels(labels))
    }
    pub fn histogram_with(&'static self, labels: &[(&'static str, &str)]) -> Histogram {
        self.check(MetricKind::Histogram, labels);
        metrics::histogram!(self.name, to_labels(labels))
    }
    pub fn counter(&'static self) -> Counter {
        self.counter_with(&[])
    }
    pub fn gauge(&'static self) -> Gauge {
        self.gauge_with(&[])
    }
    pub fn histogram(&'static self) -> Histogram {
        self.histogram_with(&[])
    }

    /// Exports the series with these labels at 0 without counting anything.
    pub fn zero(&'static self, labels: &[(&'static str, &str)]) {
        match self.kind {
            MetricKind::Counter => self.counter_with(labels).increment(0),
            MetricKind::Gauge => self.gauge_with(labels).increment(0.0),
            MetricKind::Histogram => drop(self.histogram_with(labels)),
        }
    }

    /// Every combination of known label values, or `None` when a label is dynamic.
    pub(crate) fn known_label_sets(&self) -> Option<Vec<Vec<(&'static str, &'static str)>>> {
        let mut sets: Vec<Vec<(&'static str, &'static str)>> = vec![Vec::new()];
        for label in self.labels {
            let LabelValues::Known(values) = label.values else {
                return None;
            };
            sets = sets
                .into_iter()
                .flat_map(|set| {
                    values.iter().map(move |v| {
                        let mut next = set.clone();
                        next.push((label.name, *v));
                        next
                    })
                })
                .collect();
        }
        Some(sets)
    }

    fn check(&self, kind: MetricKind, labels: &[(&'static str, &str)]) {
        debug_assert_eq!(
            self.kind, kind,
            "metric {} used as the wrong kind",
            self.name
        );
        debug_assert!(
            labels.len() == self.labels.len()
                && labels
                    .iter()
                    .zip(self.labels)
                    .all(|((name, _), def)| *name == def.name),
            "metric {} recorded with labels {:?}, catalog says {:?}",
            self.name,
            labels.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            self.labels.iter().map(|l| l.name).collect::<Vec<_>>()
        );
    }
}

fn to_labels(labels: &[(&'static str, &str)]) -> Vec<Label> {
    labels
        .iter()
        .map(|(k, v)| Label::new(*k, v.to_string()))
        .collect()
}
