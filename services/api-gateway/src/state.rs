//! What every handler and WebSocket session shares; cheap to clone.

use std::sync::Arc;

use observability::CancellationToken;
use sqlx::PgPool;

use crate::api::RateLimiter;
use crate::config::{HttpConfig, WsConfig};
use crate::keys::KeyVerifier;
use crate::screener::ScreenerView;
use crate::ws::Hub;

#[derive(Debug, Clone)]
pub struct AppState {
    pub view: Arc<ScreenerView>,
    pub hub: Arc<Hub>,
    pub keys: Arc<KeyVerifier>,
    pub limiter: Arc<RateLimiter>,
    /// Test deliveries, through the alert engine's signing and SSRF guard.
    pub webhooks: alert_engine::WebhookSender,
    /// API keys, alert rules and events.
    pub app_db: PgPool,
    /// Candles and indicator values.
    pub timeseries_db: PgPool,
    pub http: Arc<HttpConfig>,
    pub ws: Arc<WsConfig>,
    pub shutdown: CancellationToken,
}
