//! alert-engine integration tests against real NATS, PostgreSQL and Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod delivery;
mod fixtures;
mod helpers;
mod operations;
mod receiver;
mod redis_outage;
mod replay;
mod replicas;
mod rules;
