//! What a health evaluation returns, shaped as the JSON the endpoints serve.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Up,
    Down,
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub status: CheckStatus,
    pub critical: bool,
    pub latency_ms: f64,
    pub error: Option<String>,
    /// Extra facts a check reports (e.g. whether the TimescaleDB extension is installed).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverallStatus {
    /// Every check passes.
    Healthy,
    /// Only non-critical checks fail.
    Degraded,
    /// A critical check fails.
    Unhealthy,
}

/// Every check's result at one moment.
#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    pub checks: BTreeMap<String, CheckReport>,
}

impl HealthReport {
    pub fn status(&self) -> OverallStatus {
        let failing = self
            .checks
            .values()
            .filter(|c| c.status == CheckStatus::Down);
        let mut status = OverallStatus::Healthy;
        for check in failing {
            if check.critical {
                return OverallStatus::Unhealthy;
            }
            status = OverallStatus::Degraded;
        }
        status
    }

    /// Names of the critical checks that fail, for readiness.
    pub fn failing_critical(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|(_, c)| c.critical && c.status == CheckStatus::Down)
            .map(|(name, _)| name.as_str())
            .collect()
    }
}
