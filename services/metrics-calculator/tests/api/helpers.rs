//! Spawning the service (in-process or as a child process) with an isolated configuration, and waiting for
//! conditions instead of sleeping.

use std::future::Future;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use metrics_calculator::{App, Config};
use observability::{CancellationToken, RunOutcome};
use platform::CommonConfig;
use test_support::{PrivateServer, TestDatabase, free_port, local_common_config};
use tokio::task::JoinHandle;

pub struct TestApp {
    pub metrics_base: String,
    pub shutdown: CancellationToken,
    pub handle: JoinHandle<RunOutcome>,
    // Kept alive for the test's duration; dropped (and deleted) afterwards.
    pub _database: Option<TestDatabase>,
    pub _nats: Option<PrivateServer>,
}

/// Starts the service on free ports, against a fresh database and a private NATS server (JetStream reserves
/// the CANDLES and METRICS streams' 2 GiB and 1 GiB caps up front; many tests at once would exhaust a shared server).
/// `customise` points dependencies elsewhere (a private server the test stops and restarts).
pub async fn spawn_app(customise: impl FnOnce(&mut platform::CommonConfig)) -> TestApp {
    let nats = PrivateServer::nats();
    let mut common = local_common_config();
    common.nats_url = nats.url();
    let database = TestDatabase::create().await;
    common.database_url = database.url().to_string();
    customise(&mut common);
    let mut app = start(Config::for_tests(common)).await;
    app._database = Some(database);
    app._nats = Some(nats);
    app
}

/// A private NATS server, a fresh database and a test configuration pointing at both.
pub async fn isolated() -> (PrivateServer, TestDatabase, Config) {
    let nats = PrivateServer::nats();
    let database = TestDatabase::create().await;
    let mut common = local_common_config();
    common.nats_url = nats.url();
    common.database_url = database.url().to_string();
    (nats, database, Config::for_tests(common))
}

/// Starts the service with a complete configuration (the caller owns the database).
pub async fn start(config: Config) -> TestApp {
    let app = App::build(config).await.expect("service starts");
    let metrics_base = format!("http://{}", app.metrics_addr());
    let shutdown = app.shutdown_token();
    let handle = tokio::spawn(app.run());
    TestApp {
        metrics_base,
        shutdown,
        handle,
        _database: None,
        _nats: None,
    }
}

impl TestApp {
    pub async fn stop(self) -> RunOutcome {
        self.shutdown.cancel();
        self.handle.await.expect("service task")
    }
}

/// The service binary as a child process (a real process a test can SIGKILL), with test timers.
pub struct ChildApp {
    pub child: Child,
    pub metrics_base: String,
}

impl ChildApp {
    pub fn spawn(common: &CommonConfig, replica: &str, extra: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_metrics-calculator"));
        command
            .env_clear()
            .env("NATS_URL", &common.nats_url)
            .env("DATABASE_URL", &common.database_url)
            .env("NATS_NAMESPACE", &common.nats_namespace)
            .env("METRICS_PORT", port.to_string())
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .env("CALC_REPLICA_ID", replica)
            .env("CALC_LEASE_TTL_SECS", "2")
            .env("CALC_ACK_WAIT_SECS", "2")
            .env("CALC_FLUSH_INTERVAL_MS", "50")
            .env("SHUTDOWN_TIMEOUT_SECS", "5");
        for (key, value) in extra {
            command.env(key, value);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the service binary");
        Self {
            child,
            metrics_base: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ChildApp {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls `probe` until it returns `Some`, failing the test after `timeout`.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The value of one exposition line (`name{labels} value`), if present.
pub async fn scrape(metrics_base: &str, series: &str) -> Option<f64> {
    let text = reqwest::get(format!("{metrics_base}/metrics"))
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

/// Waits until the METRICS stream holds `expected` snapshots (they are published while the rows are stored, so
/// the last ones can land just after the rows), then checks it holds exactly that many.
pub async fn wait_for_snapshots(
    js: &async_nats::jetstream::Context,
    subjects: &market_model::Subjects,
    expected: u64,
) -> async_nats::jetstream::stream::Stream {
    let mut stream = js.get_stream(subjects.metrics_stream()).await.unwrap();
    wait_until("every snapshot published", Duration::from_secs(30), || {
        let mut probe = stream.clone();
        async move { (probe.info().await.ok()?.state.messages >= expected).then_some(()) }
    })
    .await;
    assert_eq!(
        stream.info().await.unwrap().state.messages,
        expected,
        "one snapshot per candle"
    );
    stream
}
