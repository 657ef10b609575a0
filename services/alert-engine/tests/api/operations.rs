//! Health, metrics and shutdown behave as operators and Kubernetes expect.

use test_support::{TestDatabase, contract};

test_support::operations_contract! {
    spawn_app: crate::helpers::spawn_app,
    checks: ["nats", "postgres", "redis", "timescaledb"],
    catalog: observability::catalog::alert_engine::catalog,
    dependency: redis, url: redis_url,
}

#[tokio::test]
async fn sigterm_turns_readiness_off_and_exits_zero_within_the_drain_limit() {
    let database = TestDatabase::create().await;
    let namespace = test_support::unique_name("t");
    let _streams =
        crate::helpers::StreamGuard::new(&test_support::local_common_config().nats_url, &namespace);
    let env = [
        ("NATS_NAMESPACE", namespace),
        ("DATABASE_URL", database.url().to_string()),
    ];
    contract::assert_sigterm_drains(env!("CARGO_BIN_EXE_alert-engine"), &env).await;
}

#[test]
fn invalid_configuration_exits_with_code_2_and_names_the_setting() {
    test_support::contract::assert_invalid_config_exits_2(env!("CARGO_BIN_EXE_alert-engine"));
}
