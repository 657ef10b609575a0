//! The HTTP client for an exchange's REST API: executes the connector's request descriptions, keeps the
//! request weight of the last minute under a budget, and after a 429/418 sends nothing until `Retry-After`
//! has passed (every caller shares one client, so one pause covers all).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use exchange_connectors::{Connector, RestError, RestRequest, parse_used_weight};
use observability::catalog::data_collector::{REST_REQUESTS, REST_WEIGHT_USED};
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Share of the exchange's per-minute weight the collector allows itself (other tools may share the IP).
const WEIGHT_BUDGET_SHARE: f64 = 0.8;
const WEIGHT_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("exchange rejected the request: {0}")]
    Rejected(RestError),
    #[error("exchange unavailable: {0}")]
    Transient(String),
    #[error("shutting down")]
    Cancelled,
}

impl FetchError {
    /// Retrying the same request cannot help (unknown symbol, WAF block): give up on it.
    pub fn is_terminal(&self) -> bool {
        match self {
            FetchError::Rejected(e) => !e.is_retryable(),
            FetchError::Transient(_) => false,
            FetchError::Cancelled => true,
        }
    }
}

#[derive(Debug)]
struct Pacing {
    sent: VecDeque<(Instant, u32)>,
    blocked_until: Option<Instant>,
}

#[derive(Clone)]
pub struct RestClient {
    http: reqwest::Client,
    connector: Arc<dyn Connector>,
    budget: u32,
    pacing: Arc<Mutex<Pacing>>,
}

impl RestClient {
    pub fn new(connector: Arc<dyn Connector>) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        let limit = f64::from(connector.limits().rest_weight_per_minute);
        Ok(Self {
            http,
            budget: ((limit * WEIGHT_BUDGET_SHARE) as u32).max(1),
            connector,
            pacing: Arc::new(Mutex::new(Pacing {
                sent: VecDeque::new(),
                blocked_until: None,
            })),
        })
    }

    pub fn connector(&self) -> &Arc<dyn Connector> {
        &self.connector
    }

    /// Waits until the request fits the weight budget and no ban is running, then reserves its weight.
    async fn reserve(&self, weight: u32) {
        loop {
            let wake = {
                let mut pacing = self.pacing.lock().await;
                let now = Instant::now();
                while pacing
                    .sent
                    .front()
                    .is_some_and(|(t, _)| now.saturating_duration_since(*t) >= WEIGHT_WINDOW)
                {
                    pacing.sent.pop_front();
                }
                let used: u32 = pacing.sent.iter().map(|(_, w)| w).sum();
                match pacing.blocked_until {
                    Some(until) if until > now => until,
                    _ if used + weight > self.budget && !pacing.sent.is_empty() => {
                        pacing.sent.front().map_or(now, |(t, _)| *t + WEIGHT_WINDOW)
                    }
                    _ => {
                        pacing.sent.push_back((now, weight));
                        return;
                    }
                }
            };
            tokio::time::sleep_until(wake).await;
        }
    }

    async fn block_for(&self, wait: Duration) {
        let mut pacing = self.pacing.lock().await;
        let until = Instant::now() + wait;
        pacing.blocked_until = Some(pacing.blocked_until.map_or(until, |u| u.max(until)));
    }

    /// Sends one GET and returns the body of a successful response.
    pub async fn get(&self, request: &RestRequest) -> Result<String, FetchError> {
        self.reserve(request.weight).await;
        let response = match self.http.get(&request.url).send().await {
            Ok(response) => response,
            Err(error) => {
                REST_REQUESTS
                    .counter_with(&[("outcome", "network")])
                    .increment(1);
                return Err(FetchError::Transient(error.to_string()));
            }
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        if let Some(used) =
            header(self.connector.used_weight_header()).and_then(|v| parse_used_weight(&v))
        {
            REST_WEIGHT_USED.gauge().set(f64::from(used));
            if used >= self.budget {
                // Someone else on this IP uses weight too: let the window drain before the next request.
                self.block_for(Duration::from_secs(5)).await;
            }
        }
        let retry_after = header("Retry-After");
        let body = response
            .text()
            .await
            .map_err(|e| FetchError::Transient(e.to_string()))?;
        match self
            .connector
            .check_response(status, retry_after.as_deref(), &body)
        {
            Ok(()) => {
                REST_REQUESTS
                    .counter_with(&[("outcome", "ok")])
                    .increment(1);
                Ok(body)
            }
            Err(error) => {
                let outcome = match &error {
                    RestError::RateLimited { .. } => "rate_limited",
                    RestError::Banned { .. } => "banned",
                    RestError::Server { .. } | RestError::Unexpected { .. } => "server_error",
                    RestError::Waf | RestError::Client { .. } => "client_error",
                };
                REST_REQUESTS
                    .counter_with(&[("outcome", outcome)])
                    .increment(1);
                if let Some(wait) = error.retry_after() {
                    tracing::warn!(?wait, %error, "exchange asks to wait before the next request");
                    self.block_for(wait).await;
                }
                Err(FetchError::Rejected(error))
            }
        }
    }
}
