//! Non-Binance control endpoints under `/sim/` for tests and demos: stats, dropping every WebSocket, and
//! listing, delisting or halting symbols at runtime.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::market::symbols::{SymbolStatus, spec_for_name};
use crate::state::Shared;
use crate::stats::StatsSnapshot;

type Reply = (StatusCode, Json<Value>);

fn reply(status: StatusCode, body: Value) -> Reply {
    (status, Json(body))
}

pub async fn stats(State(shared): State<Arc<Shared>>) -> Json<StatsSnapshot> {
    Json(shared.stats.snapshot())
}

pub async fn drop_connections(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let active = shared.stats.connections_active.load(Ordering::Relaxed);
    shared.drop_all.send_modify(|generation| *generation += 1);
    tracing::info!(active, "dropping every websocket on request");
    Json(json!({"dropped": active}))
}

pub async fn list_symbol(State(shared): State<Arc<Shared>>, Path(symbol): Path<String>) -> Reply {
    if shared.replay.is_some() {
        return reply(
            StatusCode::CONFLICT,
            json!({"error": "symbols cannot be listed in replay mode"}),
        );
    }
    let spec = match spec_for_name(&symbol, shared.config.seed) {
        Ok(spec) => spec,
        Err(e) => return reply(StatusCode::BAD_REQUEST, json!({"error": e.to_string()})),
    };
    let name = spec.name.clone();
    if shared.universe.add(spec) {
        tracing::info!(symbol = %name, "symbol listed");
        reply(
            StatusCode::CREATED,
            json!({"symbol": name, "status": "TRADING"}),
        )
    } else {
        reply(
            StatusCode::CONFLICT,
            json!({"error": format!("{name} is already listed")}),
        )
    }
}

pub async fn delist_symbol(State(shared): State<Arc<Shared>>, Path(symbol): Path<String>) -> Reply {
    let name = symbol.to_ascii_uppercase();
    if shared.universe.remove(&name) {
        tracing::info!(symbol = %name, "symbol delisted");
        reply(StatusCode::OK, json!({"symbol": name, "delisted": true}))
    } else {
        reply(
            StatusCode::NOT_FOUND,
            json!({"error": format!("{name} is not listed")}),
        )
    }
}

pub async fn stall_stream(
    State(shared): State<Arc<Shared>>,
    Path(stream): Path<String>,
) -> Json<Value> {
    shared.stalls.stall(&stream);
    tracing::info!(%stream, "stream stalled until it is subscribed again");
    Json(json!({"stream": stream, "stalled": true}))
}

pub async fn set_status(
    State(shared): State<Arc<Shared>>,
    Path((symbol, status)): Path<(String, String)>,
) -> Reply {
    let name = symbol.to_ascii_uppercase();
    let Some(status) = SymbolStatus::parse(&status.to_ascii_uppercase()) else {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": "status must be TRADING, HALT or BREAK"}),
        );
    };
    if shared.universe.set_status(&name, status) {
        tracing::info!(symbol = %name, status = status.as_str(), "symbol status changed");
        reply(
            StatusCode::OK,
            json!({"symbol": name, "status": status.as_str()}),
        )
    } else {
        reply(
            StatusCode::NOT_FOUND,
            json!({"error": format!("{name} is not listed")}),
        )
    }
}
