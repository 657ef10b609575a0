//! Installs the process-wide Prometheus recorder once and exports every catalogued series from start-up.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use metrics_process::Collector;
use tokio_util::sync::CancellationToken;

use super::{MetricDef, MetricKind};
use crate::catalog::{Catalog, IO_BUCKETS};

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("could not build the Prometheus recorder: {0}")]
    Build(#[from] BuildError),
}

/// Renders the Prometheus text exposition and keeps process metrics current.
#[derive(Clone)]
pub struct MetricsHandle {
    prometheus: PrometheusHandle,
    process: Arc<Collector>,
}

impl std::fmt::Debug for MetricsHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsHandle").finish_non_exhaustive()
    }
}

static INSTALLED: OnceLock<MetricsHandle> = OnceLock::new();

impl MetricsHandle {
    /// Installs the global recorder (once per process; later calls reuse it, which tests rely on), then
    /// describes and zero-initialises every metric of `catalog` and sets `<service>_build_info{version} 1`.
    pub fn install(catalog: &Catalog, version: &str) -> Result<Self, MetricsError> {
        let handle = match INSTALLED.get() {
            Some(handle) => handle.clone(),
            None => {
                let handle = Self::build(catalog)?;
                // A concurrent caller may have won the race; either handle serves the same global recorder.
                INSTALLED.get_or_init(|| handle).clone()
            }
        };
        handle.register(catalog, version);
        Ok(handle)
    }

    fn build(catalog: &Catalog) -> Result<Self, MetricsError> {
        // Every histogram gets explicit buckets: without them the exporter renders summaries, which cannot be
        // aggregated across replicas.
        let mut builder = PrometheusBuilder::new().set_buckets(IO_BUCKETS)?;
        for def in catalog.all().filter(|d| d.kind == MetricKind::Histogram) {
            if let Some(buckets) = def.buckets {
                builder =
                    builder.set_buckets_for_metric(Matcher::Full(def.name.to_string()), buckets)?;
            }
        }
        let prometheus = match builder.install_recorder() {
            Ok(handle) => handle,
            // Another recorder (a test harness, say) is already global: keep a private one for rendering.
            Err(BuildError::FailedToSetGlobalRecorder(_)) => {
                PrometheusBuilder::new().build_recorder().handle()
            }
            Err(other) => return Err(other.into()),
        };
        let process = Arc::new(Collector::default());
        process.describe();
        Ok(Self {
            prometheus,
            process,
        })
    }

    fn register(&self, catalog: &Catalog, version: &str) {
        for def in catalog.all() {
            describe(def);
            if let Some(sets) = def.known_label_sets() {
                for set in sets {
                    def.zero(&set);
                }
            }
        }
        catalog
            .build_info
            .gauge_with(&[("version", version)])
            .set(1.0);
    }

    /// The exposition in Prometheus text format 0.0.4, with process metrics freshly collected.
    pub fn render(&self) -> String {
        self.process.collect();
        self.prometheus.render()
    }

    /// Drains histogram buckets periodically, as `install_recorder()` does not start an upkeep task.
    pub fn spawn_upkeep(&self, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
        let prometheus = self.prometheus.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tick.tick() => prometheus.run_upkeep(),
                }
            }
        })
    }
}

#[allow(clippy::disallowed_macros)]
fn describe(def: &'static MetricDef) {
    let unit = def.unit;
    match (def.kind, unit) {
        (MetricKind::Counter, Some(u)) => metrics::describe_counter!(def.name, u, def.help),
        (MetricKind::Counter, None) => metrics::describe_counter!(def.name, def.help),
        (MetricKind::Gauge, Some(u)) => metrics::describe_gauge!(def.name, u, def.help),
        (MetricKind::Gauge, None) => metrics::describe_gauge!(def.name, def.help),
        (MetricKind::Histogram, Some(u)) => metrics::describe_histogram!(def.name, u, def.help),
        (MetricKind::Histogram, None) => metrics::describe_histogram!(def.name, def.help),
    }
}
