//! `GET /api/openapi.json`: the OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi};

use super::schema::ErrorBody;

/// Errors any endpoint may answer with; all share the [`ErrorBody`] envelope.
#[derive(Debug, IntoResponses)]
pub enum CommonErrors {
    /// Bad input: unknown field or symbol format, bad filter syntax, bad interval, out-of-range limit,
    /// malformed JSON, rule validation errors (with `field`).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// Missing, malformed, unknown or revoked API key.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Unknown symbol, or no such rule for this key.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The request body is larger than `MAX_BODY_BYTES`.
    #[response(status = 413)]
    PayloadTooLarge(ErrorBody),
    /// Rate limit exceeded; `Retry-After` says when to retry.
    #[response(status = 429)]
    TooManyRequests(ErrorBody),
    /// A dependency (database) is unavailable, or the request timed out.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `api-gateway create-api-key <name>`."))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "crypto-screener API",
        description = "Screener, market history and alert rules of crypto-screener. Errors are \
                       `{\"error\": {\"code\", \"message\", \"request_id\", ...}}`.",
    ),
    paths(
        super::status::status,
        super::market::symbols,
        super::market::screener,
        super::history::candles,
        super::history::indicators,
        super::alerts::list,
        super::alerts::create,
        super::alerts::get,
        super::alerts::replace,
        super::alerts::patch,
        super::alerts::delete,
        super::events::list,
        super::events::test,
        crate::ws::ws_handler,
        openapi_json,
    ),
    modifiers(&Security),
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json", body = Object)))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
