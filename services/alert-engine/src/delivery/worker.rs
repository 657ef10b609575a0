//! The delivery worker: leases due events, sends each with one attempt, and records the outcome or the next
//! attempt's time (exponential backoff with jitter, same `event_id` every time). New events wake it at once;
//! a poll finds due retries and events another replica leased and never finished.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use observability::CancellationToken;
use observability::catalog::alert_engine::{
    DELIVERY_DURATION, END_TO_END, PENDING_DELIVERIES, WEBHOOK_RETRIES, WEBHOOKS_FAILED,
    WEBHOOKS_SENT,
};
use platform::Backoff;
use sqlx::PgPool;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;

use super::store::{self, Due, Record};
use crate::webhook::WebhookSender;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial: Duration,
    pub max: Duration,
}

impl RetryPolicy {
    /// Delay before attempt `attempts + 1`, after `attempts` failed ones.
    pub fn delay_after(&self, attempts: u32) -> Duration {
        let mut backoff = Backoff::new(self.initial, self.max);
        let mut delay = self.initial;
        for _ in 0..attempts.clamp(1, 32) {
            delay = backoff.next_delay();
        }
        delay
    }
}

#[derive(Debug, Clone)]
pub struct DeliveryWorker {
    pub pool: PgPool,
    pub sender: WebhookSender,
    pub wake: Arc<Notify>,
    pub retry: RetryPolicy,
    pub concurrency: usize,
    pub poll: Duration,
    pub attempt_timeout: Duration,
}

impl DeliveryWorker {
    pub async fn run(self, shutdown: CancellationToken) {
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let lease = self.attempt_timeout * 2 + Duration::from_secs(10);
        let mut in_flight = JoinSet::new();
        let mut gauge = tokio::time::interval(Duration::from_secs(5));
        loop {
            let free = permits.available_permits();
            if free > 0 {
                match store::lease_due(&self.pool, free as i64, lease).await {
                    Ok(due) => {
                        let full = due.len() == free;
                        for event in due {
                            let Ok(permit) = permits.clone().acquire_owned().await else {
                                return;
                            };
                            let worker = self.clone();
                            in_flight.spawn(async move {
                                worker.deliver(event).await;
                                drop(permit);
                            });
                        }
                        if full {
                            // More may be due: come back once a slot frees up.
                            tokio::select! {
                                _ = shutdown.cancelled() => break,
                                Some(_) = in_flight.join_next() => continue,
                            }
                        }
                    }
                    Err(error) => tracing::warn!(%error, "cannot lease due deliveries"),
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
                _ = gauge.tick() => {
                    if let Ok(count) = store::pending_count(&self.pool).await {
                        PENDING_DELIVERIES.gauge().set(count as f64);
                    }
                }
            }
        }
        // Let attempts in flight finish (each has its own time limit); anything cut off is retried later.
        let _ = tokio::time::timeout(self.attempt_timeout + Duration::from_secs(1), async {
            while in_flight.join_next().await.is_some() {}
        })
        .await;
    }

    async fn deliver(&self, due: Due) {
        let attempt_no = u32::try_from(due.attempts).unwrap_or(0).saturating_add(1);
        if attempt_no > 1 {
            WEBHOOK_RETRIES.counter().increment(1);
        }
        let body = serde_json::to_vec(&due.payload).unwrap_or_default();
        let record = match due.webhook_url.as_deref() {
            None => Record::Failed {
                status: None,
                error: "the rule has no webhook_url".into(),
            },
            Some(url) => {
                let attempt = self
                    .sender
                    .send(url, &due.secret, due.id, body, due.request_id.as_deref())
                    .await;
                DELIVERY_DURATION
                    .histogram()
                    .record(attempt.elapsed.as_secs_f64());
                if attempt_no == 1 {
                    let since = Utc::now() - due.triggered_at;
                    END_TO_END
                        .histogram()
                        .record(since.num_microseconds().unwrap_or(0).max(0) as f64 / 1e6);
                }
                let error = attempt.error.clone().unwrap_or_default();
                if attempt.delivered {
                    Record::Delivered {
                        status: attempt.status.unwrap_or(200),
                    }
                } else if attempt.retryable && attempt_no < self.retry.max_attempts {
                    Record::Retry {
                        status: attempt.status,
                        error,
                        after: self.retry.delay_after(attempt_no),
                    }
                } else {
                    Record::Failed {
                        status: attempt.status,
                        error,
                    }
                }
            }
        };
        match &record {
            Record::Delivered { .. } => WEBHOOKS_SENT.counter().increment(1),
            Record::Failed { error, .. } => {
                WEBHOOKS_FAILED.counter().increment(1);
                tracing::warn!(event_id = %due.id, attempts = attempt_no, %error, "webhook delivery failed for good");
            }
            Record::Retry { error, after, .. } => {
                tracing::info!(event_id = %due.id, attempts = attempt_no, %error, retry_in_ms = after.as_millis() as u64,
                    "webhook attempt failed; will retry");
            }
        }
        let attempts = i32::try_from(attempt_no).unwrap_or(i32::MAX);
        if let Err(error) = store::record(&self.pool, due.id, attempts, &record).await {
            tracing::warn!(%error, event_id = %due.id, "cannot record a delivery outcome; the lease will expire and it is retried");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_and_stay_capped() {
        let policy = RetryPolicy {
            max_attempts: 6,
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        assert!(policy.delay_after(1) <= Duration::from_millis(100));
        for attempts in 1..10 {
            let delay = policy.delay_after(attempts);
            assert!(delay <= Duration::from_secs(1), "{attempts}: {delay:?}");
            assert!(delay >= Duration::from_millis(10), "{attempts}: {delay:?}");
        }
    }
}
