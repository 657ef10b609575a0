//! Health, metrics and shutdown behave as operators and Kubernetes expect.

use test_support::contract;

test_support::operations_contract! {
    spawn_app: crate::helpers::spawn_app,
    checks: ["nats", "exchange"],
    catalog: observability::catalog::data_collector::catalog,
    dependency: nats, url: nats_url,
}

#[tokio::test]
async fn sigterm_turns_readiness_off_and_exits_zero_within_the_drain_limit() {
    let sim = crate::helpers::start_sim(&["BTCUSDT"], 1.0, |_| {}).await;
    let namespace = test_support::unique_name("t");
    let _streams = crate::helpers::StreamCleanup {
        nats_url: test_support::local_common_config().nats_url,
        namespace: namespace.clone(),
    };
    let env = [
        ("NATS_NAMESPACE", namespace),
        ("EXCHANGE_WS_URL", sim.ws_url()),
        ("EXCHANGE_REST_URL", sim.rest_url()),
        ("SYMBOLS", "BTCUSDT".to_string()),
        ("INTERVALS", "1m".to_string()),
    ];
    contract::assert_sigterm_drains(env!("CARGO_BIN_EXE_data-collector"), &env).await;
}

#[test]
fn invalid_configuration_exits_with_code_2_and_names_the_setting() {
    test_support::contract::assert_invalid_config_exits_2(env!("CARGO_BIN_EXE_data-collector"));
}
