//! Counts candles JetStream gave up on after `max_deliver` deliveries (the server's advisory), as poison. A
//! queue group makes one replica count each advisory.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use observability::catalog::metrics_calculator::POISON_MESSAGES;
use observability::{CancellationToken, TaskResult};

use crate::shared::Shared;

pub async fn run(shared: Arc<Shared>, shutdown: CancellationToken) -> TaskResult {
    let stream = shared.subjects.candles_stream();
    let subject = format!("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{stream}.*");
    let group = format!("metrics-calculator-{stream}");
    let mut subscription = loop {
        match shared
            .client
            .queue_subscribe(subject.clone(), group.clone())
            .await
        {
            Ok(subscription) => break subscription,
            Err(error) => {
                tracing::warn!(%error, "cannot subscribe to delivery advisories; will retry")
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    };
    let counter = POISON_MESSAGES.counter_with(&[("reason", "max_deliver")]);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            message = subscription.next() => match message {
                Some(_) => {
                    tracing::warn!(stream = %stream, "a candle exceeded max_deliver and was dropped by JetStream");
                    counter.increment(1);
                }
                None => return Err("advisory subscription closed".into()),
            },
        }
    }
}
