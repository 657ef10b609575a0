//! HTTP metrics labelled by route template (axum's `MatchedPath`), method and status; never the raw path.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use observability::catalog::api_gateway::{HTTP_DURATION, HTTP_REQUESTS};

pub async fn record(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    HTTP_REQUESTS
        .counter_with(&[("method", &method), ("route", &route), ("status", &status)])
        .increment(1);
    HTTP_DURATION
        .histogram_with(&[("method", &method), ("route", &route)])
        .record(started.elapsed().as_secs_f64());
    response
}
