//! Processing one pulled batch in two stages: [`Worker::prepare`] sorts it, warm-starts new series and
//! computes (in stream order, on the worker's engine); [`commit`] stores, publishes, then acknowledges. The
//! worker prepares the next batch while the previous one commits, and starts a commit only after the previous
//! one has finished. Acks are sent only after the rows are committed and the snapshots acknowledged by the
//! METRICS stream; while the database (or NATS) is failing the batch is retried with progress acks (and the
//! prepared batch behind it is kept alive the same way), so JetStream neither redelivers them nor counts
//! deliveries towards `max_deliver`, and at most one batch beyond them is pulled.
//!
//! The consumers acknowledge cumulatively (`AckPolicy::All`): one ack of the batch's last message settles the
//! whole batch, instead of one ack message per candle. A term is cumulative too (JetStream treats it as an ack
//! of everything delivered before it), so poison messages are terminated only once the batch is stored, never
//! while earlier candles of the batch are still unsaved.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
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
use crate::shared::Shared;
use crate::store::Rows;
use crate::warm;
use crate::worker::Worker;

struct Accepted {
    /// Index of the message in the batch.
    index: usize,
    candle: Box<Candle>,
    trace: Option<TraceContext>,
}

/// A computed batch waiting to be committed: everything [`commit`] needs, owned, so it can run as its own task
/// while the worker prepares the next batch.
pub(crate) struct Prepared {
    pub(crate) messages: Vec<Message>,
    /// Messages to terminate once the batch is stored, with the reason.
    poisoned: Vec<(usize, PoisonReason)>,
    rows: Rows,
    outgoing: Vec<Outgoing>,
    /// Candles of this partition in the batch, and the newest open time among them.
    accepted: usize,
    newest_open_time: Option<i64>,
}

impl Worker {
    /// Sorts, warm-starts and computes a batch. `None` when `stop` was cancelled while the database was
    /// unreachable for the warm start: nothing is acknowledged and JetStream redelivers the batch.
    pub(crate) async fn prepare(
        &mut self,
        messages: Vec<Message>,
        stop: &CancellationToken,
    ) -> Option<Prepared> {
        NATS_MESSAGES_RECEIVED
            .counter_with(&[("kind", "candles")])
            .increment(messages.len() as u64);
        let mut accepted = Vec::with_capacity(messages.len());
        let mut poisoned = Vec::new();
        for (index, message) in messages.iter().enumerate() {
            if let Ok(info) = message.info() {
                if info.delivered > 1 {
                    REDELIVERIES.counter().increment(1);
                }
                self.owned.pending.store(info.pending, Ordering::Relaxed);
            }
            let settings = &self.shared.settings;
            match classify(
                &self.shared.subjects,
                message,
                self.partition,
                settings.partitions,
            ) {
                Incoming::Candle { candle, trace } => accepted.push(Accepted {
                    index,
                    candle,
                    trace,
                }),
                // Settled by the batch's cumulative ack.
                Incoming::Foreign => {}
                Incoming::Poison(reason) => poisoned.push((index, reason)),
            }
        }
        let mut rows = Rows::default();
        if accepted.is_empty() {
            return Some(Prepared {
                messages,
                poisoned,
                rows,
                outgoing: Vec::new(),
                accepted: 0,
                newest_open_time: None,
            });
        }
        if !self.warm_start(&messages, &accepted, stop).await {
            return None;
        }
        let (outgoing, rejected) = self.compute(&accepted, &mut rows);
        poisoned.extend(
            rejected
                .into_iter()
                .map(|i| (accepted[i].index, PoisonReason::Rejected)),
        );
        Some(Prepared {
            messages,
            poisoned,
            rows,
            outgoing,
            accepted: accepted.len(),
            newest_open_time: accepted.iter().map(|a| a.candle.open_time).max(),
        })
    }

