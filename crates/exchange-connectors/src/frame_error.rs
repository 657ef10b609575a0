//! Why an exchange message (WebSocket frame or REST body) could not be turned into data.

use market_model::{CandleError, SymbolError};

/// Parse failure with a bounded [`reason`](FrameError::reason) for metric labels.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrameError {
    #[error("message of {len} bytes exceeds the {max}-byte limit")]
    TooLarge { len: usize, max: usize },
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    #[error("missing field: {0}")]
    MissingField(String),
    #[error("field has the wrong type: {0}")]
    WrongType(String),
    #[error("field {field} is not a finite decimal: {value:?}")]
    BadNumber { field: &'static str, value: String },
    #[error("unknown interval {0:?}")]
    BadInterval(String),
    #[error("bad symbol: {0}")]
    BadSymbol(#[from] SymbolError),
    #[error("inconsistent candle: {0}")]
    InvalidCandle(#[from] CandleError),
    #[error("JSON object is neither an event, a stream envelope nor a control reply")]
    UnknownEvent,
    #[error("exchange returned error {code}: {msg}")]
    Api { code: i64, msg: String },
}

impl FrameError {
    /// Bounded label for `..._errors_total{reason=...}`.
    pub fn reason(&self) -> &'static str {
        match self {
            FrameError::TooLarge { .. } => "too_large",
            FrameError::InvalidJson(_) => "invalid_json",
            FrameError::MissingField(_) => "missing_field",
            FrameError::WrongType(_) => "wrong_type",
            FrameError::BadNumber { .. } => "bad_number",
            FrameError::BadInterval(_) => "bad_interval",
            FrameError::BadSymbol(_) => "bad_symbol",
            FrameError::InvalidCandle(_) => "invalid_candle",
            FrameError::UnknownEvent => "unknown_event",
            FrameError::Api { .. } => "api_error",
        }
    }

    /// Every label [`reason`](FrameError::reason) can return, so metrics can be pre-registered at zero.
    pub const REASONS: [&'static str; 10] = [
        "too_large",
        "invalid_json",
        "missing_field",
        "wrong_type",
        "bad_number",
        "bad_interval",
        "bad_symbol",
        "invalid_candle",
        "unknown_event",
        "api_error",
    ];

    /// Parses an exchange decimal string; non-finite results (`NaN`, `inf`, `1e999`) are rejected.
    pub(crate) fn decimal(field: &'static str, s: &str) -> Result<f64, FrameError> {
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(FrameError::BadNumber {
                field,
                value: s.chars().take(32).collect(),
            }),
        }
    }
}

impl From<serde_json::Error> for FrameError {
    fn from(e: serde_json::Error) -> Self {
        use serde_json::error::Category;
        let msg = e.to_string();
        match e.classify() {
            Category::Io | Category::Syntax | Category::Eof => FrameError::InvalidJson(msg),
            Category::Data
                if msg.starts_with("missing field") || msg.starts_with("invalid length") =>
            {
                FrameError::MissingField(msg)
            }
            Category::Data if msg.starts_with("duplicate field") => FrameError::InvalidJson(msg),
            Category::Data => FrameError::WrongType(msg),
        }
    }
}
