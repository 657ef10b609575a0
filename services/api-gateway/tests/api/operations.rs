//! Health, metrics and shutdown behave as operators and Kubernetes expect.

use observability::RunOutcome;
use observability::catalog::api_gateway::catalog;
use test_support::{PrivateServer, TestDatabase, contract};

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_endpoints_answer_with_real_dependencies() {
    let app = spawn_app(|_| {}).await;
    contract::assert_health_endpoints(
        &app.metrics_base,
        &["nats", "postgres", "redis", "timescaledb"],
    )
    .await;
    assert_eq!(app.stop().await, RunOutcome::Clean);
}

#[tokio::test]
async fn metrics_export_the_whole_catalog_from_start_up() {
    let app = spawn_app(|_| {}).await;
    contract::assert_metrics_exposition(&app.metrics_base, &catalog()).await;
    app.stop().await;
}

#[tokio::test]
async fn readiness_fails_while_redis_is_down_and_recovers() {
    let mut server = PrivateServer::redis();
    let url = server.url();
    let app = spawn_app(|common| common.redis_url = url).await;
    let stopped = std::cell::RefCell::new(&mut server);
    contract::assert_readiness_follows_dependency(
        &app.metrics_base,
        "redis",
        || stopped.borrow_mut().stop(),
        || stopped.borrow_mut().restart(),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn service_starts_without_its_dependency_and_reports_not_ready() {
    let mut server = PrivateServer::redis();
    let url = server.url();
    server.stop();
    let app = spawn_app(|common| common.redis_url = url).await;
    contract::assert_starts_not_ready_until_dependency_returns(&app.metrics_base, "redis", || {
        server.restart()
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn sigterm_turns_readiness_off_and_exits_zero_within_the_drain_limit() {
    let database = TestDatabase::create().await;
    let namespace = test_support::unique_name("t");
    let env = [
        ("NATS_NAMESPACE", namespace),
        ("API_PORT", test_support::free_port().to_string()),
        ("DATABASE_URL", database.url().to_string()),
    ];
    contract::assert_sigterm_drains(env!("CARGO_BIN_EXE_api-gateway"), &env).await;
}

#[test]
fn invalid_configuration_exits_with_code_2_and_names_the_setting() {
    test_support::contract::assert_invalid_config_exits_2(env!("CARGO_BIN_EXE_api-gateway"));
}
