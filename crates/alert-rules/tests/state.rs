#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Composition, per-symbol state, persistence and warm-up.

mod common;

use alert_rules::{Outcome, RuleState};
use common::{closed, closed_tick, compile_condition, compile_json, play, rule_json, snapshot};
use serde_json::json;

#[test]
fn all_and_any_compose_and_nest() {
    let rule = compile_condition(json!({"all": [
        {"left": "rsi_14", "op": "lt", "right": 30},
        {"any": [
            {"left": "close", "op": "crosses_above", "right": "ema_12"},
            {"left": "volume_ratio_20", "op": "gte", "right": 2},
        ]},
    ]}));
    let s = |rsi: f64, close: f64, ema: f64, vr: f64| {
        [
            ("rsi_14", Some(rsi)),
            ("close", Some(close)),
            ("ema_12", Some(ema)),
            ("volume_ratio_20", Some(vr)),
        ]
    };
    play(
        "nested",
        &rule,
        &[
            closed(&s(25.0, 9.0, 10.0, 1.0), false),
            closed(&s(25.0, 11.0, 10.0, 1.0), true),
            closed(&s(35.0, 9.0, 10.0, 3.0), false),
            closed(&s(25.0, 9.0, 10.0, 3.0), true),
            // The crossing leaf sits behind a false `lt`: its history must still advance.
            closed(&s(40.0, 12.0, 10.0, 1.0), false),
            closed(&s(25.0, 13.0, 10.0, 1.0), false),
        ],
    );
}

#[test]
fn watchlist_rules_keep_independent_state_per_symbol() {
    let mut json = rule_json(json!({"left": "close", "op": "crosses_above", "right": 10}));
    json["symbols"] = json!(["*"]);
    let rule = compile_json(&json);
    assert!(rule.symbols().matches("ETHBTC") && rule.symbols().matches("BTCUSDT"));
    let (mut eth, mut btc) = (rule.new_state(), rule.new_state());
    let v = |x: f64| snapshot(&[("close", Some(x))]);
    assert_eq!(
        rule.evaluate(&mut eth, v(5.0).as_slice(), closed_tick(0)),
        Outcome::NotMet
    );
    assert_eq!(
        rule.evaluate(&mut btc, v(15.0).as_slice(), closed_tick(0)),
        Outcome::NotMet
    );
    assert!(matches!(
        rule.evaluate(&mut eth, v(15.0).as_slice(), closed_tick(1)),
        Outcome::Fired(_)
    ));
    assert_eq!(
        rule.evaluate(&mut btc, v(16.0).as_slice(), closed_tick(1)),
        Outcome::NotMet
    );
}

#[test]
fn state_round_trips_through_json_and_keeps_evaluating() {
    let rule = compile_condition(json!({"left": "close", "op": "crosses_above", "right": 10}));
    let mut state = rule.new_state();
    rule.evaluate(
        &mut state,
        snapshot(&[("close", Some(5.0))]).as_slice(),
        closed_tick(0),
    );
    let stored = serde_json::to_string(&state).unwrap();
    let mut restored: RuleState = serde_json::from_str(&stored).unwrap();
    assert_eq!(restored, state);
    let out = rule.evaluate(
        &mut restored,
        snapshot(&[("close", Some(15.0))]).as_slice(),
        closed_tick(1),
    );
    assert!(matches!(out, Outcome::Fired(_)));
}

#[test]
fn warming_with_closed_history_enables_crossings_on_the_first_live_update() {
    let rule =
        compile_condition(json!({"left": "close", "op": "moving_up", "bars": 2, "value": 5}));
    let mut state = rule.new_state();
    for (bar, x) in [(0, 90.0), (1, 100.0), (2, 101.0)] {
        rule.advance(
            &mut state,
            snapshot(&[("close", Some(x))]).as_slice(),
            closed_tick(bar).bar_open_time_ms,
        );
    }
    // Re-feeding an overlapping bar is ignored.
    rule.advance(
        &mut state,
        snapshot(&[("close", Some(0.0))]).as_slice(),
        closed_tick(2).bar_open_time_ms,
    );
    assert_eq!(state.condition.closed_bars(), 3);
    let out = rule.evaluate(
        &mut state,
        snapshot(&[("close", Some(106.0))]).as_slice(),
        closed_tick(3),
    );
    assert!(
        matches!(out, Outcome::Fired(_)),
        "106 vs 100 two bars back: {out:?}"
    );
}

#[test]
fn a_state_from_another_rule_layout_is_reset_instead_of_misread() {
    let crossing = compile_condition(json!({"left": "close", "op": "crosses_above", "right": 10}));
    let moving =
        compile_condition(json!({"left": "close", "op": "moving_up", "bars": 5, "value": 1}));
    let mut state = moving.new_state();
    moving.advance(&mut state, snapshot(&[("close", Some(5.0))]).as_slice(), 0);
    let out = crossing.evaluate(
        &mut state,
        snapshot(&[("close", Some(15.0))]).as_slice(),
        closed_tick(1),
    );
    assert_eq!(out, Outcome::NotMet, "reset state has no previous value");
    assert_eq!(state.condition.closed_bars(), 1);
}

#[test]
fn plain_comparisons_need_no_history() {
    let rule = compile_condition(json!({"left": "close", "op": "gt", "right": "open"}));
    assert_eq!(rule.warmup_bars(), 0);
    let crossing = compile_condition(json!({"all": [
        {"left": "close", "op": "crosses", "right": "open"},
        {"left": "close", "op": "moving_down_pct", "bars": 7, "value": 1},
    ]}));
    assert_eq!(crossing.warmup_bars(), 7);
}
