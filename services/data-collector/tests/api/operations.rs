//! Health, metrics and shutdown behave as operators and Kubernetes expect.

use observability::RunOutcome;
use observability::catalog::data_collector::catalog;
use test_support::{PrivateServer, contract};

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_endpoints_answer_with_real_dependencies() {
    let app = spawn_app(|_| {}).await;
    contract::assert_health_endpoints(&app.metrics_base, &["nats", "exchange"]).await;
    assert_eq!(app.stop().await, RunOutcome::Clean);
}

#[tokio::test]
async fn metrics_export_the_whole_catalog_from_start_up() {
    let app = spawn_app(|_| {}).await;
    contract::assert_metrics_exposition(&app.metrics_base, &catalog()).await;
    app.stop().await;
}

#[tokio::test]
async fn readiness_fails_while_nats_is_down_and_recovers() {
    let mut server = PrivateServer::nats();
    let url = server.url();
    let app = spawn_app(|common| common.nats_url = url).await;
    let stopped = std::cell::RefCell::new(&mut server);
    contract::assert_readiness_follows_dependency(
        &app.metrics_base,
        "nats",
        || stopped.borrow_mut().stop(),
        || stopped.borrow_mut().restart(),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn service_starts_without_its_dependency_and_reports_not_ready() {
    let mut server = PrivateServer::nats();
    let url = server.url();
    server.stop();
    let app = spawn_app(|common| common.nats_url = url).await;
    contract::assert_starts_not_ready_until_dependency_returns(&app.metrics_base, "nats", || {
        server.restart()
    })
    .await;
    app.stop().await;
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
