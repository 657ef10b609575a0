//! From trigger to durable event: claim in Redis, persist in PostgreSQL, announce on NATS, wake the delivery
//! worker. While Redis or PostgreSQL is unavailable the trigger is held (and counted) and retried, so the
//! snapshot that caused it is acknowledged only once its events are safe: no loss, and no duplicate.

pub mod dedup;
pub mod persist;

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, AckKind};
use market_model::Subjects;
use observability::catalog::alert_engine::{ALERTS_DUPLICATED, TRIGGERS_HELD};
use observability::catalog::common::{NATS_MESSAGES_PUBLISHED, NATS_PUBLISH_ERRORS};
use observability::{CancellationToken, TraceContext};
use platform::Backoff;
use sqlx::PgPool;
use tokio::sync::Notify;

use crate::engine::Trigger;
use dedup::{Claim, Dedup};
use persist::Persisted;

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("postgres: {0}")]
    Postgres(#[from] sqlx::Error),
}

/// Shutdown was requested while a trigger was held; its snapshot stays unacknowledged and is redelivered.
#[derive(Debug)]
pub struct Cancelled;

#[derive(Debug)]
pub struct Sink {
    pub dedup: Dedup,
    pub db: PgPool,
    pub nats: async_nats::Client,
    pub subjects: Subjects,
    /// Wakes the delivery worker as soon as an event is persisted.
    pub wake: Arc<Notify>,
}

impl Sink {
    /// Persists `trigger`, retrying with backoff until it is done or shutdown is requested. `progress`, the
    /// JetStream message being processed, is told we are still working so it is not redelivered meanwhile.
    pub async fn persist_until_done(
        &self,
        trigger: &Trigger,
        shutdown: &CancellationToken,
        progress: Option<&jetstream::Message>,
    ) -> Result<(), Cancelled> {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let mut held = false;
        let result = loop {
            match self.persist(trigger).await {
                Ok(()) => break Ok(()),
                Err(error) => {
                    if !held {
                        held = true;
                        TRIGGERS_HELD.gauge().increment(1.0);
                        tracing::warn!(%error, rule_id = %trigger.rule.id, symbol = %trigger.payload.symbol,
                            "cannot persist trigger; holding it until dependencies return");
                    }
                    if let Some(message) = progress {
                        let _ = message.ack_with(AckKind::Progress).await;
                    }
                    tokio::select! {
                        _ = shutdown.cancelled() => break Err(Cancelled),
                        _ = tokio::time::sleep(backoff.next_delay()) => {}
                    }
                }
            }
        };
        if held {
            TRIGGERS_HELD.gauge().decrement(1.0);
        }
        result
    }

    async fn persist(&self, trigger: &Trigger) -> Result<(), SinkError> {
        let key = trigger.identity.dedup_key();
        if self.dedup.claim(&key).await? == Claim::Taken {
            ALERTS_DUPLICATED.counter().increment(1);
            return Ok(());
        }
        let persisted = persist::insert_event(&self.db, trigger).await?;
        match persisted {
            Persisted::RuleGone => {
                tracing::info!(rule_id = %trigger.rule.id, "rule deleted before its event was stored; dropped");
            }
            Persisted::AlreadyThere | Persisted::Inserted => {
                if trigger.disable_rule {
                    persist::disable_rule(&self.db, trigger).await?;
                }
            }
        }
        self.dedup.finish(&key).await?;
        match persisted {
            Persisted::Inserted => {
                self.wake.notify_one();
                self.announce(trigger).await;
                tracing::info!(event_id = %trigger.payload.event_id, rule_id = %trigger.rule.id,
                    symbol = %trigger.payload.symbol, request_id = trigger.request_id.as_deref().unwrap_or(""),
                    "alert triggered");
            }
            // Redis forgot a key (restart without persistence) but PostgreSQL still had the event.
            Persisted::AlreadyThere => ALERTS_DUPLICATED.counter().increment(1),
            Persisted::RuleGone => {}
        }
        Ok(())
    }

    /// Live push for the gateway (`alerts.<api key id>`); best effort, the stored event is the record.
    async fn announce(&self, trigger: &Trigger) {
        let Ok(subject) = self.subjects.alerts(trigger.rule.api_key_id) else {
            return;
        };
        let Ok(body) = serde_json::to_vec(&trigger.payload) else {
            return;
        };
        let mut headers = async_nats::HeaderMap::new();
        let ctx = TraceContext::new_root(trigger.request_id.clone());
        ctx.inject(&mut headers);
        let kind = [("kind", "alerts")];
        match self
            .nats
            .publish_with_headers(subject, headers, body.into())
            .await
        {
            Ok(()) => NATS_MESSAGES_PUBLISHED.counter_with(&kind).increment(1),
            Err(error) => {
                NATS_PUBLISH_ERRORS.counter_with(&kind).increment(1);
                tracing::warn!(%error, "cannot publish alert event on NATS");
            }
        }
    }
}
