//! Classification of failed REST responses, so retry loops branch on types rather than strings.

use std::time::Duration;

use serde::Deserialize;

/// Wait when a 429 carries no `Retry-After`: the rest of the one-minute weight window.
const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// Wait when a 418 carries no `Retry-After`: Binance's shortest automatic ban.
const DEFAULT_BAN_WAIT: Duration = Duration::from_secs(120);

/// An error body such as `{"code":-1121,"msg":"Invalid symbol."}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    pub code: i64,
    pub msg: String,
}

impl ApiError {
    /// Reads an exchange error body; `None` if the body is not one.
    pub fn from_body(body: &str) -> Option<ApiError> {
        serde_json::from_str(body).ok()
    }
}

/// A non-success REST response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestError {
    #[error("rate limited (429), retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    #[error("IP banned (418) for {retry_after:?}")]
    Banned { retry_after: Duration },
    #[error("blocked by the web application firewall (403)")]
    Waf,
    #[error("server error {status}")]
    Server { status: u16, api: Option<ApiError> },
    #[error("request rejected with {status}: {api:?}")]
    Client { status: u16, api: Option<ApiError> },
    #[error("unexpected status {status}")]
    Unexpected { status: u16 },
}

impl RestError {
    /// Classifies a response status; `Ok(())` for 2xx.
    pub fn classify(status: u16, retry_after: Option<&str>, body: &str) -> Result<(), RestError> {
        let wait = retry_after.and_then(parse_retry_after);
        match status {
            200..=299 => Ok(()),
            429 => Err(RestError::RateLimited {
                retry_after: wait.unwrap_or(DEFAULT_RATE_LIMIT_WAIT),
            }),
            418 => Err(RestError::Banned {
                retry_after: wait.unwrap_or(DEFAULT_BAN_WAIT),
            }),
            403 => Err(RestError::Waf),
            500..=599 => Err(RestError::Server {
                status,
                api: ApiError::from_body(body),
            }),
            400..=499 => Err(RestError::Client {
                status,
                api: ApiError::from_body(body),
            }),
            _ => Err(RestError::Unexpected { status }),
        }
    }

    /// Whether the same request can succeed later: after [`retry_after`](Self::retry_after) for
    /// 429 and 418, after the caller's own back-off for 5xx. 403 and other 4xx are terminal.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            RestError::RateLimited { .. } | RestError::Banned { .. } | RestError::Server { .. }
        )
    }

    /// The minimum wait the exchange demands before any further request from this IP.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            RestError::RateLimited { retry_after } | RestError::Banned { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }

    /// Bounded label for metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            RestError::RateLimited { .. } => "rate_limited",
            RestError::Banned { .. } => "banned",
            RestError::Waf => "waf",
            RestError::Server { .. } => "server",
            RestError::Client { .. } => "client",
            RestError::Unexpected { .. } => "unexpected",
        }
    }
}

/// `Retry-After` in delta-seconds form (the form Binance sends); HTTP dates are not supported.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A used-weight header value such as `X-MBX-USED-WEIGHT-1M: 1234`.
pub fn parse_used_weight(value: &str) -> Option<u32> {
    value.trim().parse().ok()
}
