//! `GET /ws`: upgrades after checking an optional `?token=` (a bad token is a 401 before the upgrade).

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::api::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct WsParams {
    /// An API key, for the `alerts` channel (or market data when the gateway requires keys); it can also be
    /// sent later in an `auth` message.
    token: Option<String>,
}

/// Opens a WebSocket (JSON text frames; protocol in docs/api-gateway.md).
#[utoipa::path(
    get, path = "/ws", tag = "websocket",
    params(WsParams),
    responses(
        (status = 101, description = "Switching protocols to a WebSocket."),
        (status = 400, description = "Not a WebSocket upgrade request.", body = crate::api::ErrorBody),
        (status = 401, description = "The token is not a valid API key.", body = crate::api::ErrorBody),
        (status = 426, description = "The connection cannot be upgraded.", body = crate::api::ErrorBody),
        (status = 429, description = "Rate limited.", body = crate::api::ErrorBody),
    )
)]
pub async fn ws_handler(
    State(state): State<AppState>,
    Query(params): Query<WsParams>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let key = match params.token.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => Some(
            state
                .keys
                .verify(token)
                .await
                .map_err(ApiError::database)?
                .ok_or_else(ApiError::bad_key)?,
        ),
    };
    // Small buffers: pushes are a few KiB and tungstenite's 128 KiB default read buffer per connection would
    // dominate memory at thousands of clients.
    Ok(upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(16 * 1024)
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| super::session::run(socket, state, key)))
}
