//! Load benchmark through the real binary and the local NATS/PostgreSQL (not part of `cargo test`):
//! 1. `GET /screener` over LOAD_SYMBOLS (2,000) symbols at LOAD_RPS (1,000) requests/s for LOAD_SECS (10),
//!    open loop (latency counted from each request's scheduled start, so a stall is not hidden);
//! 2. WebSocket fan-out: LOAD_WS_CLIENTS (5,000) clients on `screener:1m`; per round one snapshot is published
//!    and the delay until the last client has it is recorded; gateway memory per connected client.
//!
//! Prints a markdown table for docs/performance/api-gateway.md. Ignores criterion's arguments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use market_model::{Interval, MetricSnapshot, Subjects};
use test_support::{TestDatabase, free_port, unique_name, wait_for_status};
use tokio_tungstenite::tungstenite::Message;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Round `computed_at` values sit on later bars than the initial fill, so the view keeps (and pushes) them.
fn snapshot(i: usize, bar: i64, computed_at: i64) -> MetricSnapshot {
    let x = i as f64;
    MetricSnapshot {
        v: 1,
        exchange: "binance".parse().unwrap(),
        symbol: format!("S{i:05}USDT").parse().unwrap(),
        interval: Interval::Min1,
        open_time: 1_700_000_000_000 + bar * 60_000,
        closed: false,
        open: x,
        high: x + 1.0,
        low: x - 1.0,
        close: x,
        volume: 1000.0 + x,
        indicators: indicators::Values {
            sma_20: Some(x),
            ema_12: Some(x),
            ema_26: Some(x),
            rsi_14: Some((x * 7.0) % 100.0),
            macd: Some(0.1),
            macd_signal: Some(0.2),
            macd_hist: Some(-0.1),
            atr_14: Some(1.0),
            volume_ratio_20: Some((x * 13.0) % 5.0),
            ..Default::default()
        },
        change_pct_24h: Some((x * 3.0) % 20.0 - 10.0),
        computed_at,
    }
}

async fn publish(nats: &async_nats::Client, subjects: &Subjects, s: &MetricSnapshot) {
    let subject = subjects.live_metrics(&s.exchange, &s.symbol, s.interval);
    let mut payload = Vec::new();
    s.encode(&mut payload).unwrap();
    nats.publish(subject, payload.into()).await.unwrap();
}

struct Gateway {
    child: Child,
    api: String,
    metrics: String,
    subjects: Subjects,
    _database: TestDatabase,
}

async fn start_gateway() -> Gateway {
    let database = TestDatabase::create().await;
    let namespace = unique_name("bench");
    let (api_port, metrics_port) = (free_port(), free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_api-gateway"))
        .env("API_PORT", api_port.to_string())
        .env("METRICS_PORT", metrics_port.to_string())
        .env("DATABASE_URL", database.url())
        .env("NATS_NAMESPACE", &namespace)
        .env("RUST_LOG", "warn")
        .env("LOG_FORMAT", "json")
        .env("RATE_LIMIT_PER_SECOND", "1000000")
        .env("RATE_LIMIT_BURST", "1000000")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let metrics = format!("http://127.0.0.1:{metrics_port}");
    wait_for_status(
        &format!("{metrics}/health/ready"),
        200,
        Duration::from_secs(60),
    )
    .await;
    Gateway {
        child,
        api: format!("127.0.0.1:{api_port}"),
        metrics,
        subjects: Subjects::new(&namespace).unwrap(),
        _database: database,
    }
}

async fn http_load(gateway: &Gateway, rps: usize, secs: usize) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let url = format!(
        "http://{}/api/v1/screener?interval=1m&filter=rsi_14<50,volume_ratio_20>1&sort=-change_pct_24h&limit=50",
        gateway.api
    );
    let total = rps * secs;
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let scheduled = start + Duration::from_secs_f64(i as f64 / rps as f64);
        tokio::time::sleep_until(scheduled).await;
        let (client, url) = (client.clone(), url.clone());
        tasks.spawn(async move {
            let ok = client
                .get(&url)
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            (ok, scheduled.elapsed())
        });
    }
    let mut latencies = Vec::with_capacity(total);
    let mut errors = 0;
    while let Some(done) = tasks.join_next().await {
        let (ok, latency) = done.unwrap();
        errors += usize::from(!ok);
        latencies.push(latency);
    }
    let elapsed = start.elapsed();
    latencies.sort();
    println!(
        "| GET /screener, 2,000 symbols, filter + sort + 50 items | {rps} req/s for {secs} s | p50 {} | p95 {} | p99 {} | max {} | {errors} errors, {:.0} req/s achieved |",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap()),
        total as f64 / elapsed.as_secs_f64()
    );
}

