#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Message templates: parse-time checks and rendering.

mod common;

use alert_rules::{DefaultSchema, Fire, RenderContext, Template, Tick};
use common::{compile_condition, snapshot};
use serde_json::json;

fn render(template: &str, value: Option<f64>, snap: &[Option<f64>]) -> String {
    let t = Template::parse(template, &DefaultSchema).unwrap();
    t.render(&RenderContext {
        symbol: "ETHBTC",
        exchange: "binance",
        interval: "5m",
        value,
        bar_open_time_ms: 1_767_225_900_000,
        now_ms: 1_767_226_012_345,
        snapshot: snap,
    })
}

#[test]
fn every_placeholder_renders() {
    let snap = snapshot(&[
        ("open", Some(1.0)),
        ("high", Some(2.5)),
        ("low", Some(0.5)),
        ("close", Some(2.0)),
        ("volume", Some(1234.5678)),
        ("rsi_14", Some(29.87)),
    ]);
    let text = "{{symbol}}@{{exchange}} {{interval}} o={{open}} h={{high}} l={{low}} c={{close}} v={{volume}} \
                x={{value}} rsi={{ rsi_14 }} t={{time}} now={{timenow}}";
    assert_eq!(
        render(text, Some(29.87), &snap),
        "ETHBTC@binance 5m o=1 h=2.5 l=0.5 c=2 v=1234.5678 x=29.87 rsi=29.87 \
         t=2026-01-01T00:05:00Z now=2026-01-01T00:06:52.345Z"
    );
}

#[test]
fn numbers_use_the_shortest_round_trip_form_and_missing_values_show_na() {
    let snap = snapshot(&[("close", Some(0.1 + 0.2)), ("open", Some(f64::INFINITY))]);
    assert_eq!(
        render("{{close}} {{open}} {{high}} {{value}}", None, &snap),
        "0.30000000000000004 na na na"
    );
    assert_eq!(render("{{value}}", Some(30.0), &snap), "30");
    assert_eq!(render("{{value}}", Some(-1e-7), &snap), "-0.0000001");
}

#[test]
fn literal_text_and_single_braces_pass_through() {
    let snap = snapshot(&[]);
    assert_eq!(render("", None, &snap), "");
    assert_eq!(
        render("plain { text } here", None, &snap),
        "plain { text } here"
    );
    assert_eq!(render("é{{symbol}}ü}}", None, &snap), "éETHBTCü}}");
}

#[test]
fn template_errors_name_the_problem_and_its_character_offset() {
    let cases = [
        ("ok {{nope}}", 3, "unknown placeholder {{nope}}"),
        ("é {{symbl}}", 2, "did you mean {{symbol}}"),
        ("{{}}", 0, "empty placeholder"),
        ("a {{symbol", 2, "never closed"),
    ];
    for (text, offset, needle) in cases {
        let err = Template::parse(text, &DefaultSchema).unwrap_err();
        assert_eq!(err.offset, offset, "{text}");
        assert!(err.message.contains(needle), "{text}: {}", err.message);
    }
    let long = "x".repeat(alert_rules::limits::MAX_MESSAGE_CHARS + 1);
    assert!(Template::parse(&long, &DefaultSchema).is_err());
}

#[test]
fn compiled_rules_render_their_message_with_the_first_leaf_value() {
    let mut json = common::rule_json(json!({"all": [
        {"left": "rsi_14", "op": "lt", "right": 30},
        {"left": "close", "op": "gt", "right": 1},
    ]}));
    json["message"] = json!("{{symbol}} RSI {{value}} at {{time}}");
    let rule = common::compile_json(&json);
    let snap = snapshot(&[("rsi_14", Some(25.5)), ("close", Some(2.0))]);
    let tick = Tick {
        bar_open_time_ms: 0,
        closed: true,
        now_ms: 1,
    };
    let mut state = rule.new_state();
    let alert_rules::Outcome::Fired(fire) = rule.evaluate(&mut state, snap.as_slice(), tick) else {
        panic!("should fire");
    };
    assert_eq!(
        fire,
        Fire {
            value: Some(25.5),
            disable_rule: false
        }
    );
    let mut out = String::new();
    rule.render_message(&mut out, "ETHBTC", "binance", &fire, tick, snap.as_slice());
    assert_eq!(out, "ETHBTC RSI 25.5 at 1970-01-01T00:00:00Z");
}

#[test]
fn rules_without_a_message_use_the_default_template() {
    let rule = compile_condition(json!({"left": "close", "op": "gt", "right": 1}));
    assert_eq!(rule.template().as_str(), alert_rules::DEFAULT_MESSAGE);
}
