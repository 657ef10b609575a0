//! Turning a request body into a validated rule: the alert-rules crate checks the rule JSON (every error with
//! its JSON path); `enabled` is the gateway's own member next to it.

use alert_rules::{DefaultSchema, ErrorKind, RuleSpec, ValidationError, ValidationErrors};
use serde_json::{Map, Value};

use super::ApiError;

/// A rule ready to store.
#[derive(Debug)]
pub struct ValidRule {
    pub spec: RuleSpec,
    pub spec_json: Value,
    pub enabled: bool,
}

fn invalid(kind: ErrorKind, field: &str, message: &str) -> ApiError {
    ApiError::validation(&ValidationErrors::single(ValidationError::new(
        kind, field, message,
    )))
}

/// Parses the body as a JSON object (syntax errors reported with line and column, like the rule crate does).
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| invalid(ErrorKind::InvalidJson, "", "the body is not UTF-8"))?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(invalid(
            ErrorKind::WrongType,
            "",
            "the body must be a JSON object",
        )),
        Err(_) => Err(match RuleSpec::from_json_str(text) {
            Err(errors) => ApiError::validation(&errors),
            Ok(_) => invalid(ErrorKind::InvalidJson, "", "the body is not valid JSON"),
        }),
    }
}

/// Validates a whole rule; `enabled` defaults to `default_enabled`.
pub fn validate(
    mut object: Map<String, Value>,
    default_enabled: bool,
) -> Result<ValidRule, ApiError> {
    let enabled = match object.remove("enabled") {
        None | Some(Value::Null) => default_enabled,
        Some(Value::Bool(enabled)) => enabled,
        Some(_) => {
            return Err(invalid(
                ErrorKind::WrongType,
                "enabled",
                "enabled must be true or false",
            ));
        }
    };
    // Read-only members of a rule the client may send back unchanged.
    for key in ["id", "revision", "created_at", "updated_at", "secret"] {
        object.remove(key);
    }
    let value = Value::Object(object);
    let (spec, _compiled) = alert_rules::parse_rule_value(&value, &DefaultSchema)
        .map_err(|e| ApiError::validation(&e))?;
    let spec_json = serde_json::to_value(&spec)
        .map_err(|_| invalid(ErrorKind::InvalidValue, "", "the rule cannot be stored"))?;
    Ok(ValidRule {
        spec,
        spec_json,
        enabled,
    })
}

/// RFC 7386 JSON merge patch: objects merge, `null` removes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: Value) {
    match patch {
        Value::Object(patch) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(target) = target {
                for (key, value) in patch {
                    if value.is_null() {
                        target.remove(&key);
                    } else {
                        merge_patch(target.entry(key).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut doc = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge_patch(&mut doc, json!({"a": null, "b": {"c": 5}, "e": [1]}));
        assert_eq!(doc, json!({"b": {"c": 5, "d": 3}, "e": [1]}));
    }

    #[test]
    fn enabled_must_be_a_boolean() {
        let object = parse_object(br#"{"enabled": "yes"}"#).unwrap();
        let error = validate(object, true).unwrap_err();
        assert_eq!(error.code, "validation_error");
        assert_eq!(error.extra["field"], "enabled");
    }

    #[test]
    fn syntax_errors_are_validation_errors() {
        let error = parse_object(b"{\"name\": ").unwrap_err();
        assert_eq!(error.code, "validation_error");
        assert_eq!(error.extra["kind"], "invalid_json");
    }
}
