//! End-to-end throughput: closed candles per second from JetStream into the database through the calculator,
//! next to the raw rates of the same JetStream pull-and-ack pattern and of the same batched insert path,
//! measured in one run on a private NATS server and a fresh database.
//!
//! Run: `cargo bench -p metrics-calculator --bench throughput` (BENCH_SYMBOLS, BENCH_CANDLES_PER_SYMBOL,
//! BENCH_PARTITIONS, BENCH_FLUSH_SIZE override the defaults 1000, 200, "1,4", 1000).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failed set-up should fail loudly

use std::time::{Duration, Instant};

use async_nats::HeaderMap;
use async_nats::jetstream::{self, AckKind, consumer::pull};
use bytes::Bytes;
use futures::StreamExt;
use indicators::IndicatorConfig;
use market_model::wire::{self, MSG_ID_HEADER};
use market_model::{Candle, Interval, SubjectKind, Subjects};
use metrics_calculator::engine::{Applied, Engine};
use metrics_calculator::store::Rows;
use metrics_calculator::{App, Config};
use observability::propagation;
use platform::migrate::{self, Schema};
use platform::streams;
use test_support::{PrivateServer, TestDatabase, local_common_config};

/// The service's allocator (its `main.rs` installs the same), so the benchmark measures what ships.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn candles(symbols: usize, per_symbol: usize) -> Vec<Candle> {
    let start = 1_700_000_040_000;
    let mut out = Vec::with_capacity(symbols * per_symbol);
    for i in 0..per_symbol as i64 {
        for s in 0..symbols {
            let open_time = start + i * 60_000;
            let close = 100.0 + ((i * 7 + s as i64) % 13) as f64 * 0.1;
            out.push(Candle {
                exchange: "binance".parse().unwrap(),
                symbol: format!("S{s:05}USDT").parse().unwrap(),
                interval: Interval::Min1,
                open_time,
                close_time: Interval::Min1.close_time(open_time),
                open: 100.5,
                high: 102.0,
                low: 99.0,
                close,
                volume: 10.0 + (i % 5) as f64,
                quote_volume: 1000.0,
                taker_buy_base: 5.0,
                taker_buy_quote: 500.0,
                trades: 10,
                closed: true,
                event_time: open_time + 60_000,
            });
        }
    }
    out
}

async fn publish(js: &jetstream::Context, subjects: &Subjects, candles: &[Candle]) {
    for chunk in candles.chunks(5_000) {
        let mut acks = Vec::with_capacity(chunk.len());
        for c in chunk {
            // The headers the data-collector sends: message id, and a new trace whose request id is the id.
            let mut headers = HeaderMap::new();
            let msg_id = wire::msg_id(c);
            headers.insert(MSG_ID_HEADER, msg_id.as_str());
            headers.insert(propagation::REQUEST_ID, msg_id.as_str());
            headers.insert(
                propagation::TRACEPARENT,
                propagation::new_traceparent().as_str(),
            );
            let mut buf = Vec::new();
            wire::encode(c, &mut buf).unwrap();
            acks.push(
                js.publish_with_headers(subjects.for_candle(c), headers, Bytes::from(buf))
                    .await
                    .unwrap(),
            );
        }
        for ack in acks {
            ack.await.unwrap();
        }
    }
}

/// The calculator's pull pattern without the calculator: `no_wait` pulls of up to the flush size, decode each
/// message, one cumulative ack per batch.
async fn raw_consumer(
    js: &jetstream::Context,
    subjects: &Subjects,
    total: usize,
    flush: usize,
) -> f64 {
    let stream = js.get_stream(subjects.candles_stream()).await.unwrap();
    let consumer = stream
        .create_consumer(pull::Config {
            durable_name: Some("bench-raw".into()),
            filter_subject: subjects.all(SubjectKind::Candles),
            ack_policy: jetstream::consumer::AckPolicy::All,
            max_ack_pending: 20_000,
            ..Default::default()
        })
        .await
        .unwrap();
    let started = Instant::now();
    let mut seen = 0;
    while seen < total {
        let mut batch = consumer
            .fetch()
            .max_messages(flush)
            .expires(Duration::from_millis(100))
            .messages()
            .await
            .unwrap();
        let mut last = None;
        while let Some(message) = batch.next().await {
            let message = message.unwrap();
            let _ = wire::decode(&message.payload).unwrap();
            last = Some(message);
            seen += 1;
        }
        if let Some(message) = last {
            message.ack_with(AckKind::Ack).await.unwrap();
        }
    }
    total as f64 / started.elapsed().as_secs_f64()
}

/// The calculator's compute and insert path without NATS: (compute rate, insert rate).
async fn raw_compute_and_insert(
    pool: &sqlx::PgPool,
    candles: &[Candle],
    flush: usize,
) -> (f64, f64) {
    let mut engine = Engine::new(IndicatorConfig::default()).unwrap();
    let started = Instant::now();
    let snapshots: Vec<_> = candles
        .iter()
        .map(|c| match engine.apply(c, 0).unwrap() {
            Applied::Computed(s) => s,
            Applied::Duplicate => unreachable!("bench candles are unique"),
        })
        .collect();
    let compute = candles.len() as f64 / started.elapsed().as_secs_f64();
    let mut rows = Rows::default();
    let started = Instant::now();
    for (chunk, snaps) in candles.chunks(flush).zip(snapshots.chunks(flush)) {
        rows.clear();
        for (candle, snapshot) in chunk.iter().zip(snaps) {
            rows.push(candle, snapshot);
        }
        rows.write(pool).await.unwrap();
    }
    (
        compute,
        candles.len() as f64 / started.elapsed().as_secs_f64(),
    )
}

