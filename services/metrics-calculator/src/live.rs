//! The peek path: in-progress candles from `live.candles.*` (core NATS) of the partitions this replica owns
//! become `live.metrics.*` snapshots computed with [`crate::engine::Engine::peek`], which never changes the
//! state, and nothing is stored.

use std::sync::Arc;
use std::time::Duration;

use async_nats::Message;
use futures::StreamExt;
use market_model::{Interval, SubjectKind, wire};
use observability::catalog::common::NATS_MESSAGES_RECEIVED;
use observability::catalog::metrics_calculator::{CANDLES_PROCESSED, METRICS_CALCULATED};
use observability::{CancellationToken, TaskResult, TraceContext};

use crate::key::{SeriesKey, partition_of};
use crate::publish::{self, Outgoing};
use crate::shared::{Owned, Shared};
use crate::warm;

pub async fn run(shared: Arc<Shared>, shutdown: CancellationToken) -> TaskResult {
    let subject = shared.subjects.all(SubjectKind::LiveCandles);
    let mut subscription = loop {
        match shared.client.subscribe(subject.clone()).await {
            Ok(subscription) => break subscription,
            Err(error) => tracing::warn!(%error, "cannot subscribe to live candles; will retry"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    };
    loop {
        let message = tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            message = subscription.next() => message,
        };
        match message {
            Some(message) => handle(&shared, message).await,
            None => return Err("live candle subscription closed".into()),
        }
    }
}

async fn handle(shared: &Shared, message: Message) {
    NATS_MESSAGES_RECEIVED
        .counter_with(&[("kind", "live_candles")])
        .increment(1);
    let Ok(subject) = shared.subjects.parse(message.subject.as_str()) else {
        return;
    };
    let partition = partition_of(subject.exchange, subject.symbol, shared.settings.partitions);
    let Some(owned) = shared.get(partition) else {
        return;
    };
    let candle = match wire::decode(&message.payload) {
        Ok(candle) if !candle.closed => candle,
        Ok(_) => return,
        Err(error) => {
            tracing::debug!(subject = %message.subject, %error, "undecodable live candle ignored");
            return;
        }
    };
    CANDLES_PROCESSED
        .counter_with(&[("state", "live")])
        .increment(1);
    let key = SeriesKey::of(&candle);
    if !owned.engine().knows_series(&key) && !warm_up(shared, &owned, &key, &candle).await {
        return;
    }
    let now = observability_now_ms();
    let snapshot = match owned.engine().peek(&candle, now) {
        Ok(Some(snapshot)) => snapshot,
        Ok(None) => return,
        Err(error) => {
            tracing::debug!(symbol = %candle.symbol, %error, "live candle refused by the indicator engine");
            return;
        }
    };
    METRICS_CALCULATED
        .counter_with(&[("state", "live")])
        .increment(1);
    let outgoing = Outgoing {
        snapshot,
        trace: TraceContext::extract(message.headers.as_ref()),
    };
    if let Err(error) = publish::live(&shared.client, &shared.subjects, &outgoing).await {
        tracing::warn!(%error, "cannot publish live snapshot");
    }
}

/// Loads a series this replica has not processed yet, so live snapshots appear before its first closed candle.
async fn warm_up(
    shared: &Shared,
    owned: &Owned,
    key: &SeriesKey,
    candle: &market_model::Candle,
) -> bool {
    let limit = owned.engine().config().warmup_len();
    let series = [(key.clone(), candle.open_time)];
    let market = [(key.market(), Interval::Hour1.bar_open(candle.close_time))];
    let loaded = async {
        let history = warm::load_series(&shared.pool, &series, limit).await?;
        let hours = warm::load_hours(&shared.pool, &market).await?;
        Ok::<_, sqlx::Error>((history, hours))
    }
    .await;
    let (history, hours) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            tracing::debug!(%error, "cannot warm a series for a live candle");
            return false;
        }
    };
    let mut engine = owned.engine();
    if !engine.knows_series(key)
        && let Some(history) = history.first()
        && engine.warm_series(key.clone(), history).is_err()
    {
        return false;
    }
    let market_key = key.market();
    if !engine.knows_market(&market_key)
        && let Some(hours) = hours.first()
    {
        engine.warm_market(market_key, hours);
    }
    true
}

fn observability_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
