//! The metrics port's router: `/metrics`, `/health`, `/health/live` (`/live`), `/health/ready` (`/ready`).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::health::{HealthRegistry, Lifecycle, OverallStatus};
use crate::metrics::MetricsHandle;
use crate::request_id::request_id_layer;

/// Who is answering, for `/health`.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone)]
struct TelemetryState {
    info: ServiceInfo,
    health: HealthRegistry,
    metrics: MetricsHandle,
}

/// The router served on the metrics port (never through the public API router).
pub fn telemetry_router(
    info: ServiceInfo,
    health: HealthRegistry,
    metrics: MetricsHandle,
) -> Router {
    Router::new()
        .route("/metrics", get(metrics_text))
        .route("/health", get(health_full))
        .route("/health/live", get(live))
        .route("/live", get(live))
        .route("/health/ready", get(ready))
        .route("/ready", get(ready))
        .with_state(TelemetryState {
            info,
            health,
            metrics,
        })
        .layer(request_id_layer())
}

async fn metrics_text(State(state): State<TelemetryState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Liveness never touches a dependency: an outage must not get healthy pods restarted.
async fn live(State(state): State<TelemetryState>) -> Response {
    Json(json!({"status": "alive", "service": state.info.name})).into_response()
}

async fn ready(State(state): State<TelemetryState>) -> Response {
    let lifecycle = state.health.lifecycle();
    if lifecycle == Lifecycle::ShuttingDown {
        let body = json!({"status": "not_ready", "state": lifecycle, "reason": "shutting down"});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    let report = state.health.report().await;
    let failing = report.failing_critical();
    let ready = lifecycle == Lifecycle::Running && failing.is_empty();
    let body = json!({
        "status": if ready { "ready" } else { "not_ready" },
        "state": lifecycle,
        "failing": failing,
        "checks": report.checks,
    });
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body)).into_response()
}

async fn health_full(State(state): State<TelemetryState>) -> Response {
    let report = state.health.report().await;
    let status = report.status();
    let body = json!({
        "status": status,
        "service": state.info.name,
        "version": state.info.version,
        "state": state.health.lifecycle(),
        "uptime_seconds": state.health.uptime().as_secs_f64(),
        "checks": report.checks,
    });
    let code = if status == OverallStatus::Unhealthy {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (code, Json(body)).into_response()
}
