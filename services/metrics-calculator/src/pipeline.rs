//! Processing one pulled batch: sort, warm-start new series, compute, store, publish, then acknowledge.
//! Acks are sent only after the rows are committed and the snapshots acknowledged by the METRICS stream; while
//! the database (or NATS) is failing the batch is retried with progress acks, so JetStream neither redelivers
//! it nor counts deliveries towards `max_deliver`, and nothing beyond the one batch pulled ahead is fetched.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_nats::jetstream::{AckKind, Message};
use market_model::{Candle, Interval};
use observability::catalog::common::{DATABASE_ERRORS, DATABASE_QUERIES, NATS_MESSAGES_RECEIVED};
use observability::catalog::metrics_calculator::{
    BATCH_SIZE, CALCULATION_DURATION, CANDLES_PROCESSED, DB_INSERT_DURATION, LAST_PROCESSED,
    METRICS_CALCULATED, POISON_MESSAGES, REDELIVERIES,
};
use observability::{CancellationToken, TraceContext};
use platform::Backoff;

use crate::engine::Applied;
use crate::incoming::{Incoming, PoisonReason, classify};
use crate::key::{MarketKey, SeriesKey};
use crate::publish::{self, Outgoing};
use crate::warm;
use crate::worker::Worker;

struct Accepted {
    message: Message,
    candle: Box<Candle>,
    trace: Option<TraceContext>,
}

impl Worker {
    pub(crate) async fn process(&mut self, messages: Vec<Message>, stop: &CancellationToken) {
        NATS_MESSAGES_RECEIVED
            .counter_with(&[("kind", "candles")])
            .increment(messages.len() as u64);
        let mut accepted = Vec::with_capacity(messages.len());
        for message in messages {
            if let Ok(info) = message.info() {
                if info.delivered > 1 {
                    REDELIVERIES.counter().increment(1);
                }
                self.owned.pending.store(info.pending, Ordering::Relaxed);
            }
            let settings = &self.shared.settings;
            match classify(
                &self.shared.subjects,
                &message,
                self.partition,
                settings.partitions,
            ) {
                Incoming::Candle { candle, trace } => accepted.push(Accepted {
                    message,
                    candle,
                    trace,
                }),
                Incoming::Foreign => settle(&message, AckKind::Ack).await,
                Incoming::Poison(reason) => poison(&message, reason).await,
            }
        }
        if accepted.is_empty() {
            return;
        }
        if !self.warm_start(&accepted, stop).await {
            return;
        }
        let (outgoing, rejected) = self.compute(&accepted);
        // Storing and publishing overlap: both must succeed before anything is acknowledged, and a snapshot
        // published ahead of a failed store is republished (and deduplicated) when the batch is retried or
        // redelivered.
        let pool = self.shared.pool.clone();
        let rows = &self.rows;
        let store = retry(&self.shared, &accepted, stop, "store", || async {
            let started = Instant::now();
            let result = rows.write(&pool).await;
            DATABASE_QUERIES
                .counter_with(&[("database", "timeseries")])
                .increment(1);
            match &result {
                Ok(()) => DB_INSERT_DURATION
                    .histogram()
                    .record(started.elapsed().as_secs_f64()),
                Err(_) => DATABASE_ERRORS
                    .counter_with(&[("database", "timeseries")])
                    .increment(1),
            }
            result
        });
        let js = &self.shared.js;
        let subjects = &self.shared.subjects;
        let publish = retry(&self.shared, &accepted, stop, "publish", || {
            publish::closed(js, subjects, &outgoing)
        });
        let (stored, published) = tokio::join!(store, publish);
        if stored.is_none() || published.is_none() {
            return;
        }
        for (index, item) in accepted.iter().enumerate() {
            if rejected.contains(&index) {
                poison(&item.message, PoisonReason::Rejected).await;
            } else {
                settle(&item.message, AckKind::Ack).await;
            }
        }
        self.record_batch(&accepted, outgoing.len());
    }

