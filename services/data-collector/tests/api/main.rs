//! data-collector integration tests against the in-process exchange simulator and real NATS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod completeness;
mod helpers;
mod nats_outage;
mod operations;
mod quiet;
mod rate_limit;
mod rotation;
mod sharding;
mod store;
mod universe;