async fn ws_fanout(gateway: &Gateway, nats: &async_nats::Client, clients: usize, rounds: usize) {
    let pid = gateway.child.id();
    let before = rss_kib(pid);
    let base = Instant::now();
    let received = Arc::new((0..rounds).map(|_| AtomicUsize::new(0)).collect::<Vec<_>>());
    let last_at = Arc::new((0..rounds).map(|_| AtomicU64::new(0)).collect::<Vec<_>>());
    let connected = Arc::new(tokio::sync::Semaphore::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(100));
    for _ in 0..clients {
        let (received, last_at, connected, gate) = (
            received.clone(),
            last_at.clone(),
            connected.clone(),
            gate.clone(),
        );
        let url = format!("ws://{}/ws", gateway.api);
        tokio::spawn(async move {
            let permit = gate.acquire_owned().await.unwrap();
            let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
            let request = r#"{"op":"subscribe","channels":["screener:1m"]}"#;
            ws.send(Message::text(request)).await.unwrap();
            while let Some(Ok(message)) = ws.next().await {
                if message.to_text().is_ok_and(|t| t.contains("subscribed")) {
                    break;
                }
            }
            drop(permit);
            connected.add_permits(1);
            while let Some(Ok(message)) = ws.next().await {
                let Ok(text) = message.to_text() else {
                    continue;
                };
                let Some(at) = text.find("\"computed_at\":") else {
                    continue;
                };
                let digits: String = text[at + 14..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if let Ok(round) = digits.parse::<usize>()
                    && round < received.len()
                {
                    last_at[round].fetch_max(base.elapsed().as_nanos() as u64, Ordering::Relaxed);
                    received[round].fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    let _all = connected.acquire_many(clients as u32).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let per_client = (rss_kib(pid).saturating_sub(before)) as f64 / clients as f64;
    let mut delays = Vec::new();
    for round in 0..rounds {
        tokio::time::sleep(Duration::from_millis(600)).await;
        let published = base.elapsed().as_nanos() as u64;
        publish(
            nats,
            &gateway.subjects,
            &snapshot(round % 2000, 1 + round as i64, round as i64),
        )
        .await;
        nats.flush().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while received[round].load(Ordering::Relaxed) < clients && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(
            received[round].load(Ordering::Relaxed),
            clients,
            "round {round} did not reach every client"
        );
        delays.push(Duration::from_nanos(
            last_at[round].load(Ordering::Relaxed) - published,
        ));
    }
    delays.sort();
    println!(
        "| WebSocket fan-out, `screener:1m` | {clients} clients, {rounds} snapshots | p50 {} | p95 {} | p99 {} | max {} | {per_client:.1} KiB gateway RSS per client |",
        ms(percentile(&delays, 0.50)),
        ms(percentile(&delays, 0.95)),
        ms(percentile(&delays, 0.99)),
        ms(*delays.last().unwrap())
    );
}

#[tokio::main]
async fn main() {
    let (symbols, rps, secs) = (
        env("LOAD_SYMBOLS", 2000),
        env("LOAD_RPS", 1000),
        env("LOAD_SECS", 10),
    );
    let (clients, rounds) = (env("LOAD_WS_CLIENTS", 5000), env("LOAD_WS_ROUNDS", 30));
    let mut gateway = start_gateway().await;
    let nats = async_nats::connect("nats://127.0.0.1:4222").await.unwrap();
    for i in 0..symbols {
        publish(&nats, &gateway.subjects, &snapshot(i, 0, 1_000_000)).await;
    }
    nats.flush().await.unwrap();
    let (_, body) = loop {
        let answer = test_support::get_json(&format!(
            "http://{}/api/v1/screener?interval=1m&limit=1",
            gateway.api
        ))
        .await;
        if answer.1["total"].as_u64() == Some(symbols as u64) {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!(
        "view filled: {} entries; gateway metrics at {}",
        body["total"], gateway.metrics
    );
    println!(
        "| measurement | load | p50 | p95 | p99 | max | notes |\n|---|---|---|---|---|---|---|"
    );
    http_load(&gateway, rps, secs).await;
    ws_fanout(&gateway, &nats, clients, rounds).await;
    let _ = Command::new("kill")
        .args(["-TERM", &gateway.child.id().to_string()])
        .status();
    let _ = gateway.child.wait();
}
