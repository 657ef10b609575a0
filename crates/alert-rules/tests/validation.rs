#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every validation error names its kind and JSON path.

mod common;

use alert_rules::{DefaultSchema, ErrorKind, RuleSpec, parse_rule};
use common::check::{errors, expect, valid, with};
use serde_json::{Value, json};

#[test]
fn the_example_rule_is_valid() {
    let (spec, rule) = parse_rule(&valid().to_string(), &DefaultSchema).unwrap();
    assert_eq!(rule.name(), "test rule");
    assert_eq!(spec.cooldown_seconds, 0);
}

#[test]
fn field_errors_table() {
    let cases: Vec<(Value, ErrorKind, &str, &str)> = vec![
        (
            with("interval", json!("7m")),
            ErrorKind::UnknownInterval,
            "interval",
            "1s, 1m, 3m",
        ),
        (
            with("frequency", json!("hourly")),
            ErrorKind::UnknownFrequency,
            "frequency",
            "once, once_per_bar",
        ),
        (
            with("name", json!("  ")),
            ErrorKind::InvalidValue,
            "name",
            "empty",
        ),
        (
            with("name", json!(7)),
            ErrorKind::WrongType,
            "name",
            "string",
        ),
        (
            with("symbols", json!([])),
            ErrorKind::InvalidValue,
            "symbols",
            "at least one",
        ),
        (
            with("symbols", json!(["ETHBTC", "eth-btc"])),
            ErrorKind::InvalidSymbol,
            "symbols[1]",
            "eth-btc",
        ),
        (
            with("symbols", json!(["ETHBTC", "ETHBTC"])),
            ErrorKind::InvalidSymbol,
            "symbols[1]",
            "duplicate",
        ),
        (
            with("symbols", json!(["*", "ETHBTC"])),
            ErrorKind::InvalidSymbol,
            "symbols",
            "every symbol",
        ),
        (
            with("symbols", json!(["ETHBTC", 3])),
            ErrorKind::WrongType,
            "symbols[1]",
            "string",
        ),
        (
            with("webhook_url", json!("not a url")),
            ErrorKind::InvalidUrl,
            "webhook_url",
            "not a valid URL",
        ),
        (
            with("webhook_url", json!("ftp://example.com/x")),
            ErrorKind::InvalidUrl,
            "webhook_url",
            "http or https",
        ),
        (
            with("webhook_url", json!("file:///etc/passwd")),
            ErrorKind::InvalidUrl,
            "webhook_url",
            "http or https",
        ),
        (
            with("message", json!("{{symbol}} {{rsi14}}")),
            ErrorKind::InvalidTemplate,
            "message",
            "did you mean {{rsi_14}}",
        ),
        (
            with("message", json!("{{symbol")),
            ErrorKind::InvalidTemplate,
            "message",
            "never closed",
        ),
        (
            with("cooldown_seconds", json!(-5)),
            ErrorKind::InvalidValue,
            "cooldown_seconds",
            "negative",
        ),
        (
            with("cooldown_seconds", json!(1.5)),
            ErrorKind::InvalidValue,
            "cooldown_seconds",
            "whole number",
        ),
        (
            with("cooldown_seconds", json!("60")),
            ErrorKind::WrongType,
            "cooldown_seconds",
            "number",
        ),
        (
            with("expires_at", json!("tomorrow")),
            ErrorKind::InvalidValue,
            "expires_at",
            "RFC 3339",
        ),
    ];
    for (rule, kind, field, needle) in cases {
        expect(&rule, kind, field, needle);
    }
}

#[test]
fn missing_required_fields_are_each_reported() {
    let errs = errors(&json!({}));
    let fields: Vec<&str> = errs.as_slice().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["name", "symbols", "interval", "condition", "webhook_url"]
    );
    assert!(
        errs.as_slice()
            .iter()
            .all(|e| e.kind == ErrorKind::MissingField)
    );
}

#[test]
fn too_many_symbols_is_rejected() {
    let symbols: Vec<String> = (0..101).map(|i| format!("SYM{i}")).collect();
    expect(
        &with("symbols", json!(symbols)),
        ErrorKind::TooManySymbols,
        "symbols",
        "at most 100",
    );
}

