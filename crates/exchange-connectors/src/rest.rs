//! Exchange-neutral descriptions of REST requests; the collector's HTTP client executes them.

use market_model::{Interval, Symbol};

/// Which endpoint a request targets, for metric labels and weight accounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Klines,
    ExchangeInfo,
    Tickers24h,
}

impl Endpoint {
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Klines => "klines",
            Endpoint::ExchangeInfo => "exchange_info",
            Endpoint::Tickers24h => "ticker_24hr",
        }
    }
}

/// A GET request, ready to send: full URL with query string and its rate-limit weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestRequest {
    pub endpoint: Endpoint,
    pub url: String,
    /// Weight charged against the exchange's per-minute budget.
    pub weight: u32,
}

/// A page of klines to back-fill. Omitted bounds use the exchange's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KlinesQuery {
    pub symbol: Symbol,
    pub interval: Interval,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub limit: Option<u32>,
}

/// The query cannot be expressed as a valid request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("limit {limit} is outside 1..={max}")]
    LimitOutOfRange { limit: u32, max: u32 },
    #[error("start_time {start} is after end_time {end}")]
    EmptyRange { start: i64, end: i64 },
    #[error("time {0} is negative")]
    NegativeTime(i64),
}
