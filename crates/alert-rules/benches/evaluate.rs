//! Cost of one (rule, update) evaluation: the alert engine runs this for every rule on every snapshot.

use alert_rules::{CompiledRule, DefaultSchema, Outcome, Schema, Tick, parse_rule};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;

fn rule(condition: Value) -> CompiledRule {
    let json = json!({
        "name": "bench",
        "symbols": ["ETHBTC"],
        "interval": "1m",
        "condition": condition,
        "frequency": "every_time",
        "webhook_url": "https://example.com/hook",
    });
    match parse_rule(&json.to_string(), &DefaultSchema) {
        Ok((_, rule)) => rule,
        Err(e) => panic!("bench rule must compile: {e}"),
    }
}

fn snapshot(close: f64) -> Vec<Option<f64>> {
    let mut snap = DefaultSchema.empty_snapshot();
    for name in [
        "close",
        "rsi_14",
        "ema_12",
        "ema_26",
        "bb_lower",
        "bb_upper",
        "volume_ratio_20",
    ] {
        if let Some(id) = DefaultSchema.resolve(name) {
            snap[id.index()] = Some(close);
        }
    }
    snap
}

/// Alternates closed updates between two snapshots, so crossings really happen and history really advances.
fn bench_closed(c: &mut Criterion, name: &str, rule: &CompiledRule) {
    let snaps = [snapshot(25.0), snapshot(35.0)];
    let mut state = rule.new_state();
    let mut bar = 0i64;
    c.bench_function(name, |b| {
        b.iter(|| {
            bar += 1;
            let tick = Tick {
                bar_open_time_ms: bar * 60_000,
                closed: true,
                now_ms: bar * 60_000 + 60_000,
            };
            let snap = &snaps[(bar & 1) as usize];
            let out = rule.evaluate(&mut state, black_box(snap.as_slice()), black_box(tick));
            black_box(matches!(out, Outcome::Fired(_)))
        })
    });
}

fn evaluate(c: &mut Criterion) {
    let simple = rule(json!({"left": "rsi_14", "op": "lt", "right": 30}));
    bench_closed(c, "simple_comparison", &simple);

    let crossing = rule(json!({"left": "rsi_14", "op": "crosses_below", "right": 30}));
    bench_closed(c, "crossing", &crossing);

    let composed = rule(json!({"all": [
        {"left": "rsi_14", "op": "gte", "right": 0},
        {"left": "ema_12", "op": "crosses", "right": 30},
        {"left": "close", "op": "entering_channel", "lower": 20, "upper": "bb_upper"},
    ]}));
    bench_closed(c, "composed_all3_with_channel", &composed);

    let snap = snapshot(25.0);
    let mut state = crossing.new_state();
    crossing.advance(&mut state, snap.as_slice(), 0);
    c.bench_function("crossing_in_progress", |b| {
        b.iter(|| {
            let tick = Tick {
                bar_open_time_ms: 60_000,
                closed: false,
                now_ms: 90_000,
            };
            black_box(crossing.evaluate(&mut state, black_box(snap.as_slice()), black_box(tick)))
        })
    });
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
