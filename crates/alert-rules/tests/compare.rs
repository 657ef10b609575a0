#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Comparison and crossing operators, with Pine's `[1]` = previous closed bar.

mod common;

use common::{closed, compile_condition, live, play};
use serde_json::json;

const R: &str = "rsi_14";

#[test]
fn plain_comparisons_follow_their_operator_including_equality() {
    let table = [
        ("gt", [(29.0, false), (30.0, false), (31.0, true)]),
        ("gte", [(29.0, false), (30.0, true), (31.0, true)]),
        ("lt", [(29.0, true), (30.0, false), (31.0, false)]),
        ("lte", [(29.0, true), (30.0, true), (31.0, false)]),
    ];
    for (op, rows) in table {
        let rule = compile_condition(json!({"left": R, "op": op, "right": 30}));
        let steps: Vec<_> = rows
            .iter()
            .map(|&(v, fires)| closed(&[(R, Some(v))], fires))
            .collect();
        play(op, &rule, &steps);
    }
}

#[test]
fn plain_comparison_fires_on_the_first_evaluation_and_on_in_progress_updates() {
    let rule = compile_condition(json!({"left": R, "op": "gt", "right": 30}));
    play("first live", &rule, &[live(&[(R, Some(31.0))], true)]);
}

#[test]
fn missing_values_make_comparisons_false() {
    let rule = compile_condition(json!({"left": "ema_12", "op": "gt", "right": "ema_26"}));
    play(
        "none",
        &rule,
        &[
            closed(&[("ema_12", None), ("ema_26", Some(1.0))], false),
            closed(&[("ema_12", Some(2.0)), ("ema_26", None)], false),
            closed(&[("ema_12", Some(f64::NAN)), ("ema_26", Some(1.0))], false),
            closed(&[("ema_12", Some(2.0)), ("ema_26", Some(1.0))], true),
        ],
    );
}

#[test]
fn crossing_table() {
    let v = |x: f64| [(R, Some(x))];
    let cases: Vec<(&str, &str, Vec<common::Step>)> = vec![
        (
            "first evaluation is never a crossing",
            "crosses_above",
            vec![closed(&v(35.0), false)],
        ),
        (
            "below then above crosses above",
            "crosses_above",
            vec![closed(&v(25.0), false), closed(&v(35.0), true)],
        ),
        (
            "equal before, above now crosses above",
            "crosses_above",
            vec![closed(&v(30.0), false), closed(&v(31.0), true)],
        ),
        (
            "equal now is not above",
            "crosses_above",
            vec![closed(&v(25.0), false), closed(&v(30.0), false)],
        ),
        (
            "staying above is not a cross",
            "crosses_above",
            vec![closed(&v(31.0), false), closed(&v(35.0), false)],
        ),
        (
            "above then below crosses below",
            "crosses_below",
            vec![closed(&v(35.0), false), closed(&v(25.0), true)],
        ),
        (
            "equal before, below now crosses below",
            "crosses_below",
            vec![closed(&v(30.0), false), closed(&v(29.0), true)],
        ),
        (
            "equal now is not below",
            "crosses_below",
            vec![closed(&v(35.0), false), closed(&v(30.0), false)],
        ),
        (
            "upward move is not crosses_below",
            "crosses_below",
            vec![closed(&v(25.0), false), closed(&v(35.0), false)],
        ),
        (
            "crosses matches both directions",
            "crosses",
            vec![
                closed(&v(25.0), false),
                closed(&v(35.0), true),
                closed(&v(25.0), true),
                closed(&v(26.0), false),
            ],
        ),
        (
            "missing previous value is not a crossing",
            "crosses_above",
            vec![closed(&[(R, None)], false), closed(&v(35.0), false)],
        ),
        (
            "missing current value is not a crossing",
            "crosses_above",
            vec![
                closed(&v(25.0), false),
                closed(&[(R, None)], false),
                closed(&v(35.0), false),
            ],
        ),
    ];
    for (name, op, steps) in cases {
        let rule = compile_condition(json!({"left": R, "op": op, "right": 30}));
        play(name, &rule, &steps);
    }
}

#[test]
fn in_progress_updates_compare_against_the_last_closed_bar_without_advancing_it() {
    let rule = compile_condition(json!({"left": R, "op": "crosses_above", "right": 30}));
    let v = |x: f64| [(R, Some(x))];
    play(
        "live",
        &rule,
        &[
            closed(&v(25.0), false),
            live(&v(35.0), true),
            live(&v(20.0), false),
            live(&v(36.0), true),
            // The bar closes above: still a cross against the previous closed 25.
            closed(&v(34.0), true),
            // Now the previous closed value is 34, so staying above is no cross.
            live(&v(40.0), false),
            closed(&v(41.0), false),
        ],
    );
}

#[test]
fn field_against_field_crossing_uses_both_previous_values() {
    let rule =
        compile_condition(json!({"left": "ema_12", "op": "crosses_above", "right": "ema_26"}));
    let v = |a: f64, b: f64| [("ema_12", Some(a)), ("ema_26", Some(b))];
    play(
        "ema",
        &rule,
        &[
            closed(&v(1.0, 2.0), false),
            // ema_26 falls below a flat ema_12: a cross caused by the right side moving.
            closed(&v(1.0, 0.5), true),
            closed(&v(2.0, 1.0), false),
            closed(&v(1.0, 1.0), false),
            closed(&v(1.5, 1.0), true),
        ],
    );
}
