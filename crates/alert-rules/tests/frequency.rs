#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Frequency, cooldown and expiry gating, through `CompiledRule::evaluate` and through `Gate` directly.

mod common;

use alert_rules::{Frequency, Gate, GateState, Outcome, Suppressed, Tick};
use common::{closed_tick, compile_json, live_tick, rule_json, snapshot};
use serde_json::json;

fn rule(frequency: &str, extra: &[(&str, serde_json::Value)]) -> alert_rules::CompiledRule {
    let mut json = rule_json(json!({"left": "close", "op": "gt", "right": 10}));
    json["frequency"] = json!(frequency);
    for (k, v) in extra {
        json[*k] = v.clone();
    }
    compile_json(&json)
}

fn high() -> Vec<Option<f64>> {
    snapshot(&[("close", Some(11.0))])
}

/// Feeds a matching snapshot at each tick; returns which ones fired.
fn fires(rule: &alert_rules::CompiledRule, ticks: &[Tick]) -> Vec<bool> {
    let mut state = rule.new_state();
    let snap = high();
    ticks
        .iter()
        .map(|t| {
            matches!(
                rule.evaluate(&mut state, snap.as_slice(), *t),
                Outcome::Fired(_)
            )
        })
        .collect()
}

#[test]
fn frequency_table() {
    let ticks = [
        live_tick(0),
        live_tick(0),
        closed_tick(0),
        live_tick(1),
        closed_tick(1),
    ];
    let table = [
        ("every_time", vec![true, true, true, true, true]),
        ("once_per_bar", vec![true, false, false, true, false]),
        ("once_per_bar_close", vec![false, false, true, false, true]),
        ("once", vec![true, false, false, false, false]),
    ];
    for (frequency, expected) in table {
        assert_eq!(
            fires(&rule(frequency, &[]), &ticks),
            expected,
            "{frequency}"
        );
    }
}

#[test]
fn once_asks_the_engine_to_disable_the_rule_and_then_reports_done() {
    let rule = rule("once", &[]);
    let mut state = rule.new_state();
    let snap = high();
    let first = rule.evaluate(&mut state, snap.as_slice(), live_tick(0));
    assert_eq!(
        first,
        Outcome::Fired(alert_rules::Fire {
            value: Some(11.0),
            disable_rule: true
        })
    );
    let next = rule.evaluate(&mut state, snap.as_slice(), closed_tick(0));
    assert_eq!(next, Outcome::Suppressed(Suppressed::Done));
    assert!(Suppressed::Done.is_permanent());
}

#[test]
fn other_frequencies_never_ask_to_disable() {
    let rule = rule("every_time", &[]);
    let mut state = rule.new_state();
    let out = rule.evaluate(&mut state, high().as_slice(), closed_tick(0));
    assert_eq!(
        out,
        Outcome::Fired(alert_rules::Fire {
            value: Some(11.0),
            disable_rule: false
        })
    );
}

#[test]
fn once_per_bar_close_reports_why_in_progress_updates_are_skipped() {
    let rule = rule("once_per_bar_close", &[]);
    let mut state = rule.new_state();
    let out = rule.evaluate(&mut state, high().as_slice(), live_tick(0));
    assert_eq!(out, Outcome::Suppressed(Suppressed::AwaitingBarClose));
}

#[test]
fn cooldown_blocks_until_exactly_its_length_has_passed() {
    let gate = Gate {
        frequency: Frequency::EveryTime,
        cooldown_ms: 60_000,
        expires_at_ms: None,
    };
    let mut state = GateState::default();
    let at = |now_ms| Tick {
        bar_open_time_ms: 0,
        closed: false,
        now_ms,
    };
    assert_eq!(gate.check(&state, at(1_000)), Ok(()));
    gate.record_fire(&mut state, at(1_000));
    assert_eq!(gate.check(&state, at(60_999)), Err(Suppressed::Cooldown));
    assert_eq!(gate.check(&state, at(61_000)), Ok(()));
}

#[test]
fn cooldown_applies_through_evaluate_across_bars() {
    let rule = rule("once_per_bar_close", &[("cooldown_seconds", json!(600))]);
    // Closed ticks come one 5m bar apart: 300 s, then 600 s after the first fire.
    assert_eq!(
        fires(&rule, &[closed_tick(0), closed_tick(1), closed_tick(2)]),
        vec![true, false, true]
    );
}

#[test]
fn expiry_allows_fires_up_to_and_including_expires_at() {
    let expires = 1_700_000_000_000;
    let gate = Gate {
        frequency: Frequency::EveryTime,
        cooldown_ms: 0,
        expires_at_ms: Some(expires),
    };
    let at = |now_ms| Tick {
        bar_open_time_ms: 0,
        closed: true,
        now_ms,
    };
    assert_eq!(gate.check(&GateState::default(), at(expires)), Ok(()));
    assert_eq!(
        gate.check(&GateState::default(), at(expires + 1)),
        Err(Suppressed::Expired)
    );
    assert!(Suppressed::Expired.is_permanent());
}

#[test]
fn expiry_applies_through_evaluate() {
    let rule = rule(
        "every_time",
        &[("expires_at", json!("1970-01-01T00:10:00Z"))],
    );
    // closed_tick(n).now_ms = (n + 1) * 5 min: 5 min, 10 min (boundary), 15 min.
    assert_eq!(
        fires(&rule, &[closed_tick(0), closed_tick(1), closed_tick(2)]),
        vec![true, true, false]
    );
}

#[test]
fn stale_and_duplicate_updates_are_ignored() {
    let rule = rule("every_time", &[]);
    let mut state = rule.new_state();
    let snap = high();
    assert!(matches!(
        rule.evaluate(&mut state, snap.as_slice(), closed_tick(3)),
        Outcome::Fired(_)
    ));
    assert_eq!(
        rule.evaluate(&mut state, snap.as_slice(), closed_tick(3)),
        Outcome::Suppressed(Suppressed::Stale)
    );
    assert_eq!(
        rule.evaluate(&mut state, snap.as_slice(), live_tick(2)),
        Outcome::Suppressed(Suppressed::Stale)
    );
    assert_eq!(state.condition.closed_bars(), 1);
}

#[test]
fn gated_closed_updates_still_advance_the_history() {
    let mut json = rule_json(json!({"left": "close", "op": "crosses_above", "right": 10}));
    json["frequency"] = json!("once_per_bar");
    json["cooldown_seconds"] = json!(3600);
    let rule = compile_json(&json);
    let mut state = rule.new_state();
    let v = |x: f64| snapshot(&[("close", Some(x))]);
    assert_eq!(
        rule.evaluate(&mut state, v(5.0).as_slice(), closed_tick(0)),
        Outcome::NotMet
    );
    assert!(matches!(
        rule.evaluate(&mut state, v(15.0).as_slice(), closed_tick(1)),
        Outcome::Fired(_)
    ));
    // In cooldown: suppressed, but the history must still record 5 -> 15 -> 5.
    assert_eq!(
        rule.evaluate(&mut state, v(5.0).as_slice(), closed_tick(2)),
        Outcome::Suppressed(Suppressed::Cooldown)
    );
    assert_eq!(state.condition.closed_bars(), 3);
}
