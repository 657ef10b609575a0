//! Structural decoding of rule JSON into [`RuleSpec`], with a JSON path on every error.
//!
//! Hand-written rather than derived because serde stops at the first error and its messages neither name the
//! JSON path nor list valid operators; users get all problems at once, each located.

mod condition;
mod json;

pub(crate) use json::{child, index};

use crate::limits::MAX_COOLDOWN_SECONDS;
use crate::{ErrorKind, Frequency, Interval, RuleSpec, ValidationError, ValidationErrors};
use chrono::{DateTime, Utc};
use json::{Object, as_str, keep, keyword, optional, required, required_str, type_name};
use serde_json::Value;

pub(crate) fn rule_str(text: &str) -> Result<RuleSpec, ValidationErrors> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ValidationErrors::single(ValidationError::new(
            ErrorKind::InvalidJson,
            "",
            format!(
                "invalid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            ),
        ))
    })?;
    rule(&value)
}

pub(crate) fn rule(value: &Value) -> Result<RuleSpec, ValidationErrors> {
    let Some(obj) = value.as_object() else {
        return Err(ValidationErrors::single(ValidationError::new(
            ErrorKind::WrongType,
            "",
            format!("a rule must be a JSON object, got {}", type_name(value)),
        )));
    };
    let mut errors = Vec::new();
    let name = keep(&mut errors, required_str(obj, "", "name")).map(str::to_owned);
    let symbols = keep(&mut errors, symbols(obj));
    let interval = keep(&mut errors, interval(obj));
    let condition = match keep(&mut errors, required(obj, "", "condition")) {
        Some(v) => condition::Walk::new(&mut errors).condition(v, "condition", 1),
        None => None,
    };
    let frequency = keep(&mut errors, frequency(obj));
    let cooldown_seconds = keep(&mut errors, cooldown(obj));
    let expires_at = keep(&mut errors, expires_at(obj));
    let webhook_url = keep(&mut errors, required_str(obj, "", "webhook_url")).map(str::to_owned);
    let message = keep(&mut errors, message(obj));
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors);
    }
    match (
        name,
        symbols,
        interval,
        condition,
        frequency,
        cooldown_seconds,
        expires_at,
        webhook_url,
        message,
    ) {
        (
            Some(name),
            Some(symbols),
            Some(interval),
            Some(condition),
            Some(frequency),
            Some(cooldown_seconds),
            Some(expires_at),
            Some(webhook_url),
            Some(message),
        ) => Ok(RuleSpec {
            name,
            symbols,
            interval,
            condition,
            frequency,
            cooldown_seconds,
            expires_at,
            webhook_url,
            message,
        }),
        // Every `None` above pushed an error, so this arm is unreachable in practice; stay typed anyway.
        _ => Err(ValidationErrors::single(ValidationError::new(
            ErrorKind::InvalidValue,
            "",
            "rule could not be decoded",
        ))),
    }
}

fn symbols(obj: &Object) -> Result<Vec<String>, ValidationError> {
    let value = required(obj, "", "symbols")?;
    let Some(items) = value.as_array() else {
        return Err(ValidationError::new(
            ErrorKind::WrongType,
            "symbols",
            format!("must be an array of symbols, got {}", type_name(value)),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| as_str(item, &index("symbols", i)).map(str::to_owned))
        .collect()
}

fn interval(obj: &Object) -> Result<Interval, ValidationError> {
    let value = required(obj, "", "interval")?;
    keyword(
        value,
        "interval",
        "interval",
        ErrorKind::UnknownInterval,
        Interval::parse,
        Interval::names(),
    )
}

fn frequency(obj: &Object) -> Result<Frequency, ValidationError> {
    match optional(obj, "frequency") {
        None => Ok(Frequency::default()),
        Some(value) => keyword(
            value,
            "frequency",
            "frequency",
            ErrorKind::UnknownFrequency,
            Frequency::parse,
            Frequency::names(),
        ),
    }
}

fn cooldown(obj: &Object) -> Result<u64, ValidationError> {
    let Some(value) = optional(obj, "cooldown_seconds") else {
        return Ok(0);
    };
    let invalid = |message: String| {
        ValidationError::new(ErrorKind::InvalidValue, "cooldown_seconds", message)
    };
    if let Some(seconds) = value.as_u64() {
        if seconds > MAX_COOLDOWN_SECONDS {
            return Err(invalid(format!(
                "must be at most {MAX_COOLDOWN_SECONDS} seconds"
            )));
        }
        return Ok(seconds);
    }
    match value.as_f64() {
        Some(n) if n < 0.0 => Err(invalid(format!("must not be negative, got {n}"))),
        Some(n) => Err(invalid(format!(
            "must be a whole number of seconds, got {n}"
        ))),
        None => Err(ValidationError::new(
            ErrorKind::WrongType,
            "cooldown_seconds",
            format!("must be a number of seconds, got {}", type_name(value)),
        )),
    }
}

fn expires_at(obj: &Object) -> Result<Option<DateTime<Utc>>, ValidationError> {
    let Some(value) = optional(obj, "expires_at") else {
        return Ok(None);
    };
    let text = as_str(value, "expires_at")?;
    DateTime::parse_from_rfc3339(text)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|e| {
            ValidationError::new(
                ErrorKind::InvalidValue,
                "expires_at",
                format!("must be an RFC 3339 timestamp such as 2026-01-31T00:00:00Z ({e})"),
            )
        })
}

fn message(obj: &Object) -> Result<Option<String>, ValidationError> {
    optional(obj, "message")
        .map(|v| as_str(v, "message").map(str::to_owned))
        .transpose()
}
