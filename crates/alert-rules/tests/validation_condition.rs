#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Condition validation errors, each with its kind and JSON path.

mod common;

use alert_rules::ErrorKind;
use common::check::{expect, with};
use serde_json::{Value, json};

#[test]
fn condition_errors_table() {
    let cond = |c: Value| with("condition", c);
    let cases: Vec<(Value, ErrorKind, &str, &str)> = vec![
        (
            cond(json!({"left": "rsi14", "op": "gt", "right": 1})),
            ErrorKind::UnknownField,
            "condition.left",
            "did you mean \"rsi_14\"",
        ),
        (
            cond(
                json!({"all": [{"left": "close", "op": "gt", "right": 1}, {"left": "zzz", "op": "gt", "right": 1}]}),
            ),
            ErrorKind::UnknownField,
            "condition.all[1].left",
            "known fields: open, high",
        ),
        (
            cond(json!({"any": [{"left": "close", "op": "gt", "right": "nope"}]})),
            ErrorKind::UnknownField,
            "condition.any[0].right",
            "nope",
        ),
        (
            cond(json!({"left": 5, "op": "gt", "right": 1})),
            ErrorKind::WrongType,
            "condition.left",
            "field name",
        ),
        (
            cond(json!({"left": "close", "op": "gt", "right": true})),
            ErrorKind::WrongType,
            "condition.right",
            "field name or a number",
        ),
        (
            cond(json!({"left": "close", "op": "gt"})),
            ErrorKind::MissingField,
            "condition.right",
            "right is required",
        ),
        (
            cond(json!({"left": "close", "op": "inside_channel", "lower": 1})),
            ErrorKind::MissingField,
            "condition.upper",
            "both bounds",
        ),
        (
            cond(json!({"left": "close", "op": "inside_channel", "lower": 5, "upper": 1})),
            ErrorKind::InvalidValue,
            "condition.lower",
            "above upper",
        ),
        (
            cond(json!({"left": "close", "op": "moving_up", "bars": 0, "value": 1})),
            ErrorKind::InvalidValue,
            "condition.bars",
            "from 1 to 500",
        ),
        (
            cond(json!({"left": "close", "op": "moving_up", "bars": 2.5, "value": 1})),
            ErrorKind::InvalidValue,
            "condition.bars",
            "whole number",
        ),
        (
            cond(json!({"left": "close", "op": "moving_up", "bars": 501, "value": 1})),
            ErrorKind::InvalidValue,
            "condition.bars",
            "500",
        ),
        (
            cond(json!({"left": "close", "op": "moving_up", "value": 1})),
            ErrorKind::MissingField,
            "condition.bars",
            "bars",
        ),
        (
            cond(json!({"left": "close", "op": "moving_up", "bars": 1, "value": -1})),
            ErrorKind::InvalidValue,
            "condition.value",
            "positive",
        ),
        (
            cond(json!({"left": "close", "op": "above", "right": 1})),
            ErrorKind::UnknownOperator,
            "condition.op",
            "gt, gte, lt, lte, crosses",
        ),
        (
            cond(json!({"all": []})),
            ErrorKind::InvalidValue,
            "condition.all",
            "at least one",
        ),
        (
            cond(json!({"all": [], "op": "gt"})),
            ErrorKind::InvalidValue,
            "condition",
            "exactly one",
        ),
        (
            cond(json!([1])),
            ErrorKind::WrongType,
            "condition",
            "object",
        ),
    ];
    for (rule, kind, field, needle) in cases {
        expect(&rule, kind, field, needle);
    }
}
