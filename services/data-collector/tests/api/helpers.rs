//! Spawning the collector in-process against an in-process exchange simulator and an isolated NATS
//! namespace, and reading back what it stored.

use std::time::{Duration, Instant};

use async_nats::jetstream;
use data_collector::{App, Config, IntervalList, SymbolList};
use exchange_sim::{ClockSpeed, RunningSim, SimConfig, Simulator};
use market_model::{Interval, Subjects};
use observability::{CancellationToken, RunOutcome};
use test_support::local_common_config;
use tokio::task::JoinHandle;

/// Metrics live in one process-wide recorder, so two collectors in this test binary would add to the same
/// series: tests that run a collector hold this lock, and compare counters against the value at start.
static ONE_COLLECTOR_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub struct TestApp {
    pub metrics_base: String,
    baseline: String,
    _exclusive: tokio::sync::MutexGuard<'static, ()>,
    pub shutdown: CancellationToken,
    pub handle: JoinHandle<RunOutcome>,
    /// The simulator `spawn_app` started; tests that bring their own keep it themselves.
    pub sim: Option<RunningSim>,
    streams: Option<StreamCleanup>,
}

/// Deletes the namespace's CANDLES stream when the test ends (pass or fail): every stream reserves its
/// `max_bytes` of the shared server's JetStream storage, so leftovers would starve other tests.
pub struct StreamCleanup {
    pub nats_url: String,
    pub namespace: String,
}

impl Drop for StreamCleanup {
    fn drop(&mut self) {
        let (url, namespace) = (self.nats_url.clone(), self.namespace.clone());
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let delete = async {
                    let client = async_nats::connect(url).await.ok()?;
                    let stream = Subjects::new(&namespace).ok()?.candles_stream();
                    jetstream::new(client).delete_stream(stream).await.ok()
                };
                let _ = tokio::time::timeout(Duration::from_secs(3), delete).await;
            });
        });
        let _ = cleanup.join();
    }
}

/// A simulator on a free port: real-time-ish clock (x`speed`), fast updates, the given symbols.
pub async fn start_sim(
    symbols: &[&str],
    speed: f64,
    customise: impl FnOnce(&mut SimConfig),
) -> RunningSim {
    let mut config = SimConfig {
        port: 0,
        symbol_list: Some(symbols.iter().map(|s| s.to_string()).collect()),
        update_interval: Duration::from_millis(100),
        clock_speed: ClockSpeed::Factor(speed),
        ..SimConfig::default()
    };
    customise(&mut config);
    Simulator::start(config).await.expect("simulator starts")
}

/// Collector config pointing at `sim`, collecting `symbols` on 1m.
pub fn collector_config(
    common: platform::CommonConfig,
    sim: &RunningSim,
    symbols: &[&str],
) -> Config {
    let mut config = Config::for_tests(common);
    config.exchange_ws_url = Some(sim.ws_url());
    config.exchange_rest_url = Some(sim.rest_url());
    config.symbols = SymbolList(symbols.iter().map(|s| s.to_string()).collect());
    config.intervals = IntervalList(vec![Interval::Min1]);
    config
}

pub async fn spawn_collector(config: Config) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = observability::init_logging(
            "data-collector",
            "test",
            Some(observability::LogFormat::Pretty),
        );
    }
    let exclusive = ONE_COLLECTOR_AT_A_TIME.lock().await;
    let streams = StreamCleanup {
        nats_url: config.common.nats_url.clone(),
        namespace: config.common.nats_namespace.clone(),
    };
    let app = App::build(config).await.expect("service starts");
    let metrics_base = format!("http://{}", app.metrics_addr());
    let shutdown = app.shutdown_token();
    let handle = tokio::spawn(app.run());
    let baseline = scrape(&metrics_base).await;
    TestApp {
        baseline,
        _exclusive: exclusive,
        metrics_base,
        shutdown,
        handle,
        sim: None,
        streams: Some(streams),
    }
}

/// Starts the service on free ports, against its own simulator and a private NATS namespace. `customise`
/// points dependencies elsewhere (a private server the test stops and restarts).
pub async fn spawn_app(customise: impl FnOnce(&mut platform::CommonConfig)) -> TestApp {
    let sim = start_sim(&["BTCUSDT", "ETHUSDT"], 1.0, |_| {}).await;
    let mut common = local_common_config();
    customise(&mut common);
    let mut app = spawn_collector(collector_config(common, &sim, &["BTCUSDT", "ETHUSDT"])).await;
    app.sim = Some(sim);
    app
}

impl TestApp {
    pub async fn stop(self) -> RunOutcome {
        self.shutdown.cancel();
        self.handle.await.expect("service task")
    }

    /// Stops the collector but keeps its stream for a successor; the returned guard deletes it later.
    pub async fn stop_keeping_stream(mut self) -> StreamCleanup {
        let streams = self.streams.take().expect("stream guard");
        self.stop().await;
        streams
    }

    /// A gauge's value in `/metrics` (0 when absent), e.g. `data_collector_websocket_connections`.
    pub async fn gauge(&self, series: &str) -> f64 {
        value(&scrape(&self.metrics_base).await, series)
    }

    /// How much a counter grew since this collector started; without labels, the sum over all series.
    pub async fn counted(&self, series: &str) -> f64 {
        value(&scrape(&self.metrics_base).await, series) - value(&self.baseline, series)
    }
}

async fn scrape(base: &str) -> String {
    reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .filter(|l| {
            l.strip_prefix(series).is_some_and(|rest| {
                rest.starts_with(' ') || (!series.contains('{') && rest.starts_with('{'))
            })
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Waits until `condition` holds, polling; panics after `timeout`.
pub async fn wait_until<F, Fut>(what: &str, timeout: Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
