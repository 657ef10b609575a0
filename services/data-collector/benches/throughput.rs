//! Collector throughput, CPU per candle and event-to-ack latency, against the in-process exchange simulator
//! and the local NATS. The collector runs as its own process (the release binary), so its CPU time is read
//! from /proc/<pid>/stat without the simulator's share. Prints a Markdown table; numbers and the machine
//! go to docs/performance/data-collector.md.
//!
//! `cargo bench -p data-collector --bench throughput` (needs NATS on 127.0.0.1:4222).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use exchange_sim::{ClockSpeed, RunningSim, SimConfig, Simulator};

struct Collector {
    child: Child,
    metrics: String,
    namespace: String,
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn names(prefix: char, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i:04}USDT")).collect()
}

async fn start_sim(symbols: &[String], speed: ClockSpeed, update_ms: u64) -> RunningSim {
    Simulator::start(SimConfig {
        port: 0,
        symbol_list: Some(symbols.to_vec()),
        clock_speed: speed,
        update_interval: Duration::from_millis(update_ms),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn spawn_collector(sim: &RunningSim, symbols: &[String], interval: &str) -> Collector {
    let port = free_port();
    let namespace = format!("bench{}", std::process::id() ^ u32::from(port));
    let child = Command::new(env!("CARGO_BIN_EXE_data-collector"))
        .env("METRICS_PORT", port.to_string())
        .env("NATS_NAMESPACE", &namespace)
        .env("EXCHANGE_WS_URL", sim.ws_url())
        .env("EXCHANGE_REST_URL", sim.rest_url())
        .env("SYMBOLS", symbols.join(","))
        .env("INTERVALS", interval)
        .env("BACKFILL_INITIAL_BARS", "0")
        .env("LOG_FORMAT", "json")
        // `BENCH_COLLECTOR_THREADS=N` sets the collector's WORKER_THREADS (default: the collector's, 1).
        .envs(std::env::var("BENCH_COLLECTOR_THREADS").map(|n| ("WORKER_THREADS", n)))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let collector = Collector {
        child,
        metrics: format!("http://127.0.0.1:{port}"),
        namespace,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = reqwest::get(format!("{}/health/ready", collector.metrics)).await
            && r.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline, "collector not ready");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    collector
}

/// utime + stime of the process, in seconds (clock ticks of 1/100 s).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

async fn scrape(collector: &Collector) -> String {
    reqwest::get(format!("{}/metrics", collector.metrics))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn counter(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with([' ', '{']))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Quantile from cumulative `_bucket` lines, interpolated linearly inside the bucket (as PromQL does).
fn quantile(before: &str, after: &str, name: &str, q: f64) -> f64 {
    let buckets = |text: &str| -> Vec<(f64, f64)> {
        text.lines()
            .filter(|l| l.starts_with(&format!("{name}_bucket{{")))
            .filter_map(|l| {
                let le = l.split("le=\"").nth(1)?.split('"').next()?;
                let le = if le == "+Inf" {
                    f64::INFINITY
                } else {
                    le.parse().ok()?
                };
                Some((le, l.rsplit(' ').next()?.parse().ok()?))
            })
            .collect()
    };
    let (b, a) = (buckets(before), buckets(after));
    let counts: Vec<(f64, f64)> = a
        .iter()
        .zip(&b)
        .map(|((le, x), (_, y))| (*le, x - y))
        .collect();
    let total = counts.last().map_or(0.0, |c| c.1);
    let rank = q * total;
    let mut previous = (0.0, 0.0);
    for (le, cumulative) in counts {
        if cumulative >= rank {
            if le.is_infinite() {
                return previous.0;
            }
            let share = if cumulative > previous.1 {
                (rank - previous.1) / (cumulative - previous.1)
            } else {
                0.0
            };
            return previous.0 + (le - previous.0) * share;
        }
        previous = (le, cumulative);
    }
    f64::NAN
}

struct Measured {
    per_second: f64,
    cpu_per_candle_us: f64,
    p50_ms: f64,
    p99_ms: f64,
}

async fn measure(collector: &Collector, warm_up: Duration, window: Duration) -> Measured {
    tokio::time::sleep(warm_up).await;
    let pid = collector.child.id();
    let (text0, cpu0, t0) = (scrape(collector).await, cpu_seconds(pid), Instant::now());
    tokio::time::sleep(window).await;
    let (text1, cpu1, elapsed) = (scrape(collector).await, cpu_seconds(pid), t0.elapsed());
    let published = counter(&text1, "data_collector_candles_published_total")
        - counter(&text0, "data_collector_candles_published_total");
    let histogram = "data_collector_event_to_publish_seconds";
    Measured {
        per_second: published / elapsed.as_secs_f64(),
        cpu_per_candle_us: (cpu1 - cpu0) / published.max(1.0) * 1e6,
        p50_ms: quantile(&text0, &text1, histogram, 0.5) * 1000.0,
        p99_ms: quantile(&text0, &text1, histogram, 0.99) * 1000.0,
    }
}

async fn delete_streams(namespace: &str) {
    let client = async_nats::connect("nats://127.0.0.1:4222").await.unwrap();
    let js = async_nats::jetstream::new(client);
    let _ = js.delete_stream(format!("{namespace}_CANDLES")).await;
}

async fn scenario(
    name: &str,
    symbols: usize,
    interval: &str,
    speed: ClockSpeed,
    update_ms: u64,
    offered: &str,
) {
    // `BENCH_ONLY=unthrottled` runs one scenario (for profiling it).
    if std::env::var("BENCH_ONLY").is_ok_and(|only| !name.starts_with(only.as_str())) {
        return;
    }
    let list = names('B', symbols);
    let sim = start_sim(&list, speed, update_ms).await;
    let collector = spawn_collector(&sim, &list, interval).await;
    let m = measure(&collector, Duration::from_secs(5), Duration::from_secs(15)).await;
    // Event times are simulated time unless the clock runs at x1, so latency means nothing otherwise.
    let latency = if speed == ClockSpeed::Factor(1.0) {
        format!("{:.1} | {:.1}", m.p50_ms, m.p99_ms)
    } else {
        "- | -".to_string()
    };
    println!(
        "| {name} | {offered} | {:.0} | {:.2} | {latency} |",
        m.per_second, m.cpu_per_candle_us
    );
    let namespace = collector.namespace.clone();
    drop(collector);
    delete_streams(&namespace).await;
    let stats = sim.stats();
    assert_eq!(stats.violations.total(), 0, "{stats:?}");
    sim.shutdown().await;
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` probes bench binaries
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!("| scenario | offered | published/s | CPU µs/candle | p50 event->ack ms | p99 event->ack ms |");
        println!("|---|---|---|---|---|---|");
        // 500 symbols x 1m at x2400: 500 x 40 = 20,000 closed candles/s.
        scenario("fixed rate", 500, "1m", ClockSpeed::Factor(2400.0), 2000, "20,000/s").await;
        scenario("unthrottled", 500, "1m", ClockSpeed::Max, 2000, "max").await;
        // 5,000 symbols x 1s in real time: 5,000 closed candles/s with real event times.
        scenario("latency", 5000, "1s", ClockSpeed::Factor(1.0), 1000, "5,000/s").await;
    });
}
