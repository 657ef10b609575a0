//! Per-candle cost of the full indicator set (`update`, `peek`) and the memory footprint of one state.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indicators::{Candle, IndicatorState, RollingChange};

fn load_candles() -> Vec<Candle> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/reference/ethbtc_5m.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line
                .split(',')
                .map(|v| v.parse().unwrap_or(f64::NAN))
                .collect();
            Candle {
                open_time_ms: f[0] as i64,
                open: f[1],
                high: f[2],
                low: f[3],
                close: f[4],
                volume: f[5],
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let candles = load_candles();
    let full = IndicatorState::replay(Default::default(), &candles).unwrap_or_default();
    println!(
        "IndicatorState: size_of = {} B, heap = {} B, total = {} B; RollingChange: size_of = {} B, heap = {} B",
        size_of::<IndicatorState>(),
        full.heap_bytes(),
        size_of::<IndicatorState>() + full.heap_bytes(),
        size_of::<RollingChange>(),
        RollingChange::default().heap_bytes(),
    );

    let mut group = c.benchmark_group("indicators");
    group.throughput(Throughput::Elements(candles.len() as u64));
    group.bench_function("update_full_set_per_candle", |b| {
        b.iter(|| {
            let mut state = IndicatorState::default();
            for candle in &candles {
                black_box(state.update(black_box(candle)).ok());
            }
        });
    });
    let last = candles.last().copied();
    group.bench_function("peek_full_set_per_candle", |b| {
        b.iter(|| {
            for (i, candle) in candles.iter().enumerate() {
                let in_progress = Candle {
                    open_time_ms: last.map_or(0, |l| l.open_time_ms) + 300_000 + i as i64,
                    ..*candle
                };
                black_box(full.peek(black_box(&in_progress)).ok());
            }
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
