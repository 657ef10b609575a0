//! `screener:<interval>` batching: the latest snapshot per symbol since the last batch, so a busy interval
//! costs one message per batch period however many updates arrived. The first change after a quiet period
//! goes out at once (leading edge); later ones wait for the period to pass.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use market_model::{Interval, MetricSnapshot};

/// Latest snapshot per (exchange, symbol) of one interval.
type Batch = BTreeMap<(String, String), Arc<MetricSnapshot>>;

#[derive(Debug, Default)]
pub struct ScreenerBatcher {
    pending: Mutex<HashMap<Interval, Batch>>,
    /// Wakes the flush loop when something is pending (a permit is kept if it is not waiting).
    ready: tokio::sync::Notify,
}

impl ScreenerBatcher {
    pub fn add(&self, snapshot: &Arc<MetricSnapshot>) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.entry(snapshot.interval).or_default().insert(
            (
                snapshot.exchange.as_str().to_string(),
                snapshot.symbol.as_str().to_string(),
            ),
            Arc::clone(snapshot),
        );
        drop(pending);
        self.ready.notify_one();
    }

    /// Resolves once a change is pending.
    pub async fn changed(&self) {
        self.ready.notified().await;
    }

    /// Takes every pending batch, leaving none.
    pub fn drain(&self) -> Vec<(Interval, Vec<Arc<MetricSnapshot>>)> {
        let taken =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        taken
            .into_iter()
            .map(|(interval, entries)| (interval, entries.into_values().collect()))
            .collect()
    }
}
