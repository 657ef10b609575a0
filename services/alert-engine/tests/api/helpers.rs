//! Spawning the service in-process with an isolated configuration.

use std::time::Duration;

use alert_engine::{App, Config};
use observability::{CancellationToken, RunOutcome};
use test_support::{TestDatabase, local_common_config};
use tokio::task::JoinHandle;

pub struct TestApp {
    pub metrics_base: String,
    pub shutdown: CancellationToken,
    pub handle: JoinHandle<RunOutcome>,
    // Kept alive for the test's duration; dropped (and deleted) afterwards.
    pub _database: Option<TestDatabase>,
    pub _streams: Option<StreamGuard>,
}

/// Deletes a test namespace's METRICS stream when dropped (also when the test panics): each stream reserves
/// its `max_bytes` of the shared server's JetStream storage, so leftovers would starve later tests.
pub struct StreamGuard {
    nats_url: String,
    namespace: String,
}

impl StreamGuard {
    pub fn new(nats_url: &str, namespace: &str) -> Self {
        Self {
            nats_url: nats_url.to_owned(),
            namespace: namespace.to_owned(),
        }
    }
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let (url, namespace) = (self.nats_url.clone(), self.namespace.clone());
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let Ok(client) = async_nats::connect(&url).await else {
                    return;
                };
                let subjects = market_model::Subjects::new(&namespace).unwrap();
                let js = async_nats::jetstream::new(client);
                let _ = js.delete_stream(subjects.metrics_stream()).await;
            });
        });
        let _ = cleanup.join();
    }
}

/// Starts the service on free ports, against a fresh database and a private NATS namespace. `customise`
/// points dependencies elsewhere (a private server the test stops and restarts).
pub async fn spawn_app(customise: impl FnOnce(&mut platform::CommonConfig)) -> TestApp {
    let mut common = local_common_config();
    let database = TestDatabase::create().await;
    common.database_url = database.url().to_string();
    customise(&mut common);
    let streams = StreamGuard::new(&common.nats_url, &common.nats_namespace);
    let app = App::build(Config::for_tests(common))
        .await
        .expect("service starts");
    let metrics_base = format!("http://{}", app.metrics_addr());
    let shutdown = app.shutdown_token();
    let handle = tokio::spawn(app.run());
    TestApp {
        metrics_base,
        shutdown,
        handle,
        _database: Some(database),
        _streams: Some(streams),
    }
}

impl TestApp {
    pub async fn stop(self) -> RunOutcome {
        self.shutdown.cancel();
        self.handle.await.expect("service task")
    }
}

/// One isolated deployment (database, NATS namespace, Redis prefix) that several engines can join, and that
/// outlives them (restarts).
pub struct TestEnv {
    /// Kept alive for the test's duration; dropped (and deleted) afterwards.
    pub _database: TestDatabase,
    pub pool: sqlx::PgPool,
    pub base: Config,
    pub nats: async_nats::Client,
    pub subjects: market_model::Subjects,
    _streams: StreamGuard,
}

impl TestEnv {
    pub async fn new() -> Self {
        let database = TestDatabase::create().await;
        let mut common = local_common_config();
        common.database_url = database.url().to_string();
        let base = Config::for_tests(common);
        let pool = database.pool().await;
        platform::migrate::run(&pool, platform::migrate::Schema::App)
            .await
            .unwrap();
        let nats = async_nats::connect(&base.common.nats_url).await.unwrap();
        let subjects = market_model::Subjects::new(&base.common.nats_namespace).unwrap();
        Self {
            _streams: StreamGuard::new(&base.common.nats_url, &base.common.nats_namespace),
            _database: database,
            pool,
            base,
            nats,
            subjects,
        }
    }

    /// Starts an engine in this deployment as replica `replica`, and waits until it is ready (its consumer
    /// exists, its rules are loaded).
    pub async fn spawn(&self, replica: &str, customise: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.base.clone();
        config.replica_id = Some(replica.to_owned());
        customise(&mut config);
        let app = App::build(config).await.expect("service starts");
        let metrics_base = format!("http://{}", app.metrics_addr());
        let shutdown = app.shutdown_token();
        let handle = tokio::spawn(app.run());
        test_support::wait_for_status(
            &format!("{metrics_base}/health/ready"),
            200,
            Duration::from_secs(20),
        )
        .await;
        TestApp {
            metrics_base,
            shutdown,
            handle,
            _database: None,
            _streams: None,
        }
    }

    pub fn jetstream(&self) -> async_nats::jetstream::Context {
        async_nats::jetstream::new(self.nats.clone())
    }

    /// Waits until replica `replica` has acknowledged everything in the stream.
    pub async fn wait_drained(&self, replica: &str) {
        let js = self.jetstream();
        let stream = js.get_stream(self.subjects.metrics_stream()).await.unwrap();
        let name = format!("alert-engine-{replica}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let info = stream.consumer_info(&name).await.unwrap();
            if info.num_pending == 0 && info.num_ack_pending == 0 {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{name} not drained: {info:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until no event is pending delivery.
    pub async fn wait_no_pending(&self) {
        let pool = self.pool.clone();
        wait_until(Duration::from_secs(30), || {
            let pool = pool.clone();
            async move {
                let pending: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM alert_events WHERE status = 'pending'",
                )
                .fetch_one(&pool)
                .await
                .unwrap();
                pending == 0
            }
        })
        .await;
    }
}

/// Polls `condition` every 50 ms; panics after `timeout`.
pub async fn wait_until<F, Fut>(timeout: Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
