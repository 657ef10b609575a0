//! The operational contract every service keeps (health endpoints, metrics exposition, SIGTERM drain),
//! written once and called from each service's tests.

use std::process::Command;
use std::time::{Duration, Instant};

use observability::catalog::Catalog;

use crate::probe::{get_json, wait_for_status};

/// With every dependency up: liveness, readiness (both paths), full health naming `checks`, and `/metrics`.
pub async fn assert_health_endpoints(metrics_base: &str, checks: &[&str]) {
    let ready = wait_for_status(
        &format!("{metrics_base}/health/ready"),
        200,
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(ready["status"], "ready");
    for path in ["/health/live", "/live"] {
        let (status, body) = get_json(&format!("{metrics_base}{path}")).await;
        assert_eq!(
            (status, body["status"].as_str()),
            (200, Some("alive")),
            "{path}"
        );
    }
    let (status, body) = get_json(&format!("{metrics_base}/ready")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
    let (status, health) = get_json(&format!("{metrics_base}/health")).await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["status"], "healthy");
    assert!(health["uptime_seconds"].as_f64().is_some_and(|s| s >= 0.0));
    assert!(health["version"].as_str().is_some_and(|v| !v.is_empty()));
    for check in checks {
        let report = &health["checks"][*check];
        assert_eq!(report["status"], "up", "check {check}: {report}");
        assert!(
            report["latency_ms"].as_f64().is_some(),
            "check {check} has no latency"
        );
        assert!(report["error"].is_null());
    }
    assert_eq!(
        health["checks"].as_object().map(|c| c.len()),
        Some(checks.len()),
        "{health}"
    );
}

/// `/metrics` is Prometheus text with the whole catalog, and passes promtool when it is installed.
pub async fn assert_metrics_exposition(metrics_base: &str, catalog: &Catalog) {
    let response = reqwest::get(format!("{metrics_base}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    crate::prometheus::assert_catalog_exported(&text, catalog);
    let build_info = format!(
        "{}_build_info{{version=\"{}\"}} 1",
        catalog.service.replace('-', "_"),
        env_version()
    );
    assert!(text.contains(&build_info), "missing {build_info}");
    crate::prometheus::promtool_check(&text);
}

fn env_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// A service started while its dependency is down runs and reports not-ready naming `check`, then becomes
/// ready once `start` brings the dependency up.
pub async fn assert_starts_not_ready_until_dependency_returns(
    metrics_base: &str,
    check: &str,
    start: impl FnOnce(),
) {
    let ready_url = format!("{metrics_base}/health/ready");
    let body = wait_for_status(&ready_url, 503, Duration::from_secs(10)).await;
    assert!(
        body["failing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == check),
        "{body}"
    );
    start();
    wait_for_status(&ready_url, 200, Duration::from_secs(10)).await;
}

/// Readiness turns 503 naming `check` while the dependency is down, and 200 again within a few seconds of its
/// return. `stop` and `start` control the dependency.
pub async fn assert_readiness_follows_dependency(
    metrics_base: &str,
    check: &str,
    stop: impl FnOnce(),
    start: impl FnOnce(),
) {
    let ready_url = format!("{metrics_base}/health/ready");
    wait_for_status(&ready_url, 200, Duration::from_secs(30)).await;
    stop();
    let body = wait_for_status(&ready_url, 503, Duration::from_secs(15)).await;
    let failing: Vec<&str> = body["failing"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(failing, vec![check], "{body}");
    assert_eq!(body["checks"][check]["status"], "down");
    assert!(
        body["checks"][check]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
    );
    let (status, health) = get_json(&format!("{metrics_base}/health")).await;
    assert_eq!(
        (status, health["status"].as_str()),
        (503, Some("unhealthy"))
    );
    let (status, _) = get_json(&format!("{metrics_base}/health/live")).await;
    assert_eq!(status, 200, "liveness must not depend on {check}");
    start();
    let returned = Instant::now();
    wait_for_status(&ready_url, 200, Duration::from_secs(10)).await;
    // The contract is "ready within 5 s after the dependency returns"; the 10 s poll above only bounds the wait.
    assert!(
        returned.elapsed() <= Duration::from_secs(6),
        "ready only after {:?}",
        returned.elapsed()
    );
}

/// Starts the service binary, waits until ready, sends SIGTERM and expects readiness to drop and the process
/// to exit 0 within the drain limit. `env` configures the dependencies.
pub async fn assert_sigterm_drains(binary: &str, env: &[(&str, String)]) {
    let metrics_port = crate::free_port();
    let mut command = Command::new(binary);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    command
        .env("METRICS_PORT", metrics_port.to_string())
        .env("SHUTDOWN_TIMEOUT_SECS", "5")
        .env("LOG_FORMAT", "json");
    for (key, value) in env {
        command.env(key, value);
    }
    let log_path = std::env::temp_dir().join(format!("{}.log", crate::unique_name("sigterm")));
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = command
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start the service binary");
    let base = format!("http://127.0.0.1:{metrics_port}");
    wait_for_status(
        &format!("{base}/health/ready"),
        200,
        Duration::from_secs(30),
    )
    .await;
    let sent = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut not_ready_seen = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "still running after the drain limit"
        );
        // Once the signal is handled readiness is 503 and stays so (the port closes when the process is gone).
        match reqwest::get(format!("{base}/health/ready")).await {
            Ok(response) if response.status() == 503 => not_ready_seen = true,
            Ok(response) => assert!(
                !not_ready_seen,
                "ready again after {} while shutting down",
                response.status()
            ),
            Err(_) => not_ready_seen = true,
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();
    let _ = std::fs::remove_file(&log_path);
    let tail: Vec<&str> = output.lines().rev().take(12).collect();
    assert_eq!(
        status.code(),
        Some(0),
        "exit status after SIGTERM; the service logged last:\n{}",
        tail.join("\n")
    );
    assert!(
        output.contains("SIGTERM"),
        "the shutdown is logged:\n{output}"
    );
}

/// An invalid setting stops the binary at once with exit code 2 and a message naming the setting.
pub fn assert_invalid_config_exits_2(binary: &str) {
    let output = Command::new(binary)
        .env_clear()
        .env("DATABASE_URL", "mysql://somewhere/db")
        .env("METRICS_PORT", crate::free_port().to_string())
        .output()
        .expect("run the service binary");
    assert_eq!(
        output.status.code(),
        Some(2),
        "exit status for an invalid DATABASE_URL"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DATABASE_URL") && stderr.contains("postgres://"),
        "unclear message: {stderr}"
    );
    let output = Command::new(binary)
        .env_clear()
        .env("METRICS_PORT", "not-a-port")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("METRICS_PORT"));
}

/// The operations tests every service shares, declared in its `tests/api/operations.rs`: the health endpoints
/// with its real dependency checks, the whole metric catalog from start-up, readiness following one dependency
/// that is stopped and restarted, and a start while that dependency is down. `spawn_app(customise)` starts the
/// service (with `customise` applied to its `CommonConfig`) and returns an app with `metrics_base` and `stop()`.
///
/// ```ignore
/// test_support::operations_contract! {
///     spawn_app: crate::helpers::spawn_app,
///     checks: ["nats", "postgres", "redis", "timescaledb"],
///     catalog: observability::catalog::alert_engine::catalog,
///     dependency: redis, url: redis_url,
/// }
/// ```
#[macro_export]
macro_rules! operations_contract {
    (
        spawn_app: $spawn:path,
        checks: $checks:expr,
        catalog: $catalog:path,
        dependency: $dependency:ident, url: $url:ident $(,)?
    ) => {
        #[tokio::test]
        async fn health_endpoints_answer_with_real_dependencies() {
            let app = $spawn(|_| {}).await;
            $crate::contract::assert_health_endpoints(&app.metrics_base, &$checks).await;
            assert_eq!(app.stop().await, ::observability::RunOutcome::Clean);
        }

        #[tokio::test]
        async fn metrics_export_the_whole_catalog_from_start_up() {
            let app = $spawn(|_| {}).await;
            $crate::contract::assert_metrics_exposition(&app.metrics_base, &$catalog()).await;
            app.stop().await;
        }

        #[tokio::test]
        async fn readiness_fails_while_the_dependency_is_down_and_recovers() {
            let mut server = $crate::PrivateServer::$dependency();
            let url = server.url();
            let app = $spawn(|common| common.$url = url).await;
            let server = std::cell::RefCell::new(&mut server);
            $crate::contract::assert_readiness_follows_dependency(
                &app.metrics_base,
                stringify!($dependency),
                || server.borrow_mut().stop(),
                || server.borrow_mut().restart(),
            )
            .await;
            app.stop().await;
        }

        #[tokio::test]
        async fn service_starts_without_its_dependency_and_reports_not_ready() {
            let mut server = $crate::PrivateServer::$dependency();
            let url = server.url();
            server.stop();
            let app = $spawn(|common| common.$url = url).await;
            $crate::contract::assert_starts_not_ready_until_dependency_returns(
                &app.metrics_base,
                stringify!($dependency),
                || server.restart(),
            )
            .await;
            app.stop().await;
        }
    };
}
