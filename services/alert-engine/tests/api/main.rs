//! alert-engine integration tests against real NATS, PostgreSQL and Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod operations;
