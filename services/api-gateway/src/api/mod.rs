//! The public HTTP API (`/api/v1`, `/api/openapi.json`, `/ws`), served on `API_PORT`; `/metrics` and health
//! live on the metrics port.

mod alerts;
mod auth;
mod error;
mod events;
mod history;
mod http_metrics;
mod market;
pub mod openapi;
mod params;
mod rate_limit;
mod rule_body;
pub mod schema;
mod status;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::ApiError;
pub use rate_limit::RateLimiter;
pub use schema::ErrorBody;

use crate::config::HttpConfig;
use crate::state::AppState;

/// The API router; tests drive it through a real listener.
pub fn router(state: AppState) -> Router {
    let http = state.http.clone();
    Router::new()
        .route("/api/v1/status", get(status::status))
        .route("/api/v1/symbols", get(market::symbols))
        .route("/api/v1/screener", get(market::screener))
        .route("/api/v1/symbols/{symbol}/candles", get(history::candles))
        .route(
            "/api/v1/symbols/{symbol}/indicators",
            get(history::indicators),
        )
        .route("/api/v1/alerts", get(alerts::list).post(alerts::create))
        .route("/api/v1/alerts/events", get(events::list))
        .route(
            "/api/v1/alerts/{id}",
            get(alerts::get)
                .put(alerts::replace)
                .patch(alerts::patch)
                .delete(alerts::delete),
        )
        .route("/api/v1/alerts/{id}/test", post(events::test))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route("/ws", get(crate::ws::ws_handler))
        .fallback(error::not_found)
        // Innermost first: the key is known before the rate limit picks the bucket.
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(DefaultBodyLimit::max(http.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(http.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            http.request_timeout(),
        ))
        .layer(from_fn(http_metrics::record))
        .layer(from_fn(error::render_errors))
        .layer(observability::request_id_layer())
        .layer(cors(&http))
        .layer(CompressionLayer::new())
        .with_state(state)
}

fn cors(http: &HttpConfig) -> CorsLayer {
    let origins: Vec<&str> = http
        .cors_origins
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .collect();
    let allow = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
        ])
}

/// Routes known at start-up, so their request counters exist (at 0) before the first request.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/status"),
    ("GET", "/api/v1/symbols"),
    ("GET", "/api/v1/screener"),
    ("GET", "/api/v1/symbols/{symbol}/candles"),
    ("GET", "/api/v1/symbols/{symbol}/indicators"),
    ("GET", "/api/v1/alerts"),
    ("POST", "/api/v1/alerts"),
    ("GET", "/api/v1/alerts/events"),
    ("GET", "/api/v1/alerts/{id}"),
    ("PUT", "/api/v1/alerts/{id}"),
    ("PATCH", "/api/v1/alerts/{id}"),
    ("DELETE", "/api/v1/alerts/{id}"),
    ("POST", "/api/v1/alerts/{id}/test"),
    ("GET", "/api/openapi.json"),
    ("GET", "/ws"),
];
