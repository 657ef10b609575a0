//! Spawning the gateway in-process with an isolated configuration.

use api_gateway::{App, Config};
use observability::{CancellationToken, RunOutcome};
use test_support::{TestDatabase, local_common_config};
use tokio::task::JoinHandle;

pub struct TestApp {
    pub metrics_base: String,
    pub api_base: String,
    pub shutdown: CancellationToken,
    pub handle: JoinHandle<RunOutcome>,
    // Kept alive for the test's duration; dropped (and deleted) afterwards.
    pub _database: Option<TestDatabase>,
}

/// Starts the gateway on free ports, against a fresh database and a private NATS namespace. `customise`
/// points dependencies elsewhere (a private server the test stops and restarts).
pub async fn spawn_app(customise: impl FnOnce(&mut platform::CommonConfig)) -> TestApp {
    let mut common = local_common_config();
    let database = TestDatabase::create().await;
    common.database_url = database.url().to_string();
    customise(&mut common);
    let app = App::build(Config::for_tests(common))
        .await
        .expect("service starts");
    let metrics_base = format!("http://{}", app.metrics_addr());
    let api_base = format!("http://{}", app.api_addr());
    let shutdown = app.shutdown_token();
    let handle = tokio::spawn(app.run());
    TestApp {
        metrics_base,
        api_base,
        shutdown,
        handle,
        _database: Some(database),
    }
}

impl TestApp {
    pub async fn stop(self) -> RunOutcome {
        self.shutdown.cancel();
        self.handle.await.expect("service task")
    }
}
