//! API errors as JSON: `{"error": {"code", "message", "request_id", ...}}`, for the gateway's own errors and for
//! framework rejections (bad JSON, oversized body, unknown route) alike.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use observability::RequestId;

/// An error a handler returns: the caller's fault (4xx, not logged as an error) or ours (5xx, logged once with
/// its cause by `render_errors`).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// More members of the `error` object (`field`, `kind`, `details` for validation errors).
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    /// A 400 naming the query parameter or body field that is wrong.
    pub fn invalid(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        let mut error = Self::new(StatusCode::BAD_REQUEST, code, message);
        error.extra.insert("field".into(), Value::from(field));
        error
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "invalid or revoked API key",
        )
    }

    pub fn key_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this endpoint needs an API key: send Authorization: Bearer <key>",
        )
    }

    /// A database failure: our fault; the cause is logged, the client sees no internals.
    pub fn database(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database query failed");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the database is unavailable; retry later",
        )
    }

    /// The alert-rules validation body (`code`, `kind`, `message`, `field`, `details`) in our envelope.
    pub fn validation(errors: &alert_rules::ValidationErrors) -> Self {
        let body = errors.to_api_body();
        let mut error = Self::new(
            StatusCode::BAD_REQUEST,
            "validation_error",
            errors.first().message.clone(),
        );
        if let Some(Value::Object(members)) = body.get("error") {
            for (name, value) in members {
                if name != "code" && name != "message" {
                    error.extra.insert(name.clone(), value.clone());
                }
            }
        }
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The body is written by `render_errors`, which knows the request id.
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

pub async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route for {} {}", request.method(), request.uri().path()),
    )
}

/// Gives every error response the JSON shape, with the request id.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = match response.extensions().get::<ApiError>() {
        Some(error) => error.clone(),
        None if is_json(&response) => return response,
        None => {
            let code = default_code(status);
            let message = status.canonical_reason().unwrap_or("error").to_string();
            let (parts, body) = response.into_parts();
            let detail = axum::body::to_bytes(body, 4096)
                .await
                .ok()
                .and_then(|b| String::from_utf8(b.to_vec()).ok());
            let message = detail.filter(|d| !d.trim().is_empty()).unwrap_or(message);
            let error = ApiError::new(parts.status, code, message);
            return error_response(&error, &request_id, parts.headers);
        }
    };
    if status.is_server_error() {
        tracing::error!(code = error.code, message = %error.message, "request failed");
    }
    let (parts, _) = response.into_parts();
    error_response(&error, &request_id, parts.headers)
}

fn error_response(
    error: &ApiError,
    request_id: &str,
    mut headers: axum::http::HeaderMap,
) -> Response {
    let mut members = error.extra.clone();
    members.insert("code".into(), Value::from(error.code));
    members.insert("message".into(), Value::from(error.message.as_str()));
    members.insert("request_id".into(), Value::from(request_id));
    let body = json!({ "error": members });
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::CONTENT_ENCODING);
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    let mut response = (error.status, axum::Json(body)).into_response();
    response.headers_mut().extend(headers);
    response
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn default_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_client_error() => "bad_request",
        _ => "internal_error",
    }
}
