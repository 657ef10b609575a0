//! A local webhook receiver: an axum server on port 0 that records every call and can fail the first ones.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

use crate::helpers::wait_until;

#[derive(Debug, Clone)]
pub struct Hit {
    pub event_id: String,
    pub signature: String,
    pub body: Vec<u8>,
    pub json: serde_json::Value,
    pub status: u16,
}

#[derive(Clone, Default)]
struct Shared {
    hits: Arc<Mutex<Vec<Hit>>>,
    fail_first: Arc<AtomicUsize>,
    calls: Arc<AtomicUsize>,
}

pub struct Receiver {
    pub url: String,
    shared: Shared,
}

impl Receiver {
    /// Answers 500 to the first `fail_first` calls, 200 afterwards.
    pub async fn start(fail_first: usize) -> Self {
        let shared = Shared::default();
        shared.fail_first.store(fail_first, Ordering::SeqCst);
        let app = Router::new()
            .route("/hook", post(record))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, shared }
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.shared.hits.lock().unwrap().clone()
    }

    /// Calls answered 2xx.
    pub fn delivered(&self) -> Vec<Hit> {
        self.hits()
            .into_iter()
            .filter(|h| h.status == 200)
            .collect()
    }

    pub async fn wait_for_delivered(&self, n: usize, timeout: Duration) -> Vec<Hit> {
        wait_until(timeout, || async { self.delivered().len() >= n }).await;
        self.delivered()
    }
}

async fn record(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let call = shared.calls.fetch_add(1, Ordering::SeqCst);
    let status = if call < shared.fail_first.load(Ordering::SeqCst) {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    shared.hits.lock().unwrap().push(Hit {
        event_id: header("x-screener-event-id"),
        signature: header("x-screener-signature"),
        json: serde_json::from_slice(&body).unwrap_or_default(),
        body: body.to_vec(),
        status: status.as_u16(),
    });
    status
}

/// Long enough for any single test step on a loaded 2-core machine.
pub const PATIENCE: Duration = Duration::from_secs(30);
