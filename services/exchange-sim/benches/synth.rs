//! Throughput of synthetic data: candle generation, event serialisation, and closed candles pushed
//! through one WebSocket over 500 streams at `--clock-speed max`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use exchange_sim::candle::{EventHeader, write_kline_event};
use exchange_sim::market::symbols::default_universe;
use exchange_sim::market::synth::SymbolModel;
use exchange_sim::{ClockSpeed, Interval, SimConfig, Simulator};
use futures::StreamExt;

const T0: i64 = 1_780_272_000_000;

fn generation(c: &mut Criterion) {
    let model = SymbolModel::new(default_universe(1, 1).remove(0), 1);
    let mut g = c.benchmark_group("synth");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("closed_1m_candles_x1000", |b| {
        b.iter(|| {
            for i in 0..1000 {
                black_box(model.candle(Interval::M1, T0 + i * 60_000));
            }
        })
    });
    let candle = model.candle(Interval::M1, T0);
    let header = EventHeader {
        stream: Some("btcusdt@kline_1m"),
        event_time: T0 + 60_000,
        symbol: "BTCUSDT",
        interval: Interval::M1,
        fmt: model.format(),
    };
    g.bench_function("kline_events_x1000", |b| {
        let mut out = String::with_capacity(512);
        b.iter(|| {
            for _ in 0..1000 {
                out.clear();
                write_kline_event(&mut out, &header, &candle, true);
                black_box(&out);
            }
        })
    });
    g.finish();
}

fn streaming(c: &mut Criterion) {
    const FRAMES: u64 = 20_000;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut config = SimConfig {
        port: 0,
        symbols: 500,
        clock_speed: ClockSpeed::Max,
        start_time_ms: Some(T0),
        ..SimConfig::default()
    };
    config.limits.max_connections_per_window = usize::MAX;
    let sim = rt.block_on(Simulator::start(config)).unwrap();
    let streams: Vec<String> = default_universe(500, 42)
        .iter()
        .map(|s| format!("{}@kline_1m", s.name.to_ascii_lowercase()))
        .collect();
    let url = format!("{}/stream?streams={}", sim.ws_url(), streams.join("/"));

    let mut g = c.benchmark_group("stream_max_speed");
    g.throughput(Throughput::Elements(FRAMES));
    g.sample_size(10);
    g.bench_function("500_streams_one_connection", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
                    .await
                    .unwrap();
                let mut n = 0;
                while n < FRAMES {
                    if let Some(Ok(m)) = ws.next().await {
                        n += u64::from(m.is_text());
                    }
                }
            })
        })
    });
    g.finish();
    rt.block_on(sim.shutdown());
}

criterion_group!(benches, generation, streaming);
criterion_main!(benches);
