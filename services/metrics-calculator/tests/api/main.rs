//! metrics-calculator integration tests against real NATS and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod data;
mod helpers;
mod operations;
mod proxy;
mod reference;
mod restart;
