#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `moving_*`: change against the value `bars` closed bars ago, at least `value`.

mod common;

use common::{Step, closed, compile_condition, live, play};
use serde_json::json;

const X: &str = "close";

fn series(values: &[(f64, bool)]) -> Vec<Step> {
    values
        .iter()
        .map(|&(x, f)| closed(&[(X, Some(x))], f))
        .collect()
}

#[test]
fn moving_operators_table() {
    let cases = [
        (
            "up by 5 over 2 bars",
            "moving_up",
            2,
            5.0,
            vec![
                (100.0, false),
                (102.0, false),
                (105.0, true),
                (106.0, false),
                (111.0, true),
            ],
        ),
        (
            "up exactly value fires",
            "moving_up",
            1,
            5.0,
            vec![(100.0, false), (105.0, true), (109.0, false)],
        ),
        (
            "flat is not moving even with value 0",
            "moving_up",
            1,
            0.0,
            vec![(100.0, false), (100.0, false), (100.1, true)],
        ),
        (
            "down by 5 over 1 bar",
            "moving_down",
            1,
            5.0,
            vec![(100.0, false), (95.0, true), (91.0, false), (80.0, true)],
        ),
        (
            "up 10 percent",
            "moving_up_pct",
            1,
            10.0,
            vec![(100.0, false), (110.0, true), (120.0, false), (132.0, true)],
        ),
        (
            "down 50 percent of a negative value",
            "moving_down_pct",
            1,
            50.0,
            vec![(-10.0, false), (-15.0, true)],
        ),
        (
            "percent from zero never fires",
            "moving_up_pct",
            1,
            1.0,
            vec![(0.0, false), (5.0, false)],
        ),
    ];
    for (name, op, bars, value, values) in cases {
        let rule = compile_condition(json!({"left": X, "op": op, "bars": bars, "value": value}));
        play(name, &rule, &series(&values));
    }
}

#[test]
fn moving_needs_a_full_look_back_before_it_can_fire() {
    let rule = compile_condition(json!({"left": X, "op": "moving_up", "bars": 3, "value": 1}));
    assert_eq!(rule.warmup_bars(), 3);
    play(
        "warm-up",
        &rule,
        &series(&[(1.0, false), (50.0, false), (100.0, false), (150.0, true)]),
    );
}

#[test]
fn in_progress_update_counts_as_bar_zero() {
    let rule = compile_condition(json!({"left": X, "op": "moving_up", "bars": 1, "value": 5}));
    play(
        "live",
        &rule,
        &[
            closed(&[(X, Some(100.0))], false),
            live(&[(X, Some(106.0))], true),
            live(&[(X, Some(101.0))], false),
            closed(&[(X, Some(104.0))], false),
        ],
    );
}

#[test]
fn a_missing_old_value_is_not_a_move() {
    let rule = compile_condition(json!({"left": X, "op": "moving_down", "bars": 1, "value": 1}));
    play(
        "gap",
        &rule,
        &[
            closed(&[(X, None)], false),
            closed(&[(X, Some(5.0))], false),
            closed(&[(X, Some(1.0))], true),
        ],
    );
}
