//! HTTP probes against a running service.

use std::time::{Duration, Instant};

use serde_json::Value;

/// GET `url`, returning the status and the body parsed as JSON (Null when it is not JSON).
pub async fn get_json(url: &str) -> (u16, Value) {
    let response = reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// Polls `url` until it answers `status`, or panics with the last answer after `timeout`.
pub async fn wait_for_status(url: &str, status: u16, timeout: Duration) -> Value {
    let deadline = Instant::now() + timeout;
    loop {
        let last = match reqwest::get(url).await {
            Ok(response) => {
                let code = response.status().as_u16();
                let body: Value = serde_json::from_str(&response.text().await.unwrap_or_default())
                    .unwrap_or(Value::Null);
                if code == status {
                    return body;
                }
                format!("{code} {body}")
            }
            Err(error) => error.to_string(),
        };
        assert!(
            Instant::now() < deadline,
            "{url} did not answer {status} within {timeout:?}; last: {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
