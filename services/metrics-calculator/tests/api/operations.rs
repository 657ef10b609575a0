//! Health, metrics and shutdown behave as operators and Kubernetes expect.

use test_support::{PrivateServer, TestDatabase, contract};

test_support::operations_contract! {
    spawn_app: crate::helpers::spawn_app,
    checks: ["nats", "timescaledb", "pipeline"],
    catalog: observability::catalog::metrics_calculator::catalog,
    dependency: nats, url: nats_url,
}

#[tokio::test]
async fn sigterm_turns_readiness_off_and_exits_zero_within_the_drain_limit() {
    let database = TestDatabase::create().await;
    let nats = PrivateServer::nats();
    let namespace = test_support::unique_name("t");
    let env = [
        ("NATS_NAMESPACE", namespace),
        ("NATS_URL", nats.url()),
        ("DATABASE_URL", database.url().to_string()),
    ];
    contract::assert_sigterm_drains(env!("CARGO_BIN_EXE_metrics-calculator"), &env).await;
}

#[test]
fn invalid_configuration_exits_with_code_2_and_names_the_setting() {
    test_support::contract::assert_invalid_config_exits_2(env!("CARGO_BIN_EXE_metrics-calculator"));
}
