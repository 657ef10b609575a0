//! api-gateway integration tests against real NATS, PostgreSQL and Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod errors;
mod helpers;
mod operations;
mod request_id;
