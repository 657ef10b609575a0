//! Spawning the gateway in-process with an isolated configuration, and talking to it.

use std::time::Duration;

use api_gateway::keys::KeyStore;
use api_gateway::{App, Config};
use market_model::Subjects;
use observability::{CancellationToken, RunOutcome};
use serde_json::Value;
use test_support::{TestDatabase, local_common_config, wait_for_status};
use tokio::task::JoinHandle;

pub struct TestApp {
    pub metrics_base: String,
    pub api_base: String,
    pub api_addr: std::net::SocketAddr,
    pub shutdown: CancellationToken,
    pub handle: JoinHandle<RunOutcome>,
    pub subjects: Subjects,
    pub nats_url: String,
    pub database_url: String,
    pub client: reqwest::Client,
    // Kept alive for the test's duration; dropped (and deleted) afterwards.
    pub _database: Option<TestDatabase>,
}

/// Starts the gateway on free ports, against a fresh database and a private NATS namespace. `customise`
/// points dependencies elsewhere (a private server the test stops and restarts).
pub async fn spawn_app(customise: impl FnOnce(&mut platform::CommonConfig)) -> TestApp {
    spawn_configured(customise, |_| {}, None).await
}

/// Like `spawn_app`, with the whole gateway configuration adjustable and an optional prepared database.
pub async fn spawn_configured(
    customise: impl FnOnce(&mut platform::CommonConfig),
    configure: impl FnOnce(&mut Config),
    database: Option<TestDatabase>,
) -> TestApp {
    let mut common = local_common_config();
    let database = match database {
        Some(database) => database,
        None => TestDatabase::create().await,
    };
    common.database_url = database.url().to_string();
    customise(&mut common);
    let subjects = Subjects::new(&common.nats_namespace).unwrap();
    let nats_url = common.nats_url.clone();
    let mut config = Config::for_tests(common);
    configure(&mut config);
    let app = App::build(config).await.expect("service starts");
    let metrics_base = format!("http://{}", app.metrics_addr());
    let api_base = format!("http://{}", app.api_addr());
    let shutdown = app.shutdown_token();
    let api_addr = app.api_addr();
    let handle = tokio::spawn(app.run());
    TestApp {
        metrics_base,
        api_base,
        api_addr,
        shutdown,
        handle,
        subjects,
        nats_url,
        database_url: database.url().to_string(),
        client: reqwest::Client::new(),
        _database: Some(database),
    }
}

/// A started gateway that is ready (migrated, subscribed, screener filled).
pub async fn ready_app() -> TestApp {
    let app = spawn_app(|_| {}).await;
    app.wait_ready().await;
    app
}

impl TestApp {
    pub async fn stop(self) -> RunOutcome {
        self.shutdown.cancel();
        self.handle.await.expect("service task")
    }

    pub async fn wait_ready(&self) {
        wait_for_status(
            &format!("{}/health/ready", self.metrics_base),
            200,
            Duration::from_secs(20),
        )
        .await;
    }

    pub async fn pool(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&self.database_url).await.unwrap()
    }

    pub async fn nats(&self) -> async_nats::Client {
        async_nats::connect(&self.nats_url).await.unwrap()
    }

    /// A new API key (as `create-api-key` makes it).
    pub async fn api_key(&self, name: &str) -> String {
        self.api_key_with_id(name).await.1
    }

    pub async fn api_key_with_id(&self, name: &str) -> (uuid::Uuid, String) {
        KeyStore::new(self.pool().await).create(name).await.unwrap()
    }

    /// One sample of a metric from `/metrics` (0 when absent).
    pub async fn metric(&self, series: &str) -> f64 {
        let text = self
            .client
            .get(format!("{}/metrics", self.metrics_base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|line| {
                line.strip_prefix(series)
                    .and_then(|rest| rest.trim().parse().ok())
            })
            .unwrap_or(0.0)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_base)
    }

    /// GET with an optional key; returns the status and the JSON body.
    pub async fn get(&self, path: &str, key: Option<&str>) -> (u16, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A request with a JSON body and a key.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        key: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, self.url(path)).bearer_auth(key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Polls until `check` accepts the JSON at `path`.
    pub async fn wait_for(&self, path: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let (status, body) = self.get(path, None).await;
            if status == 200 && check(&body) {
                return body;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{path} never matched; last: {body}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
