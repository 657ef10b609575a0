//! `GET /alerts/events` (the caller's alert events with delivery status) and `POST /alerts/{id}/test`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::alerts::rule_id;
use super::auth::Authenticated;
use super::{ApiError, params};
use crate::state::AppState;
use crate::store::{EventFilter, EventRow, EventStore, RuleStore};

#[derive(Debug, Deserialize, IntoParams)]
pub struct EventParams {
    /// Only this rule's events (UUID).
    #[param(format = Uuid)]
    rule_id: Option<String>,
    /// Only events triggered at or after this time, ms since the Unix epoch.
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    since: Option<i64>,
    /// 1 to 1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventItem {
    pub id: Uuid,
    pub rule_id: Uuid,
    pub exchange: String,
    pub symbol: String,
    pub interval: String,
    /// ms since the Unix epoch.
    pub bar_open_time: i64,
    pub value: Option<f64>,
    /// What was (or will be) delivered to the webhook.
    #[schema(value_type = Object)]
    pub payload: Value,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    /// ms since the Unix epoch.
    pub triggered_at: i64,
    /// ms since the Unix epoch; null while pending.
    pub finished_at: Option<i64>,
}

impl From<EventRow> for EventItem {
    fn from(r: EventRow) -> Self {
        Self {
            id: r.id,
            rule_id: r.rule_id,
            exchange: r.exchange,
            symbol: r.symbol,
            interval: r.interval,
            bar_open_time: r.bar_open_time.timestamp_millis(),
            value: r.value,
            payload: r.payload,
            status: r.status,
            attempts: r.attempts,
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            triggered_at: r.triggered_at.timestamp_millis(),
            finished_at: r.finished_at.map(|t| t.timestamp_millis()),
        }
    }
}

/// The caller's alert events, newest first.
#[utoipa::path(get, path = "/api/v1/alerts/events", tag = "alerts", params(EventParams), security(("api_key" = [])),
    responses((status = 200, body = EventList), super::openapi::CommonErrors))]
pub async fn list(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    Query(p): Query<EventParams>,
) -> Result<Json<EventList>, ApiError> {
    let limit = params::limit(p.limit, 100, 1000)?;
    let since = params::time_ms(p.since, "since")?;
    let rule = match p.rule_id.as_deref() {
        None | Some("") => None,
        Some(text) => {
            let id: Uuid = text.parse().map_err(|_| {
                ApiError::invalid("invalid_parameter", "rule_id", "rule_id must be a UUID")
            })?;
            RuleStore::new(state.app_db.clone())
                .get(owner, id)
                .await
                .map_err(ApiError::database)?
                .ok_or_else(|| ApiError::not_found(format!("no alert rule {id}")))?;
            Some(id)
        }
    };
    let rows = EventStore::new(state.app_db.clone())
        .list(
            owner,
            EventFilter {
                rule_id: rule,
                since,
                limit,
            },
        )
        .await
        .map_err(ApiError::database)?;
    Ok(Json(EventList {
        items: rows.into_iter().map(EventItem::from).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestAccepted {
    /// The test event; follow its delivery in `GET /alerts/events`.
    pub event_id: Uuid,
    pub status: String,
}

/// Queues a test delivery of the rule's webhook: a pending event with `"test": true` in its payload, signed
/// and sent by the alert engine like a real one.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/test", tag = "alerts", security(("api_key" = [])),
    params(("id" = String, Path, description = "Rule id (UUID)")),
    responses((status = 202, body = TestAccepted), super::openapi::CommonErrors))]
pub async fn test(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<TestAccepted>), ApiError> {
    let id = rule_id(&id)?;
    let rule = RuleStore::new(state.app_db.clone())
        .get(owner, id)
        .await
        .map_err(ApiError::database)?
        .ok_or_else(|| ApiError::not_found(format!("no alert rule {id}")))?;
    let symbol = rule.spec["symbols"]
        .as_array()
        .and_then(|s| s.first())
        .and_then(Value::as_str)
        .filter(|s| *s != "*")
        .unwrap_or("TEST")
        .to_string();
    let interval = rule.spec["interval"].as_str().unwrap_or("1m").to_string();
    let now = chrono::Utc::now().timestamp_millis();
    let payload = json!({
        "test": true,
        "rule_id": id,
        "rule_name": rule.spec["name"],
        "symbol": symbol,
        "interval": interval,
        "message": format!("Test delivery of alert rule {}", rule.spec["name"].as_str().unwrap_or("")),
        "triggered_at": now,
    });
    let event_id = EventStore::new(state.app_db.clone())
        .insert_test(owner, id, &symbol, &interval, &payload)
        .await
        .map_err(ApiError::database)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(TestAccepted {
            event_id,
            status: "pending".into(),
        }),
    ))
}
