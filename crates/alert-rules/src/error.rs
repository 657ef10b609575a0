//! Validation errors shaped for the api-gateway's `400` bodies.

use serde::Serialize;
use serde_json::{Value, json};
use std::fmt;

/// Machine-readable category of a validation failure, so clients can branch without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    InvalidJson,
    MissingField,
    WrongType,
    UnknownField,
    UnknownOperator,
    UnknownFrequency,
    UnknownInterval,
    InvalidValue,
    InvalidSymbol,
    TooManySymbols,
    InvalidUrl,
    InvalidTemplate,
    TooComplex,
}

/// One problem in a rule, located by its JSON path (`condition.all[1].left`; empty for the document root).
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
pub struct ValidationError {
    pub kind: ErrorKind,
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(kind: ErrorKind, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            field: field.into(),
            message: message.into(),
        }
    }

    /// The body the api-gateway returns with HTTP 400.
    pub fn to_api_body(&self) -> Value {
        json!({
            "error": {
                "code": "validation_error",
                "kind": self.kind,
                "message": self.message,
                "field": if self.field.is_empty() { Value::Null } else { Value::from(self.field.as_str()) },
            }
        })
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Every problem found in one rule (never empty), so a user can fix them all in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(transparent)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// Returns `None` for an empty list, which keeps the "never empty" invariant.
    pub fn from_vec(errors: Vec<ValidationError>) -> Option<Self> {
        if errors.is_empty() {
            None
        } else {
            Some(Self(errors))
        }
    }

    pub fn single(error: ValidationError) -> Self {
        Self(vec![error])
    }

    pub fn first(&self) -> &ValidationError {
        // Invariant: constructed only through `from_vec` (non-empty) or `single`.
        &self.0[0]
    }

    pub fn as_slice(&self) -> &[ValidationError] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<ValidationError> {
        self.0
    }

    /// The first error in the gateway's envelope, with all of them under `error.details`.
    pub fn to_api_body(&self) -> Value {
        let mut body = self.first().to_api_body();
        body["error"]["details"] = json!(self.0);
        body
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first())?;
        if self.0.len() > 1 {
            write!(f, " (and {} more)", self.0.len() - 1)?;
        }
        Ok(())
    }
}
