//! One webhook attempt: signed POST through the SSRF-guarded client, no redirects, a hard timeout.

use std::time::{Duration, Instant};

use reqwest::redirect::Policy;
use uuid::Uuid;

use super::guard::{GuardedResolver, check_url, target_error};
use super::signature::{EVENT_ID_HEADER, SIGNATURE_HEADER, sign};

/// Sends webhooks; cheap to clone (one connection pool).
#[derive(Debug, Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
    allow_private: bool,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver answered 2xx.
    pub delivered: bool,
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Whether another attempt could succeed (transport errors, 5xx, 408, 429).
    pub retryable: bool,
    pub elapsed: Duration,
}

impl WebhookSender {
    pub fn new(timeout: Duration, allow_private: bool) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(Policy::none())
            .dns_resolver(GuardedResolver { allow_private })
            .user_agent(concat!(
                "crypto-screener-alert-engine/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()?;
        Ok(Self {
            client,
            allow_private,
        })
    }

    /// POSTs `body` to `url`, signed with `secret`. Never panics and never follows a redirect (a 3xx is a
    /// permanent failure: the receiver must give its final URL).
    pub async fn send(
        &self,
        url: &str,
        secret: &str,
        event_id: Uuid,
        body: Vec<u8>,
        request_id: Option<&str>,
    ) -> Attempt {
        let started = Instant::now();
        let url = match check_url(url, self.allow_private) {
            Ok(url) => url,
            Err(error) => {
                return Attempt {
                    delivered: false,
                    status: None,
                    retryable: !error.is_permanent(),
                    error: Some(error.to_string()),
                    elapsed: started.elapsed(),
                };
            }
        };
        let signature = sign(secret.as_bytes(), &body);
        let mut request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_ID_HEADER, event_id.to_string())
            .header(SIGNATURE_HEADER, signature);
        if let Some(id) = request_id {
            request = request.header(observability::propagation::REQUEST_ID, id);
        }
        match request.body(body).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let delivered = response.status().is_success();
                Attempt {
                    delivered,
                    status: Some(status),
                    error: (!delivered).then(|| format!("HTTP {status}")),
                    retryable: !delivered && (status >= 500 || status == 408 || status == 429),
                    elapsed: started.elapsed(),
                }
            }
            Err(error) => {
                let (message, retryable) = match target_error(&error) {
                    Some(target) => (target.to_string(), !target.is_permanent()),
                    None => (describe(&error), true),
                };
                Attempt {
                    delivered: false,
                    status: None,
                    error: Some(message),
                    retryable,
                    elapsed: started.elapsed(),
                }
            }
        }
    }
}

/// The error with its causes, without the URL (it may carry credentials in its query).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
