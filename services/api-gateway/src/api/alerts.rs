//! Alert rule management: `GET/POST /alerts`, `GET/PUT/PATCH/DELETE /alerts/{id}`. Every query is scoped by
//! the caller's key, so another key's rule is indistinguishable from a missing one (404).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::Authenticated;
use super::rule_body::{merge_patch, parse_object, validate};
use super::{ApiError, params};
use crate::keys::generate_webhook_secret;
use crate::state::AppState;
use crate::store::{RuleRow, RuleStore};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// 1 to 1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Rules to skip, default 0.
    #[param(minimum = 0)]
    offset: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleList {
    #[schema(value_type = Vec<super::schema::RuleOutput>)]
    pub items: Vec<Value>,
    pub limit: i64,
    pub offset: i64,
}

/// The rule JSON with the stored metadata next to it.
pub fn render(row: &RuleRow, with_secret: bool) -> Value {
    let mut object = match &row.spec {
        Value::Object(spec) => spec.clone(),
        _ => Map::new(),
    };
    object.insert("id".into(), Value::from(row.id.to_string()));
    object.insert("enabled".into(), Value::from(row.enabled));
    object.insert("revision".into(), Value::from(row.revision));
    object.insert(
        "created_at".into(),
        Value::from(row.created_at.timestamp_millis()),
    );
    object.insert(
        "updated_at".into(),
        Value::from(row.updated_at.timestamp_millis()),
    );
    if with_secret {
        object.insert("secret".into(), Value::from(row.secret.as_str()));
    }
    Value::Object(object)
}

pub fn rule_id(text: &str) -> Result<Uuid, ApiError> {
    text.parse().map_err(|_| {
        ApiError::not_found(format!(
            "no alert rule {}",
            text.chars().take(64).collect::<String>()
        ))
    })
}

fn missing(id: Uuid) -> ApiError {
    ApiError::not_found(format!("no alert rule {id}"))
}

/// The caller's alert rules, oldest first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(ListParams), security(("api_key" = [])),
    responses((status = 200, body = RuleList), super::openapi::CommonErrors))]
pub async fn list(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<RuleList>, ApiError> {
    let limit = params::limit(p.limit, 100, 1000)?;
    let offset = params::offset(p.offset)?;
    let rows = RuleStore::new(state.app_db.clone())
        .list(owner, limit, offset)
        .await
        .map_err(ApiError::database)?;
    let items = rows.iter().map(|r| render(r, false)).collect();
    Ok(Json(RuleList {
        items,
        limit,
        offset,
    }))
}

/// Creates a rule. The reply carries `secret`, the rule's webhook signing key, this once only.
#[utoipa::path(post, path = "/api/v1/alerts", tag = "alerts", security(("api_key" = [])),
    request_body = super::schema::RuleInput,
    responses((status = 201, body = super::schema::RuleOutput), super::openapi::CommonErrors))]
pub async fn create(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let rule = validate(parse_object(&body)?, true)?;
    let row = RuleStore::new(state.app_db.clone())
        .insert(
            owner,
            &rule.spec.name,
            &rule.spec_json,
            &generate_webhook_secret(),
            rule.enabled,
        )
        .await
        .map_err(ApiError::database)?;
    Ok((StatusCode::CREATED, Json(render(&row, true))))
}

/// One of the caller's rules.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts", security(("api_key" = [])),
    params(("id" = String, Path, description = "Rule id (UUID)")),
    responses((status = 200, body = super::schema::RuleOutput), super::openapi::CommonErrors))]
pub async fn get(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = rule_id(&id)?;
    let row = RuleStore::new(state.app_db.clone())
        .get(owner, id)
        .await
        .map_err(ApiError::database)?
        .ok_or_else(|| missing(id))?;
    Ok(Json(render(&row, false)))
}

/// Replaces a rule (the whole rule JSON; `enabled` defaults to true).
#[utoipa::path(put, path = "/api/v1/alerts/{id}", tag = "alerts", security(("api_key" = [])),
    params(("id" = String, Path, description = "Rule id (UUID)")),
    request_body = super::schema::RuleInput,
    responses((status = 200, body = super::schema::RuleOutput), super::openapi::CommonErrors))]
pub async fn replace(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let id = rule_id(&id)?;
    let rule = validate(parse_object(&body)?, true)?;
    let row = RuleStore::new(state.app_db.clone())
        .update(owner, id, &rule.spec.name, &rule.spec_json, rule.enabled)
        .await
        .map_err(ApiError::database)?
        .ok_or_else(|| missing(id))?;
    Ok(Json(render(&row, false)))
}

/// Changes part of a rule: a JSON merge patch (RFC 7386) over the rule JSON and `enabled`; the result is
/// validated as a whole.
#[utoipa::path(patch, path = "/api/v1/alerts/{id}", tag = "alerts", security(("api_key" = [])),
    params(("id" = String, Path, description = "Rule id (UUID)")),
    request_body(content = Object, content_type = "application/json",
                 description = "JSON merge patch, e.g. {\"enabled\": false}"),
    responses((status = 200, body = super::schema::RuleOutput), super::openapi::CommonErrors))]
pub async fn patch(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let id = rule_id(&id)?;
    let patch = parse_object(&body)?;
    let store = RuleStore::new(state.app_db.clone());
    let current = store
        .get(owner, id)
        .await
        .map_err(ApiError::database)?
        .ok_or_else(|| missing(id))?;
    let mut document = current.spec.clone();
    if let Value::Object(object) = &mut document {
        object.insert("enabled".into(), Value::from(current.enabled));
    }
    merge_patch(&mut document, Value::Object(patch));
    let Value::Object(merged) = document else {
        return Err(missing(id));
    };
    let rule = validate(merged, current.enabled)?;
    let row = store
        .update(owner, id, &rule.spec.name, &rule.spec_json, rule.enabled)
        .await
        .map_err(ApiError::database)?
        .ok_or_else(|| missing(id))?;
    Ok(Json(render(&row, false)))
}

/// Deletes a rule and its events.
#[utoipa::path(delete, path = "/api/v1/alerts/{id}", tag = "alerts", security(("api_key" = [])),
    params(("id" = String, Path, description = "Rule id (UUID)")),
    responses((status = 204, description = "Deleted."), super::openapi::CommonErrors))]
pub async fn delete(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = rule_id(&id)?;
    let deleted = RuleStore::new(state.app_db.clone())
        .delete(owner, id)
        .await
        .map_err(ApiError::database)?;
    if deleted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(missing(id))
    }
}
