//! metrics-calculator integration tests against real NATS and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod data;
mod helpers;
mod live;
mod operations;
mod outage;
mod poison;
mod proxy;
mod reference;
mod replicas;
mod restart;
mod storage;
