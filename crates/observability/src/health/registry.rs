//! The registry of checks and the lifecycle flag readiness depends on.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, join_all};
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use super::report::{CheckReport, CheckStatus, HealthReport};
use crate::catalog::common::{HEALTH_CHECK_DURATION, HEALTH_CHECK_UP};

/// One named check of a dependency or an internal condition.
pub trait HealthCheck: Send + Sync + 'static {
    fn name(&self) -> &str;
    /// A failing critical check makes the service not ready and unhealthy; others only degrade it.
    fn critical(&self) -> bool {
        true
    }
    /// Ok with optional details, or the error to report. Must not hang: the registry adds a timeout anyway.
    fn check(&self) -> BoxFuture<'_, Result<Map<String, Value>, String>>;
}

/// Where the process is in its life; readiness is 503 unless `Running`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    Starting,
    Running,
    ShuttingDown,
}

struct Cached {
    at: Instant,
    report: HealthReport,
}

/// Named checks with a per-check timeout, run concurrently, results cached for `cache_ttl`.
#[derive(Clone)]
pub struct HealthRegistry {
    inner: Arc<Inner>,
}

struct Inner {
    checks: std::sync::RwLock<Vec<Arc<dyn HealthCheck>>>,
    timeout: Duration,
    cache_ttl: Duration,
    // An async mutex on purpose: concurrent probes wait for the one evaluation in flight instead of
    // starting their own (single flight), so a probe storm costs one round of dependency calls.
    cache: Mutex<Option<Cached>>,
    lifecycle: AtomicU8,
    started: Instant,
}

impl std::fmt::Debug for HealthRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HealthRegistry")
            .field("lifecycle", &self.lifecycle())
            .finish_non_exhaustive()
    }
}

impl Default for HealthRegistry {
    fn default() -> Self {
        Self::new(Duration::from_secs(2), Duration::from_secs(1))
    }
}

impl HealthRegistry {
    pub fn new(timeout: Duration, cache_ttl: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                checks: std::sync::RwLock::new(Vec::new()),
                timeout,
                cache_ttl,
                cache: Mutex::new(None),
                lifecycle: AtomicU8::new(Lifecycle::Starting as u8),
                started: Instant::now(),
            }),
        }
    }

    /// Adds a check; its series of `health_check_up` is exported at 0 until it first passes.
    pub fn register(&self, check: impl HealthCheck) {
        HEALTH_CHECK_UP.zero(&[("check", check.name())]);
        HEALTH_CHECK_DURATION.zero(&[("check", check.name())]);
        let mut checks = self
            .inner
            .checks
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        checks.push(Arc::new(check));
    }

    pub fn lifecycle(&self) -> Lifecycle {
        match self.inner.lifecycle.load(Ordering::Acquire) {
            0 => Lifecycle::Starting,
            1 => Lifecycle::Running,
            _ => Lifecycle::ShuttingDown,
        }
    }

    /// Start-up work (migrations, stream creation) is done: readiness now follows the checks.
    pub fn set_running(&self) {
        // Never leave ShuttingDown: a late start-up step must not make a draining process ready again.
        let _ = self.inner.lifecycle.compare_exchange(
            Lifecycle::Starting as u8,
            Lifecycle::Running as u8,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    pub fn set_shutting_down(&self) {
        self.inner
            .lifecycle
            .store(Lifecycle::ShuttingDown as u8, Ordering::Release);
    }

    pub fn uptime(&self) -> Duration {
        self.inner.started.elapsed()
    }

    /// Every check's result, at most `cache_ttl` old.
    pub async fn report(&self) -> HealthReport {
        let mut cache = self.inner.cache.lock().await;
        if let Some(cached) = cache
            .as_ref()
            .filter(|c| c.at.elapsed() < self.inner.cache_ttl)
        {
            return cached.report.clone();
        }
        let report = self.evaluate().await;
        *cache = Some(Cached {
            at: Instant::now(),
            report: report.clone(),
        });
        report
    }

    async fn evaluate(&self) -> HealthReport {
        let checks: Vec<Arc<dyn HealthCheck>> = self
            .inner
            .checks
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let timeout = self.inner.timeout;
        let results = join_all(checks.iter().map(|check| async move {
            let started = Instant::now();
            let outcome = tokio::time::timeout(timeout, check.check()).await;
            let elapsed = started.elapsed();
            let (status, error, details) = match outcome {
                Ok(Ok(details)) => (CheckStatus::Up, None, details),
                Ok(Err(error)) => (CheckStatus::Down, Some(error), Map::new()),
                Err(_) => (
                    CheckStatus::Down,
                    Some(format!("timed out after {} ms", timeout.as_millis())),
                    Map::new(),
                ),
            };
            let name = check.name().to_string();
            HEALTH_CHECK_DURATION
                .histogram_with(&[("check", &name)])
                .record(elapsed.as_secs_f64());
            HEALTH_CHECK_UP
                .gauge_with(&[("check", &name)])
                .set(if status == CheckStatus::Up { 1.0 } else { 0.0 });
            let report = CheckReport {
                status,
                critical: check.critical(),
                latency_ms: elapsed.as_secs_f64() * 1000.0,
                error,
                details,
            };
            (name, report)
        }))
        .await;
        HealthReport {
            checks: results.into_iter().collect(),
        }
    }
}