    /// Rebuilds every series and symbol of the batch this worker has not seen yet from the database.
    async fn warm_start(
        &mut self,
        messages: &[Message],
        accepted: &[Accepted],
        stop: &CancellationToken,
    ) -> bool {
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
        let loaded = retry(&self.shared, messages, stop, "warm start", || async {
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
    fn compute(&mut self, accepted: &[Accepted], rows: &mut Rows) -> (Vec<Outgoing>, Vec<usize>) {
        let histogram = CALCULATION_DURATION.histogram();
        let now = now_ms();
        let mut outgoing = Vec::with_capacity(accepted.len());
        let mut rejected = Vec::new();
        let mut engine = self.owned.engine();
        for (index, item) in accepted.iter().enumerate() {
            let started = Instant::now();
            match engine.apply(&item.candle, now) {
                Ok(Applied::Computed(snapshot)) => {
                    histogram.record(started.elapsed().as_secs_f64());
                    rows.push(&item.candle, &snapshot);
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
}

/// Stores and publishes a prepared batch, then acknowledges it. Storing and publishing overlap: both must
/// succeed before anything is acknowledged, and a snapshot published ahead of a failed store is republished
/// (and deduplicated) when the batch is retried or redelivered. Returns `false` if `stop` was cancelled first
/// (nothing acknowledged).
pub(crate) async fn commit(
    shared: Arc<Shared>,
    prepared: Prepared,
    stop: CancellationToken,
) -> bool {
    let Prepared {
        messages,
        poisoned,
        rows,
        outgoing,
        accepted,
        newest_open_time,
    } = prepared;
    // A batch with nothing to store (only other partitions' messages, or poison) records no query.
    let store = async {
        if rows.is_empty() {
            return Some(());
        }
        retry(&shared, &messages, &stop, "store", || async {
            let started = Instant::now();
            let result = rows.write(&shared.pool).await;
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
        })
        .await
    };
    let publish = retry(&shared, &messages, &stop, "publish", || {
        publish::closed(&shared.js, &shared.subjects, &outgoing)
    });
    let (stored, published) = tokio::join!(store, publish);
    if stored.is_none() || published.is_none() {
        return false;
    }
    settle_batch(&messages, &poisoned).await;
    CANDLES_PROCESSED
        .counter_with(&[("state", "closed")])
        .increment(accepted as u64);
    METRICS_CALCULATED
        .counter_with(&[("state", "closed")])
        .increment(outgoing.len() as u64);
    if !rows.is_empty() {
        BATCH_SIZE.gauge().set(rows.len() as f64);
    }
    if let Some(newest) = newest_open_time {
        LAST_PROCESSED.gauge().set(newest as f64 / 1000.0);
    }
    true
}

/// Waits for the previous batch's commit while keeping `held` (the next, prepared batch) from being
/// redelivered: progress acks every third of `ack_wait`, as a failing commit does for its own batch.
/// Returns whether the previous batch was committed.
pub(crate) async fn hold(
    shared: &Shared,
    previous: tokio::task::JoinHandle<bool>,
    held: &[Message],
) -> bool {
    let mut last_progress = Instant::now();
    keep_alive(
        held,
        progress_interval(shared),
        &mut last_progress,
        previous,
    )
    .await
    .unwrap_or(false)
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
    shared: &Shared,
    messages: &[Message],
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
    let every = progress_interval(shared);
    let mut last_progress = Instant::now();
    let mut failing = false;
    loop {
        // An attempt can take as long as `ack_wait` itself (the pool retries a refused connection until its
        // acquire timeout), so the messages are kept alive during attempts too, not only between them.
        match keep_alive(messages, every, &mut last_progress, attempt()).await {
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
                tracing::warn!(step = what, %error, candles = messages.len(), "batch step failed; holding the batch and retrying");
            }
        }
        let pause = tokio::time::sleep(backoff.next_delay());
        tokio::select! {
            _ = stop.cancelled() => {
                if failing {
                    shared.worker_failing(false);
                }
                return None;
            }
            _ = keep_alive(messages, every, &mut last_progress, pause) => {}
        }
    }
}

/// How often held messages get a progress ack: a third of `ack_wait`.
fn progress_interval(shared: &Shared) -> Duration {
    shared.settings.ack_wait / 3
}

/// Awaits `work` while keeping `messages` from being redelivered: each gets a progress ack whenever
/// `every` has passed since `last_progress` (shared across calls, so alternating work and pauses cannot add
/// up to `ack_wait` without one).
async fn keep_alive<T>(
    messages: &[Message],
    every: Duration,
    last_progress: &mut Instant,
    work: impl Future<Output = T>,
) -> T {
    tokio::pin!(work);
    loop {
        let due = tokio::time::Instant::from_std(*last_progress + every);
        tokio::select! {
            output = &mut work => return output,
            _ = tokio::time::sleep_until(due) => {
                for message in messages {
                    settle(message, AckKind::Progress).await;
                }
                *last_progress = Instant::now();
            }
        }
    }
}

async fn settle(message: &Message, kind: AckKind) {
    if let Err(error) = message.ack_with(kind).await {
        tracing::warn!(%error, "cannot acknowledge candle message; JetStream will redeliver it");
    }
}

/// Settles a processed batch: terminates its poison messages (each also acknowledges what was delivered before
/// it), then acknowledges the last message, which settles the rest of the batch.
async fn settle_batch(messages: &[Message], poisoned: &[(usize, PoisonReason)]) {
    for &(index, reason) in poisoned {
        let message = &messages[index];
        tracing::warn!(subject = %message.subject, reason = reason.as_str(), "terminating poison candle message");
        POISON_MESSAGES
            .counter_with(&[("reason", reason.as_str())])
            .increment(1);
        settle(message, AckKind::Term).await;
    }
    let last = messages.len().checked_sub(1);
    if let Some(last) = last.filter(|last| !poisoned.iter().any(|(i, _)| i == last)) {
        settle(&messages[last], AckKind::Ack).await;
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
