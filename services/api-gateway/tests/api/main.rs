//! api-gateway integration tests against real NATS, PostgreSQL and Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod alerts;
mod cli;
mod errors;
mod events;
mod fixtures;
mod helpers;
mod history;
mod limits;
mod openapi;
mod operations;
mod request_id;
mod screener;
mod slow_client;
mod websocket;
mod ws_client;
