//! Shared test helpers: rules from JSON, snapshots from (field, value) pairs, and scripted update sequences.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod check;

use alert_rules::{CompiledRule, DefaultSchema, Outcome, RuleState, Schema, Tick, parse_rule};
use serde_json::{Value, json};

/// Five-minute bars.
pub const BAR_MS: i64 = 300_000;

/// A valid rule with `every_time` frequency around `condition`, so each test sees the raw condition result.
pub fn rule_json(condition: Value) -> Value {
    json!({
        "name": "test rule",
        "symbols": ["ETHBTC"],
        "interval": "5m",
        "condition": condition,
        "frequency": "every_time",
        "webhook_url": "https://example.com/hook",
    })
}

pub fn compile_json(rule: &Value) -> CompiledRule {
    parse_rule(&rule.to_string(), &DefaultSchema)
        .unwrap_or_else(|e| panic!("rule should compile: {e:?}"))
        .1
}

pub fn compile_condition(condition: Value) -> CompiledRule {
    compile_json(&rule_json(condition))
}

pub fn snapshot(values: &[(&str, Option<f64>)]) -> Vec<Option<f64>> {
    let mut snap = DefaultSchema.empty_snapshot();
    for (name, value) in values {
        let id = DefaultSchema.resolve(name).expect("known field");
        snap[id.index()] = *value;
    }
    snap
}

pub fn closed_tick(bar: i64) -> Tick {
    Tick {
        bar_open_time_ms: bar * BAR_MS,
        closed: true,
        now_ms: (bar + 1) * BAR_MS,
    }
}

pub fn live_tick(bar: i64) -> Tick {
    Tick {
        bar_open_time_ms: bar * BAR_MS,
        closed: false,
        now_ms: bar * BAR_MS + BAR_MS / 2,
    }
}

/// One scripted update: closed or in-progress, the values it carries, and whether the rule should fire.
pub struct Step {
    pub closed: bool,
    pub values: Vec<(&'static str, Option<f64>)>,
    pub fires: bool,
}

pub fn closed(values: &[(&'static str, Option<f64>)], fires: bool) -> Step {
    Step {
        closed: true,
        values: values.to_vec(),
        fires,
    }
}

pub fn live(values: &[(&'static str, Option<f64>)], fires: bool) -> Step {
    Step {
        closed: false,
        values: values.to_vec(),
        fires,
    }
}

/// Plays `steps` on one fresh state: in-progress steps use the current bar, closed steps close it.
pub fn play(case: &str, rule: &CompiledRule, steps: &[Step]) {
    let mut state: RuleState = rule.new_state();
    let mut bar = 0;
    for (i, step) in steps.iter().enumerate() {
        let tick = if step.closed {
            closed_tick(bar)
        } else {
            live_tick(bar)
        };
        let outcome = rule.evaluate(&mut state, snapshot(&step.values).as_slice(), tick);
        assert_eq!(
            matches!(outcome, Outcome::Fired(_)),
            step.fires,
            "case `{case}`, step {i}: got {outcome:?}"
        );
        if step.closed {
            bar += 1;
        }
    }
}
