//! WebSocket entry points (`/ws`, `/ws/<streams>`, `/stream?streams=`), with the per-IP connection-rate
//! rule and the streams-per-connection rule checked before the upgrade.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::rest::error::ApiError;
use crate::state::Shared;
use crate::stats::Violation;
use crate::ws::connection;
use crate::ws::names::{self, Resolved};

/// New connections per IP in a sliding window.
#[derive(Debug, Default)]
pub struct ConnectionLimiter {
    recent: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl ConnectionLimiter {
    /// Records an attempt; false when the IP is over its budget (the attempt is then not counted).
    pub fn admit(&self, ip: IpAddr, limit: usize, window: Duration) -> bool {
        let now = Instant::now();
        let mut map = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        let q = map.entry(ip).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= limit {
            return false;
        }
        q.push_back(now);
        true
    }
}

#[derive(Debug, Deserialize)]
pub struct CombinedQuery {
    #[serde(default)]
    streams: String,
}

fn refuse(status: StatusCode, code: i64, msg: String) -> ApiError {
    ApiError { status, code, msg }
}

/// Checks the rules that apply before a socket exists and resolves the requested streams.
fn admit(shared: &Shared, ip: IpAddr, requested: &[&str]) -> Result<Vec<Resolved>, ApiError> {
    let limits = &shared.config.limits;
    if !shared.connections.admit(
        ip,
        limits.max_connections_per_window,
        limits.connection_window,
    ) {
        shared.stats.violation(Violation::ConnectionRate);
        tracing::info!(%ip, "connection refused: too many new connections");
        return Err(refuse(
            StatusCode::TOO_MANY_REQUESTS,
            -1003,
            "Too many new connections; slow down.".into(),
        ));
    }
    if requested.len() > limits.max_streams_per_connection {
        shared.stats.violation(Violation::StreamLimit);
        let max = limits.max_streams_per_connection;
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            -1,
            format!("Too many streams: at most {max} per connection."),
        ));
    }
    let mut resolved: Vec<Resolved> = Vec::with_capacity(requested.len());
    for name in requested {
        match names::resolve(shared, name) {
            Some(r) if !resolved.iter().any(|x| x.name == r.name) => resolved.push(r),
            Some(_) => {}
            None => {
                return Err(refuse(
                    StatusCode::BAD_REQUEST,
                    -1121,
                    format!("Invalid stream name: {name}"),
                ));
            }
        }
    }
    Ok(resolved)
}

fn upgrade(
    shared: Arc<Shared>,
    addr: SocketAddr,
    ws: WebSocketUpgrade,
    requested: &[&str],
    combined: bool,
) -> Response {
    match admit(&shared, addr.ip(), requested) {
        Ok(feeds) => {
            ws.on_upgrade(move |socket| connection::run(shared, socket, feeds, combined, addr))
        }
        Err(refusal) => refusal.into_response(),
    }
}

fn split(streams: &str) -> Vec<&str> {
    streams.split('/').filter(|s| !s.is_empty()).collect()
}

pub async fn raw_bare(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(shared, addr, ws, &[], false)
}

pub async fn raw(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(streams): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(shared, addr, ws, &split(&streams), false)
}

pub async fn combined(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(q): Query<CombinedQuery>,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(shared, addr, ws, &split(&q.streams), true)
}
