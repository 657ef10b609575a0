//! Small helpers for walking a `serde_json::Value` while tracking the JSON path of each value.

use crate::{ErrorKind, ValidationError};
use serde_json::{Map, Value};

pub(crate) type Object = Map<String, Value>;

pub(crate) fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value at `key`, treating JSON `null` as absent.
pub(crate) fn optional<'a>(obj: &'a Object, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

pub(crate) fn required<'a>(
    obj: &'a Object,
    path: &str,
    key: &str,
) -> Result<&'a Value, ValidationError> {
    optional(obj, key).ok_or_else(|| {
        ValidationError::new(
            ErrorKind::MissingField,
            child(path, key),
            format!("{key} is required"),
        )
    })
}

pub(crate) fn as_str<'a>(value: &'a Value, path: &str) -> Result<&'a str, ValidationError> {
    value.as_str().ok_or_else(|| {
        ValidationError::new(
            ErrorKind::WrongType,
            path,
            format!("must be a string, got {}", type_name(value)),
        )
    })
}

pub(crate) fn required_str<'a>(
    obj: &'a Object,
    path: &str,
    key: &str,
) -> Result<&'a str, ValidationError> {
    as_str(required(obj, path, key)?, &child(path, key))
}

/// Parses an enum-like string, listing the valid spellings when it does not match.
pub(crate) fn keyword<T, I>(
    value: &Value,
    path: &str,
    what: &str,
    kind: ErrorKind,
    parse: fn(&str) -> Option<T>,
    names: I,
) -> Result<T, ValidationError>
where
    I: Iterator<Item = &'static str>,
{
    let s = as_str(value, path)?;
    parse(s).ok_or_else(|| {
        let valid: Vec<&str> = names.collect();
        ValidationError::new(
            kind,
            path,
            format!("unknown {what} \"{s}\"; valid: {}", valid.join(", ")),
        )
    })
}

/// Keeps decoding after an error so that one response lists every problem.
pub(crate) fn keep<T>(
    errors: &mut Vec<ValidationError>,
    r: Result<T, ValidationError>,
) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}
