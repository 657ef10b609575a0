//! `GET /api/v1/status`: which service and version answers.

use axum::Json;
use serde_json::{Value, json};

use crate::SERVICE;

pub async fn status() -> Json<Value> {
    Json(json!({"service": SERVICE.name, "version": SERVICE.version}))
}
