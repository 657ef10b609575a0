//! Assertions for validation tests.

use alert_rules::{DefaultSchema, ErrorKind, ValidationErrors, parse_rule};
use serde_json::{Value, json};

pub fn valid() -> Value {
    super::rule_json(json!({"left": "rsi_14", "op": "crosses_below", "right": 30}))
}

pub fn with(key: &str, value: Value) -> Value {
    let mut rule = valid();
    rule[key] = value;
    rule
}

pub fn errors(rule: &Value) -> ValidationErrors {
    match parse_rule(&rule.to_string(), &DefaultSchema) {
        Ok(_) => panic!("rule should be rejected: {rule}"),
        Err(e) => e,
    }
}

/// Asserts the first error's kind and path, and that its message mentions `needle`.
pub fn expect(rule: &Value, kind: ErrorKind, field: &str, needle: &str) {
    let errs = errors(rule);
    let e = errs.first();
    assert_eq!((e.kind, e.field.as_str()), (kind, field), "{errs:?}");
    assert!(
        e.message.contains(needle),
        "message {:?} should mention {needle:?}",
        e.message
    );
}
