//! `GET /alerts/events` (the caller's alert events with delivery status) and `POST /alerts/{id}/test` (a
//! signed test delivery sent at once by the alert engine's webhook code).

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
pub struct TestResult {
    /// The receiver answered 2xx.
    pub delivered: bool,
    /// The receiver's HTTP status, if it answered.
    pub status_code: Option<u16>,
    /// Why it was not delivered (refused address, timeout, connection error, non-2xx).
    pub error: Option<String>,
    /// Whether a real delivery would be retried after this outcome.
    pub retryable: bool,
    pub elapsed_ms: u64,
    /// The signed body that was sent (`"test": true`).
    #[schema(value_type = Object)]
    pub payload: Value,
}

/// Sends one signed test event (`"test": true`) to the rule's webhook now, through the same signature and
/// SSRF guard as real deliveries, and reports the receiver's answer. Nothing is stored or retried.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/test", tag = "alerts", security(("api_key" = [])),
    params(("id" = String, Path, description = "Rule id (UUID)")),
    responses((status = 200, body = TestResult), super::openapi::CommonErrors))]
pub async fn test(
    Authenticated(owner): Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TestResult>, ApiError> {
    let id = rule_id(&id)?;
    let rule = RuleStore::new(state.app_db.clone())
        .get(owner, id)
        .await
        .map_err(ApiError::database)?
        .ok_or_else(|| ApiError::not_found(format!("no alert rule {id}")))?;
    let text = |name: &str| rule.spec[name].as_str().unwrap_or_default().to_string();
    let symbol = rule.spec["symbols"]
        .as_array()
        .and_then(|s| s.first())
        .and_then(Value::as_str)
        .filter(|s| *s != "*")
        .unwrap_or("BTCUSDT")
        .to_string();
    let (name, url, interval) = (text("name"), text("webhook_url"), text("interval"));
    let target = alert_engine::TestTarget {
        rule_id: id,
        rule_name: &name,
        webhook_url: &url,
        secret: &rule.secret,
        condition: rule.spec["condition"].clone(),
        symbol: &symbol,
        interval: &interval,
        now_ms: chrono::Utc::now().timestamp_millis(),
    };
    let outcome = alert_engine::deliver_test(&state.webhooks, target).await;
    Ok(Json(TestResult {
        delivered: outcome.attempt.delivered,
        status_code: outcome.attempt.status,
        error: outcome.attempt.error,
        retryable: outcome.attempt.retryable,
        elapsed_ms: u64::try_from(outcome.attempt.elapsed.as_millis()).unwrap_or(u64::MAX),
        payload: serde_json::to_value(&outcome.payload).unwrap_or_default(),
    }))
}
