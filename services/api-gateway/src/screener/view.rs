//! The view itself: a map per interval, replaced entry by entry as snapshots arrive.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use market_model::{Interval, MetricSnapshot};
use observability::catalog::api_gateway::SCREENER_VIEW_SIZE;

/// (exchange, symbol); ordered so listings are stable.
type Key = (String, String);

#[derive(Debug, Default)]
pub struct ScreenerView {
    // A std lock: held only for map operations, never across `.await`.
    by_interval: RwLock<HashMap<Interval, BTreeMap<Key, Arc<MetricSnapshot>>>>,
}

/// One tracked symbol for `GET /symbols`.
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolSummary {
    pub exchange: String,
    pub symbol: String,
    pub close: f64,
    pub change_pct_24h: Option<f64>,
    pub updated_at: i64,
    pub intervals: Vec<Interval>,
}

impl ScreenerView {
    /// Keeps the newest snapshot per key: a later bar always wins; for the same bar a closed snapshot is never
    /// replaced by an in-progress one (a late live update must not undo the close). Returns whether it was kept.
    pub fn upsert(&self, snapshot: Arc<MetricSnapshot>) -> bool {
        let key = (
            snapshot.exchange.as_str().to_string(),
            snapshot.symbol.as_str().to_string(),
        );
        let mut guard = self
            .by_interval
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entries = guard.entry(snapshot.interval).or_default();
        if let Some(current) = entries.get(&key)
            && !is_newer(&snapshot, current)
        {
            return false;
        }
        let added = entries.insert(key, snapshot).is_none();
        if added {
            SCREENER_VIEW_SIZE.gauge().increment(1.0);
        }
        true
    }

    /// Every entry of one interval, in (exchange, symbol) order.
    pub fn snapshots(&self, interval: Interval) -> Vec<Arc<MetricSnapshot>> {
        let guard = self
            .by_interval
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .get(&interval)
            .map(|entries| entries.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn contains_symbol(&self, symbol: &str) -> bool {
        let guard = self
            .by_interval
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .values()
            .any(|entries| entries.keys().any(|(_, s)| s == symbol))
    }

    pub fn len(&self) -> usize {
        let guard = self
            .by_interval
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.values().map(BTreeMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One line per (exchange, symbol): the latest close over all intervals and the latest known 24 h change.
    pub fn symbols(&self) -> Vec<SymbolSummary> {
        let guard = self
            .by_interval
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut summaries: BTreeMap<&Key, SymbolSummary> = BTreeMap::new();
        let mut change_at: HashMap<&Key, i64> = HashMap::new();
        for (interval, entries) in guard.iter() {
            for (key, snapshot) in entries {
                let summary = summaries.entry(key).or_insert_with(|| SymbolSummary {
                    exchange: key.0.clone(),
                    symbol: key.1.clone(),
                    close: snapshot.close,
                    change_pct_24h: None,
                    updated_at: i64::MIN,
                    intervals: Vec::new(),
                });
                summary.intervals.push(*interval);
                if snapshot.computed_at > summary.updated_at {
                    summary.updated_at = snapshot.computed_at;
                    summary.close = snapshot.close;
                }
                if let Some(change) = snapshot.change_pct_24h {
                    let at = change_at.entry(key).or_insert(i64::MIN);
                    if snapshot.computed_at >= *at {
                        *at = snapshot.computed_at;
                        summary.change_pct_24h = Some(change);
                    }
                }
            }
        }
        summaries
            .into_values()
            .map(|mut s| {
                s.intervals.sort();
                s
            })
            .collect()
    }
}

fn is_newer(candidate: &MetricSnapshot, current: &MetricSnapshot) -> bool {
    match candidate.open_time.cmp(&current.open_time) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            if current.closed && !candidate.closed {
                return false;
            }
            (candidate.closed && !current.closed) || candidate.computed_at >= current.computed_at
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn snapshot(
        symbol: &str,
        open_time: i64,
        closed: bool,
        close: f64,
    ) -> MetricSnapshot {
        MetricSnapshot {
            v: 1,
            exchange: "binance".parse().unwrap(),
            symbol: symbol.parse().unwrap(),
            interval: Interval::Min1,
            open_time,
            closed,
            open: close,
            high: close,
            low: close,
            close,
            volume: 1.0,
            indicators: indicators::Values::default(),
            change_pct_24h: None,
            computed_at: open_time + 1,
        }
    }

    #[test]
    fn later_bars_replace_and_live_updates_never_undo_a_close() {
        let view = ScreenerView::default();
        assert!(view.upsert(Arc::new(snapshot("BTCUSDT", 60_000, false, 1.0))));
        assert!(view.upsert(Arc::new(snapshot("BTCUSDT", 60_000, true, 2.0))));
        assert!(!view.upsert(Arc::new(snapshot("BTCUSDT", 60_000, false, 3.0))));
        assert!(!view.upsert(Arc::new(snapshot("BTCUSDT", 0, true, 4.0))));
        assert!(view.upsert(Arc::new(snapshot("BTCUSDT", 120_000, false, 5.0))));
        let entries = view.snapshots(Interval::Min1);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].close, 5.0);
        assert_eq!(view.symbols()[0].close, 5.0);
        assert!(view.contains_symbol("BTCUSDT") && !view.contains_symbol("ETHUSDT"));
    }
}