#[test]
fn conditions_are_bounded_in_depth_and_size() {
    let mut deep = json!({"left": "close", "op": "gt", "right": 1});
    for _ in 0..5 {
        deep = json!({"all": [deep]});
    }
    expect(
        &with("condition", deep),
        ErrorKind::TooComplex,
        "condition.all[0].all[0].all[0].all[0].all[0]",
        "5 levels",
    );
    let wide: Vec<Value> = (0..40)
        .map(|_| json!({"left": "close", "op": "gt", "right": 1}))
        .collect();
    expect(
        &with("condition", json!({"any": wide})),
        ErrorKind::TooComplex,
        "condition.any[31]",
        "at most 32",
    );
}

#[test]
fn values_and_strings_are_validated_alike() {
    let rule = with("interval", json!("7m"));
    let from_value = alert_rules::parse_rule_value(&rule, &DefaultSchema).unwrap_err();
    assert_eq!(from_value, errors(&rule));
    assert!(alert_rules::parse_rule_value(&valid(), &DefaultSchema).is_ok());
}

#[test]
fn invalid_json_reports_line_and_column() {
    let errs = parse_rule("{\"name\": \"x\",\n  \"symbols\": [}", &DefaultSchema).unwrap_err();
    assert_eq!(errs.first().kind, ErrorKind::InvalidJson);
    assert!(
        errs.first().message.contains("line 2"),
        "{}",
        errs.first().message
    );
}

#[test]
fn a_non_object_rule_is_a_type_error_at_the_root() {
    expect(&json!([1, 2]), ErrorKind::WrongType, "", "JSON object");
}

#[test]
fn errors_render_as_the_gateway_body() {
    let errs = errors(&with("interval", json!("7m")));
    let body = errs.to_api_body();
    assert_eq!(body["error"]["code"], "validation_error");
    assert_eq!(body["error"]["field"], "interval");
    assert_eq!(body["error"]["kind"], "unknown_interval");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown interval \"7m\"")
    );
    assert_eq!(body["error"]["details"].as_array().unwrap().len(), 1);
    assert_eq!(errs.to_string(), errs.first().to_string());
}

#[test]
fn several_problems_are_reported_together() {
    let mut rule = with("name", json!(""));
    rule["webhook_url"] = json!("ftp://x");
    rule["condition"] = json!({"left": "nope", "op": "gt", "right": 1});
    let errs = errors(&rule);
    let fields: Vec<&str> = errs.as_slice().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "condition.left", "webhook_url"]);
    assert!(errs.to_string().ends_with("(and 2 more)"));
}

#[test]
fn specs_round_trip_through_serde_and_ignore_unknown_keys() {
    let mut json = valid();
    json["expires_at"] = json!("2030-01-01T00:00:00+02:00");
    json["future_option"] = json!({"x": 1});
    let spec: RuleSpec = serde_json::from_value(json).unwrap();
    let again: RuleSpec = serde_json::from_value(serde_json::to_value(&spec).unwrap()).unwrap();
    assert_eq!(spec, again);
    assert_eq!(
        serde_json::to_value(&spec).unwrap()["condition"],
        json!({"left": "rsi_14", "op": "crosses_below", "right": 30.0})
    );
    let bad: Result<RuleSpec, _> = serde_json::from_value(with("interval", json!("7m")));
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("interval: unknown interval")
    );
}

#[test]
fn defaults_apply_when_optional_fields_are_absent_or_null() {
    let mut json = valid();
    for key in ["frequency", "cooldown_seconds", "message"] {
        json.as_object_mut().unwrap().remove(key);
    }
    json["expires_at"] = Value::Null;
    let spec = RuleSpec::from_value(&json).unwrap();
    assert_eq!(spec.frequency, alert_rules::Frequency::OncePerBarClose);
    assert_eq!(
        (spec.cooldown_seconds, spec.expires_at, spec.message),
        (0, None, None)
    );
}
