//! `GET /api/v1/status`: which service and version answers.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::SERVICE;

#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    pub service: String,
    pub version: String,
}

/// Which service and version answers.
#[utoipa::path(get, path = "/api/v1/status", tag = "meta",
    responses((status = 200, body = Status), super::openapi::CommonErrors))]
pub async fn status() -> Json<Status> {
    Json(Status {
        service: SERVICE.name.into(),
        version: SERVICE.version.into(),
    })
}
