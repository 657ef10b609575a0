//! Helpers for the integration tests of every service: each test gets its own database, NATS namespace and
//! Redis key prefix, servers it needs to stop and restart are private processes on free ports, and nothing
//! binds a fixed port. Real PostgreSQL, NATS and Redis are used; nothing is mocked.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed set-up should fail the test loudly

pub mod contract;
pub mod database;
pub mod probe;
pub mod prometheus;
pub mod servers;

pub use database::TestDatabase;
pub use probe::{get_json, wait_for_status};
pub use servers::{PrivateServer, free_port};

/// A name no other test (or test run) uses: for NATS namespaces, stream names and Redis key prefixes.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// `CommonConfig` pointing at the shared local services, with a private NATS namespace.
pub fn local_common_config() -> platform::CommonConfig {
    let mut common = platform::CommonConfig::local();
    common.nats_url =
        std::env::var("TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    common.redis_url =
        std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    common.nats_namespace = unique_name("t");
    common.shutdown_timeout_secs = 5.0;
    common
}