    /// Rebuilds every series and symbol of the batch this worker has not seen yet from the database.
    async fn warm_start(&mut self, accepted: &[Accepted], stop: &CancellationToken) -> bool {
        let (series, markets) = {
            let engine = self.owned.engine();
            let mut series: HashMap<SeriesKey, i64> = HashMap::new();
            let mut markets: HashMap<MarketKey, i64> = HashMap::new();
            for item in accepted {
                let key = SeriesKey::of(&item.candle);
                if !engine.knows_series(&key) {
                    lower_bound(&mut series, key.clone(), item.candle.open_time);
                }
                let market = key.market();
                if !engine.knows_market(&market) {
                    lower_bound(
                        &mut markets,
                        market,
                        Interval::Hour1.bar_open(item.candle.close_time),
                    );
                }
            }
            (
                series.into_iter().collect::<Vec<_>>(),
                markets.into_iter().collect::<Vec<_>>(),
            )
        };
        if series.is_empty() && markets.is_empty() {
            return true;
        }
        let limit = self.owned.engine().config().warmup_len();
        let pool = self.shared.pool.clone();
        let loaded = retry(&self.shared, accepted, stop, "warm start", || async {
            let histories = warm::load_series(&pool, &series, limit).await?;
            let hours = warm::load_hours(&pool, &markets).await?;
            Ok::<_, sqlx::Error>((histories, hours))
        })
        .await;
        let Some((histories, hours)) = loaded else {
            return false;
        };
        let mut engine = self.owned.engine();
        for ((key, _), history) in series.into_iter().zip(histories) {
            if !engine.knows_series(&key)
                && let Err(error) = engine.warm_series(key.clone(), &history)
            {
                tracing::error!(symbol = %key.symbol, interval = %key.interval, %error, "stored history refused; starting the series afresh");
            }
        }
        for ((key, _), hours) in markets.into_iter().zip(hours) {
            if !engine.knows_market(&key) {
                engine.warm_market(key, &hours);
            }
        }
        true
    }

    /// Applies the batch in stream order; returns the snapshots and the indices of refused candles.
    fn compute(&mut self, accepted: &[Accepted]) -> (Vec<Outgoing>, Vec<usize>) {
        let histogram = CALCULATION_DURATION.histogram();
        let now = now_ms();
        let mut outgoing = Vec::with_capacity(accepted.len());
        let mut rejected = Vec::new();
        self.rows.clear();
        let mut engine = self.owned.engine();
        for (index, item) in accepted.iter().enumerate() {
            let started = Instant::now();
            match engine.apply(&item.candle, now) {
                Ok(Applied::Computed(snapshot)) => {
                    histogram.record(started.elapsed().as_secs_f64());
                    self.rows.push(&item.candle, &snapshot);
                    outgoing.push(Outgoing {
                        snapshot: *snapshot,
                        trace: item.trace.clone(),
                    });
                }
                Ok(Applied::Duplicate) => {}
                Err(error) => {
                    tracing::warn!(symbol = %item.candle.symbol, interval = %item.candle.interval, %error, "candle refused by the indicator engine");
                    rejected.push(index);
                }
            }
        }
        (outgoing, rejected)
    }

    fn record_batch(&self, accepted: &[Accepted], computed: usize) {
        CANDLES_PROCESSED
            .counter_with(&[("state", "closed")])
            .increment(accepted.len() as u64);
        METRICS_CALCULATED
            .counter_with(&[("state", "closed")])
            .increment(computed as u64);
        BATCH_SIZE.gauge().set(self.rows.len() as f64);
        if let Some(newest) = accepted.iter().map(|a| a.candle.open_time).max() {
            LAST_PROCESSED.gauge().set(newest as f64 / 1000.0);
        }
    }
}

/// Keeps the earliest bound per key: history is loaded up to the first candle of the key in the batch.
fn lower_bound<K: Eq + Hash>(bounds: &mut HashMap<K, i64>, key: K, bound: i64) {
    bounds
        .entry(key)
        .and_modify(|existing| *existing = (*existing).min(bound))
        .or_insert(bound);
}

/// Retries `attempt` until it succeeds or `stop` is cancelled, keeping the batch's messages in flight with
/// progress acks and reporting the pipeline unhealthy meanwhile.
async fn retry<T, E, F, Fut>(
    shared: &crate::shared::Shared,
    accepted: &[Accepted],
    stop: &CancellationToken,
    what: &'static str,
    mut attempt: F,
) -> Option<T>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
    let progress_every = shared.settings.ack_wait / 3;
    let mut last_progress = Instant::now();
    let mut failing = false;
    loop {
        match attempt().await {
            Ok(value) => {
                if failing {
                    shared.worker_failing(false);
                }
                return Some(value);
            }
            Err(error) => {
                if !failing {
                    shared.worker_failing(true);
                    failing = true;
                }
                tracing::warn!(step = what, %error, candles = accepted.len(), "batch step failed; holding the batch and retrying");
            }
        }
        if last_progress.elapsed() >= progress_every {
            for item in accepted {
                settle(&item.message, AckKind::Progress).await;
            }
            last_progress = Instant::now();
        }
        tokio::select! {
            _ = stop.cancelled() => {
                if failing {
                    shared.worker_failing(false);
                }
                return None;
            }
            _ = tokio::time::sleep(backoff.next_delay().min(progress_every)) => {}
        }
    }
}

async fn settle(message: &Message, kind: AckKind) {
    if let Err(error) = message.ack_with(kind).await {
        tracing::warn!(%error, "cannot acknowledge candle message; JetStream will redeliver it");
    }
}

async fn poison(message: &Message, reason: PoisonReason) {
    tracing::warn!(subject = %message.subject, reason = reason.as_str(), "terminating poison candle message");
    POISON_MESSAGES
        .counter_with(&[("reason", reason.as_str())])
        .increment(1);
    settle(message, AckKind::Term).await;
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
