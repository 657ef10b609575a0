#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Channel operators: inside means `lower <= x <= upper`, bounds included.

mod common;

use common::{Step, closed, compile_condition, live, play};
use serde_json::json;

const X: &str = "close";

fn channel(op: &str) -> alert_rules::CompiledRule {
    compile_condition(json!({"left": X, "op": op, "lower": 10, "upper": 20}))
}

fn v(x: f64) -> [(&'static str, Option<f64>); 1] {
    [(X, Some(x))]
}

#[test]
fn inside_and_outside_include_the_bounds_in_the_channel() {
    let inside: Vec<Step> = [
        (9.0, false),
        (10.0, true),
        (15.0, true),
        (20.0, true),
        (20.5, false),
    ]
    .iter()
    .map(|&(x, f)| closed(&v(x), f))
    .collect();
    play("inside", &channel("inside_channel"), &inside);
    let outside: Vec<Step> = [(9.0, true), (10.0, false), (20.0, false), (21.0, true)]
        .iter()
        .map(|&(x, f)| closed(&v(x), f))
        .collect();
    play("outside", &channel("outside_channel"), &outside);
}

#[test]
fn entering_and_exiting_need_a_previous_closed_bar() {
    play(
        "enter first",
        &channel("entering_channel"),
        &[closed(&v(15.0), false)],
    );
    play(
        "exit first",
        &channel("exiting_channel"),
        &[closed(&v(25.0), false)],
    );
}

#[test]
fn entering_fires_on_the_move_from_outside_to_inside_only() {
    play(
        "entering",
        &channel("entering_channel"),
        &[
            closed(&v(5.0), false),
            closed(&v(10.0), true),
            closed(&v(15.0), false),
            closed(&v(25.0), false),
            live(&v(20.0), true),
            closed(&v(30.0), false),
            closed(&v(12.0), true),
        ],
    );
}

#[test]
fn exiting_fires_on_the_move_from_inside_to_outside_only() {
    play(
        "exiting",
        &channel("exiting_channel"),
        &[
            closed(&v(15.0), false),
            closed(&v(20.0), false),
            closed(&v(20.01), true),
            closed(&v(30.0), false),
            closed(&v(15.0), false),
            closed(&v(9.99), true),
        ],
    );
}

#[test]
fn field_bounds_are_read_now_and_at_the_previous_bar() {
    let rule = compile_condition(
        json!({"left": X, "op": "entering_channel", "lower": "bb_lower", "upper": "bb_upper"}),
    );
    let s =
        |x: f64, lo: f64, hi: f64| [(X, Some(x)), ("bb_lower", Some(lo)), ("bb_upper", Some(hi))];
    play(
        "bands",
        &rule,
        &[
            closed(&s(15.0, 16.0, 20.0), false),
            // Price unchanged, the band moved down around it: entering.
            closed(&s(15.0, 14.0, 18.0), true),
            // Missing bound: no decision.
            closed(
                &[
                    (X, Some(30.0)),
                    ("bb_lower", None),
                    ("bb_upper", Some(18.0)),
                ],
                false,
            ),
            closed(&s(15.0, 14.0, 18.0), false),
        ],
    );
}

#[test]
fn swapped_field_bounds_are_treated_as_the_same_channel() {
    let rule = compile_condition(
        json!({"left": X, "op": "inside_channel", "lower": "bb_upper", "upper": "bb_lower"}),
    );
    play(
        "swapped",
        &rule,
        &[closed(
            &[
                (X, Some(15.0)),
                ("bb_lower", Some(10.0)),
                ("bb_upper", Some(20.0)),
            ],
            true,
        )],
    );
}