/// Waits until the service's `candles_processed_total` (process-wide, so it includes earlier runs in this
/// process) reaches `target`.
async fn wait_for_counter(url: &str, target: usize) {
    let http = reqwest::Client::new();
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let Ok(response) = http.get(url).send().await else {
            continue;
        };
        let body = response.text().await.unwrap_or_default();
        let processed: f64 = body
            .lines()
            .filter(|l| l.starts_with("metrics_calculator_candles_processed_total{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        if processed >= target as f64 {
            return;
        }
    }
}

async fn end_to_end(
    common: &platform::CommonConfig,
    partitions: u32,
    total: usize,
    flush: usize,
    already_processed: usize,
) -> f64 {
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    migrate::run(&pool, Schema::Timeseries).await.unwrap();
    let mut config = Config::for_tests(common.clone());
    config.common.database_url = database.url().to_string();
    config.partitions = partitions;
    config.flush_interval_ms = 100;
    config.flush_size = u32::try_from(flush).unwrap();
    let started = Instant::now();
    let app = App::build(config).await.unwrap();
    let shutdown = app.shutdown_token();
    let metrics = format!("http://{}/metrics", app.metrics_addr());
    let handle = tokio::spawn(app.run());
    // Done when every partition consumer has acknowledged everything (acks follow the commit). Consumer info
    // is expensive on the server (it counts pending messages over the whole stream: polled every 20 ms it took
    // more than half of NATS's CPU), so the service's own counter is watched first, over HTTP, and the
    // consumers are asked only once it says every candle was processed.
    wait_for_counter(&metrics, already_processed + total).await;
    let client = async_nats::connect(&common.nats_url).await.unwrap();
    let js = jetstream::new(client);
    let subjects = Subjects::new(&common.nats_namespace).unwrap();
    'wait: loop {
        for partition in 0..partitions {
            let name = metrics_calculator::consumer_name(partition, partitions);
            let Ok(mut consumer) = js
                .get_consumer_from_stream::<pull::Config, _, _>(&name, &subjects.candles_stream())
                .await
            else {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue 'wait;
            };
            match consumer.info().await {
                Ok(info)
                    if info.num_pending == 0
                        && info.num_ack_pending == 0
                        && info.delivered.stream_sequence > 0 => {}
                _ => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue 'wait;
                }
            }
        }
        break;
    }
    let rate = total as f64 / started.elapsed().as_secs_f64();
    shutdown.cancel();
    handle.await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM candles")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored as usize, total, "every candle stored");
    rate
}

#[tokio::main]
async fn main() {
    let symbols = env_or("BENCH_SYMBOLS", 1_000);
    let per_symbol = env_or("BENCH_CANDLES_PER_SYMBOL", 200);
    let flush = env_or("BENCH_FLUSH_SIZE", 1_000);
    let partition_counts: Vec<u32> = std::env::var("BENCH_PARTITIONS")
        .unwrap_or_else(|_| "1,4".into())
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    let nats = PrivateServer::nats();
    let mut common = local_common_config();
    common.nats_url = nats.url();
    let subjects = Subjects::new(&common.nats_namespace).unwrap();
    let client = async_nats::connect(&common.nats_url).await.unwrap();
    let js = jetstream::new(client);
    streams::ensure(&js, streams::candles(&subjects))
        .await
        .unwrap();
    streams::ensure(&js, streams::metrics(&subjects))
        .await
        .unwrap();
    let all = candles(symbols, per_symbol);
    let total = all.len();
    let started = Instant::now();
    publish(&js, &subjects, &all).await;
    println!(
        "published {total} candles ({symbols} symbols x {per_symbol}) at {:.0}/s",
        total as f64 / started.elapsed().as_secs_f64()
    );

    let nats_rate = raw_consumer(&js, &subjects, total, flush).await;
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    migrate::run(&pool, Schema::Timeseries).await.unwrap();
    let (compute_rate, insert_rate) = raw_compute_and_insert(&pool, &all, flush).await;
    println!("batches of {flush}");
    println!("raw JetStream pull+decode+ack: {nats_rate:>9.0} candles/s");
    println!("raw indicator compute:         {compute_rate:>9.0} candles/s");
    println!("raw batched UNNEST upsert:     {insert_rate:>9.0} candles/s");
    let mut already_processed = 0;
    for partitions in partition_counts {
        let rate = end_to_end(&common, partitions, total, flush, already_processed).await;
        already_processed += total;
        println!(
            "end-to-end, {partitions} partition(s), 1 replica: {rate:>9.0} candles/s ({:.2} of raw JetStream, {:.2} of raw insert)",
            rate / nats_rate,
            rate / insert_rate
        );
    }
}
