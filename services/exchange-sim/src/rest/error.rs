//! Binance's REST error bodies (`{"code":-1121,"msg":"Invalid symbol."}`): always the caller's fault here,
//! so they are answered with 400 and not logged.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {msg}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: i64,
    pub msg: String,
}

impl ApiError {
    fn bad(code: i64, msg: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            msg: msg.into(),
        }
    }

    pub fn invalid_symbol() -> Self {
        Self::bad(-1121, "Invalid symbol.")
    }

    pub fn invalid_interval() -> Self {
        Self::bad(-1120, "Invalid interval.")
    }

    pub fn mandatory(param: &str) -> Self {
        Self::bad(
            -1102,
            format!("Mandatory parameter '{param}' was not sent, was empty/null, or malformed."),
        )
    }

    pub fn illegal(param: &str) -> Self {
        Self::bad(
            -1100,
            format!(
                "Illegal characters found in parameter '{param}'; legal range is '^[0-9]{{1,20}}$'."
            ),
        )
    }

    pub fn start_after_end() -> Self {
        Self::bad(-1023, "Start time is greater than end time.")
    }

    pub fn bad_combination() -> Self {
        Self::bad(-1128, "Combination of optional parameters invalid.")
    }

    pub fn invalid_status() -> Self {
        Self::bad(-1122, "Invalid symbolStatus.")
    }

    pub fn bad_json(param: &str) -> Self {
        Self::bad(
            -1100,
            format!(
                "Illegal characters found in parameter '{param}'; expected a JSON array of symbols."
            ),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({"code": self.code, "msg": self.msg})),
        )
            .into_response()
    }
}
