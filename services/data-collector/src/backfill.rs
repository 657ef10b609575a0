//! Back-fill: closed candles the live stream did not deliver (before start-up, while disconnected, bars it
//! skipped, bars that fell out of the publish buffer) are fetched from the exchange's REST `klines` and
//! published like live ones. Jobs for the same stream merge, pages follow the exchange's limit, and REST
//! weight and `Retry-After` are handled by the shared [`RestClient`]. An empty answer is a genuine gap (the
//! exchange has no bar) and is accepted, not retried.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use exchange_connectors::KlinesQuery;
use metrics::Counter;
use observability::CancellationToken;
use observability::catalog::data_collector::BACKFILLED_CANDLES;
use platform::Backoff;
use tokio::sync::{Notify, mpsc};

use crate::book::{StreamBook, StreamKey};
use crate::clock::ExchangeClock;
use crate::publisher::{Closed, Source};
use crate::rest::{FetchError, RestClient};

/// Bars to fetch, by open time: `from: None` means the newest `initial_bars` (nothing stored yet); `to:
/// None` means up to the exchange's present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Job {
    from: Option<i64>,
    to: Option<i64>,
}

impl Job {
    fn merge(self, other: Job) -> Job {
        let from = match (self.from, other.from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        Job { from, to }
    }
}

/// Where jobs are queued; cheap to clone.
#[derive(Clone, Default)]
pub struct BackfillQueue {
    jobs: Arc<Mutex<BTreeMap<StreamKey, Job>>>,
    notify: Arc<Notify>,
}

impl BackfillQueue {
    pub fn push(&self, key: StreamKey, from: Option<i64>, to: Option<i64>) {
        let job = Job { from, to };
        {
            let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
            let merged = jobs.get(&key).map_or(job, |j| j.merge(job));
            jobs.insert(key, merged);
        }
        self.notify.notify_one();
    }

    async fn pop(&self) -> (StreamKey, Job) {
        loop {
            let notified = self.notify.notified();
            if let Some(entry) = self
                .jobs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop_first()
            {
                return entry;
            }
            notified.await;
        }
    }
}

pub struct Backfiller {
    pub rest: RestClient,
    pub book: Arc<StreamBook>,
    pub clock: Arc<ExchangeClock>,
    pub queue: BackfillQueue,
    pub out: mpsc::Sender<Closed>,
    pub initial_bars: u32,
}

impl Backfiller {
    pub async fn run(self, shutdown: CancellationToken) {
        let filled = BACKFILLED_CANDLES.counter();
        let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(10));
        loop {
            let (key, job) = tokio::select! {
                () = shutdown.cancelled() => return,
                next = self.queue.pop() => next,
            };
            loop {
                let result = tokio::select! {
                    () = shutdown.cancelled() => return,
                    result = self.fill(&key, job, &filled) => result,
                };
                match result {
                    Ok(()) => {
                        backoff.reset();
                        break;
                    }
                    Err(error) if error.is_terminal() => {
                        tracing::warn!(symbol = %key.symbol, interval = %key.interval, %error, "back-fill given up");
                        break;
                    }
                    Err(error) => {
                        let delay = backoff.next_delay();
                        tracing::warn!(symbol = %key.symbol, interval = %key.interval, %error, ?delay, "back-fill failed; retrying");
                        tokio::select! {
                            () = shutdown.cancelled() => return,
                            () = tokio::time::sleep(delay) => {}
                        }
                    }
                }
            }
        }
    }

    async fn fill(&self, key: &StreamKey, job: Job, filled: &Counter) -> Result<(), FetchError> {
        let connector = self.rest.connector();
        let page_limit = connector.limits().max_klines_per_request.max(1);
        let mut start = job.from;
        if start.is_none() && self.initial_bars == 0 {
            return Ok(()); // no history wanted for new streams
        }
        loop {
            let limit = match start {
                None => self.initial_bars.saturating_add(1).clamp(1, page_limit),
                Some(_) => page_limit,
            };
            let query = KlinesQuery {
                symbol: key.symbol.clone(),
                interval: key.interval,
                start_time: start,
                end_time: job.to,
                limit: Some(limit),
            };
            let Ok(request) = connector.klines_request(&query) else {
                return Ok(()); // an empty range: nothing to fetch
            };
            let body = self.rest.get(&request).await?;
            let now = self.clock.now_ms();
            let candles = connector
                .parse_klines(&key.symbol, key.interval, &body, now)
                .map_err(|e| FetchError::Transient(format!("unreadable klines page: {e}")))?;
            let rows = candles.len();
            let mut newest = None;
            for candle in candles {
                newest = Some(candle.open_time);
                if !candle.closed || job.to.is_some_and(|to| candle.open_time > to) {
                    continue;
                }
                self.book.note_backfilled(key, candle.open_time);
                filled.increment(1);
                let closed = Closed {
                    candle,
                    source: Source::Backfill,
                };
                if self.out.send(closed).await.is_err() {
                    return Err(FetchError::Cancelled);
                }
            }
            let (Some(_), Some(newest)) = (start, newest) else {
                return Ok(());
            };
            if rows < limit as usize {
                return Ok(());
            }
            let next = key.interval.next_open(newest);
            if job.to.is_some_and(|to| next > to) {
                return Ok(());
            }
            start = Some(next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_merge_to_cover_both_ranges() {
        let a = Job {
            from: Some(100),
            to: Some(200),
        };
        let b = Job {
            from: Some(50),
            to: Some(150),
        };
        assert_eq!(
            a.merge(b),
            Job {
                from: Some(50),
                to: Some(200)
            }
        );
        let open = Job {
            from: None,
            to: None,
        };
        assert_eq!(
            a.merge(open),
            Job {
                from: Some(100),
                to: None
            }
        );
    }
}
