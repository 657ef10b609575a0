//! The public HTTP API (`/api/v1`), served on `API_PORT`; `/metrics` and health live on the metrics port.

mod error;
mod http_metrics;
mod status;

use axum::Router;
use axum::routing::get;

pub use error::ApiError;

/// The API router; tests drive it through a real listener.
pub fn router() -> Router {
    Router::new()
        .route("/api/v1/status", get(status::status))
        .fallback(error::not_found)
        // Outermost first: the request id exists before errors are rendered and metrics are recorded.
        .layer(axum::middleware::from_fn(http_metrics::record))
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(observability::request_id_layer())
}

/// Routes known at start-up, so their request counters exist (at 0) before the first request.
pub const ROUTES: &[(&str, &str)] = &[("GET", "/api/v1/status")];
