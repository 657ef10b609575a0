//! Load benchmark of the whole engine: N rules over M symbols, closed snapshots published to JetStream at a
//! fixed rate, webhooks received by a local axum server. Reports the engine process's CPU use and the
//! snapshot-to-webhook latency percentiles. Needs the local NATS, PostgreSQL and Redis.
//!
//! Rule mix (per symbol, cycling): crossings of RSI below low thresholds, prices far above the walk, composite
//! `all` conditions, large percentage moves - all of which stay quiet on the random walk - plus one `close > 0`
//! rule on every 20th symbol, which fires on each of that symbol's bars and drives the webhook traffic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod measure;
mod seed;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use market_model::{ExchangeId, Interval, MetricSnapshot, Subjects, Symbol};

use measure::{Latencies, cpu_seconds, percentile, receive};
use seed::seed;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let rules = env_or("ALERT_BENCH_RULES", 100_000) as usize;
    let symbol_count = env_or("ALERT_BENCH_SYMBOLS", 2_000) as usize;
    let rate = env_or("ALERT_BENCH_RATE", 5_000);
    let seconds = env_or("ALERT_BENCH_SECS", 20);
    let symbols: Vec<String> = (0..symbol_count).map(|i| format!("S{i:05}USDT")).collect();

    let latencies: Latencies = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(latencies.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let database = test_support::TestDatabase::create().await;
    let pool = database.pool().await;
    let firing = seed(&pool, rules, &symbols, &url).await;
    let common = test_support::local_common_config();
    let namespace = common.nats_namespace.clone();
    let metrics_port = test_support::free_port();
    let started = Instant::now();
    let mut engine = std::process::Command::new(env!("CARGO_BIN_EXE_alert-engine"))
        .env("DATABASE_URL", database.url())
        .env("NATS_URL", &common.nats_url)
        .env("REDIS_URL", &common.redis_url)
        .env("NATS_NAMESPACE", &namespace)
        .env("METRICS_PORT", metrics_port.to_string())
        .env("REPLICA_ID", "bench")
        .env("REDIS_KEY_PREFIX", format!("bench:{namespace}:"))
        .env("WEBHOOK_ALLOW_PRIVATE", "true")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    test_support::wait_for_status(
        &format!("http://127.0.0.1:{metrics_port}/health/ready"),
        200,
        Duration::from_secs(300),
    )
    .await;
    let load_time = started.elapsed();

    let nats = async_nats::connect(&common.nats_url).await.unwrap();
    let js = async_nats::jetstream::new(nats);
    let subjects = Subjects::new(&namespace).unwrap();
    let cpu_before = cpu_seconds(engine.id());
    let total = rate * seconds;
    let exchange = ExchangeId::new("binance").unwrap();
    let symbol_ids: Vec<Symbol> = symbols.iter().map(|s| Symbol::new(s).unwrap()).collect();
    let mut rng_state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        (rng_state % 1000) as f64 / 1000.0
    };
    let publish_started = Instant::now();
    let publish_started_ms = chrono::Utc::now().timestamp_millis();
    let mut acks = Vec::new();
    let mut buf = Vec::new();
    for n in 0..total {
        let due = publish_started + Duration::from_secs_f64(n as f64 / rate as f64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        let s = (n as usize) % symbol_count;
        let bar = (n as usize / symbol_count) as i64;
        let close = 100.0 + next() * 10.0;
        let snapshot = MetricSnapshot {
            v: market_model::snapshot::SNAPSHOT_VERSION,
            exchange: exchange.clone(),
            symbol: symbol_ids[s].clone(),
            interval: Interval::Min1,
            open_time: 1_700_000_000_000 + bar * 60_000,
            closed: true,
            open: close,
            high: close + 1.0,
            low: close - 1.0,
            close,
            volume: 1000.0 + next() * 100.0,
            indicators: indicators::Values {
                rsi_14: Some(40.0 + next() * 20.0),
                ..Default::default()
            },
            change_pct_24h: None,
            computed_at: chrono::Utc::now().timestamp_millis(),
        };
        snapshot.encode(&mut buf).unwrap();
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", snapshot.msg_id().as_str());
        let subject = subjects.metrics(&snapshot.exchange, &snapshot.symbol, snapshot.interval);
        acks.push(
            js.publish_with_headers(subject, headers, buf.clone().into())
                .await
                .unwrap(),
        );
        if acks.len() >= 512 {
            for ack in acks.drain(..) {
                ack.await.unwrap();
            }
        }
    }
    for ack in acks {
        ack.await.unwrap();
    }
    let publish_elapsed = publish_started.elapsed();
    let expected_fires = (0..total)
        .filter(|n| {
            let s = (*n as usize) % symbol_count;
            s < rules && s.is_multiple_of(20)
        })
        .count();
    let deadline = Instant::now() + Duration::from_secs(120);
    while latencies.lock().unwrap().len() < expected_fires && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wall = publish_started.elapsed();
    let cpu = cpu_seconds(engine.id()) - cpu_before;
    let metrics = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let _ = engine.kill();
    let _ = engine.wait();
    let stream = js.delete_stream(subjects.metrics_stream()).await;

    let samples = latencies.lock().unwrap().clone();
    let mut sorted: Vec<f64> = samples.iter().map(|(_, ms)| *ms).collect();
    sorted.sort_by(f64::total_cmp);
    // Steady state: after the first 5 s, once every stream's history has been looked up.
    let mut steady: Vec<f64> = samples
        .iter()
        .filter(|(at, _)| *at >= publish_started_ms + 5_000)
        .map(|(_, ms)| *ms)
        .collect();
    steady.sort_by(f64::total_cmp);
    let metric = |name: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let evaluated = metric("alert_engine_alerts_evaluated_total");
    let eval_sum = metric("alert_engine_evaluation_duration_seconds_sum");
    let eval_count = metric("alert_engine_evaluation_duration_seconds_count");
    println!("alert-engine pipeline benchmark");
    println!(
        "  rules {rules} ({firing} firing on every bar) over {symbol_count} symbols; rate {rate}/s for {seconds} s"
    );
    println!(
        "  rules loaded and consumer ready in {:.2} s",
        load_time.as_secs_f64()
    );
    println!(
        "  published {total} snapshots in {:.2} s ({:.0}/s)",
        publish_elapsed.as_secs_f64(),
        total as f64 / publish_elapsed.as_secs_f64()
    );
    println!(
        "  rule evaluations {evaluated:.0} ({:.1} per update)",
        evaluated / total as f64
    );
    println!(
        "  evaluation per update (all its rules, under the lock): mean {:.2} us",
        eval_sum / eval_count * 1e6
    );
    println!(
        "  webhooks received {} of {expected_fires} expected",
        sorted.len()
    );
    println!(
        "  engine CPU {cpu:.2} s over {:.2} s wall = {:.0}% of one core",
        wall.as_secs_f64(),
        100.0 * cpu / wall.as_secs_f64()
    );
    println!(
        "  snapshot -> webhook latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.9),
        percentile(&sorted, 0.99),
        percentile(&sorted, 1.0)
    );
    println!(
        "  steady state (after the first 5 s, {} webhooks) ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        steady.len(),
        percentile(&steady, 0.5),
        percentile(&steady, 0.9),
        percentile(&steady, 0.99),
        percentile(&steady, 1.0)
    );
    if stream.is_err() {
        println!("  (could not delete the bench stream)");
    }
}
