//! `X-Request-ID` for HTTP: taken from the caller when sane, created otherwise, recorded in the request span
//! (so every log line of the request carries it) and returned in the response.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request id of the current request, available to handlers as an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// A caller's id is kept if it is 1 to 128 visible ASCII characters; anything else is replaced so log
    /// lines and headers stay clean.
    pub fn from_header(value: Option<&HeaderValue>) -> Self {
        value
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
            .map_or_else(Self::generate, |v| Self(v.to_string()))
    }

    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }
}

/// The layer every router of the product uses (API and metrics port).
pub fn request_id_layer() -> middleware::FromFnLayer<RequestIdFn, (), (Request,)> {
    let handler: RequestIdFn = |req, next| Box::pin(with_request_id(req, next));
    middleware::from_fn(handler)
}

/// The middleware function's type, nameable so routers can store the layer.
pub type RequestIdFn = fn(Request, Next) -> futures::future::BoxFuture<'static, Response>;

async fn with_request_id(mut req: Request, next: Next) -> Response {
    let id = RequestId::from_header(req.headers().get(REQUEST_ID_HEADER));
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let span = tracing::info_span!("http_request", request_id = %id.0, method = %req.method(), route = %route);
    req.extensions_mut().insert(id.clone());
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request completed"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
