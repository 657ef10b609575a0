//! Query-parameter parsing with Binance's error answers.

use std::collections::HashMap;

use crate::rest::error::ApiError;

pub type Params = HashMap<String, String>;

/// A present, non-empty parameter.
pub fn get<'a>(p: &'a Params, name: &str) -> Option<&'a str> {
    p.get(name).map(String::as_str).filter(|v| !v.is_empty())
}

pub fn required<'a>(p: &'a Params, name: &str) -> Result<&'a str, ApiError> {
    get(p, name).ok_or_else(|| ApiError::mandatory(name))
}

pub fn number(p: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    get(p, name)
        .map(|v| v.parse::<i64>().map_err(|_| ApiError::illegal(name)))
        .transpose()
}

/// `symbols=["A","B"]` (JSON array of strings).
pub fn symbol_list(p: &Params) -> Result<Option<Vec<String>>, ApiError> {
    get(p, "symbols")
        .map(|raw| {
            serde_json::from_str::<Vec<String>>(raw).map_err(|_| ApiError::bad_json("symbols"))
        })
        .transpose()
}
