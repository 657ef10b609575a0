//! Query and path values shared by several endpoints, parsed into typed values or 400s that name the parameter.

use market_model::{ExchangeId, Interval, Symbol};

use super::ApiError;

pub fn interval(value: Option<&str>) -> Result<Interval, ApiError> {
    let text = value.ok_or_else(|| {
        ApiError::invalid("invalid_parameter", "interval", "interval is required")
    })?;
    text.parse().map_err(|e: market_model::IntervalError| {
        ApiError::invalid("invalid_parameter", "interval", e.to_string())
    })
}

pub fn symbol(value: &str) -> Result<Symbol, ApiError> {
    Symbol::new(value).map_err(|e| ApiError::invalid("invalid_parameter", "symbol", e.to_string()))
}

pub fn exchange(value: Option<&str>) -> Result<ExchangeId, ApiError> {
    value
        .unwrap_or("binance")
        .parse()
        .map_err(|e: market_model::ExchangeIdError| {
            ApiError::invalid("invalid_parameter", "exchange", e.to_string())
        })
}

/// `limit` within `1..=max`, `default` when absent.
pub fn limit(value: Option<i64>, default: i64, max: i64) -> Result<i64, ApiError> {
    let limit = value.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::invalid(
            "invalid_parameter",
            "limit",
            format!("limit must be between 1 and {max}"),
        ))
    }
}

pub fn offset(value: Option<i64>) -> Result<i64, ApiError> {
    match value.unwrap_or(0) {
        o if o >= 0 => Ok(o),
        _ => Err(ApiError::invalid(
            "invalid_parameter",
            "offset",
            "offset must be >= 0",
        )),
    }
}

/// A time in ms since the Unix epoch, within what PostgreSQL timestamps hold.
pub fn time_ms(
    value: Option<i64>,
    name: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    value
        .map(|ms| {
            chrono::DateTime::from_timestamp_millis(ms)
                .filter(|t| (0..=253_402_300_799_999).contains(&t.timestamp_millis()))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "invalid_parameter",
                        name,
                        format!("{name} must be ms since 1970 and before year 10000"),
                    )
                })
        })
        .transpose()
}
