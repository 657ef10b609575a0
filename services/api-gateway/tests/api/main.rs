//! api-gateway integration tests against real NATS, PostgreSQL and Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod alerts;
mod errors;
mod events;
mod fixtures;
mod helpers;
mod history;
mod operations;
mod request_id;
mod screener;
