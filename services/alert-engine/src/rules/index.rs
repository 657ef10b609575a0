//! Rules indexed by (interval, symbol) plus wildcard rules per interval, so one update evaluates only the
//! rules that concern it.

use std::collections::HashMap;
use std::sync::Arc;

use alert_rules::{Interval, SymbolSelector};
use uuid::Uuid;

use super::LoadedRule;

#[derive(Debug, Default)]
pub struct RuleIndex {
    rules: HashMap<Uuid, Arc<LoadedRule>>,
    by_symbol: HashMap<Interval, HashMap<Box<str>, Vec<Arc<LoadedRule>>>>,
    wildcard: HashMap<Interval, Vec<Arc<LoadedRule>>>,
}

impl RuleIndex {
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn get(&self, id: &Uuid) -> Option<&Arc<LoadedRule>> {
        self.rules.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.rules.keys().copied()
    }

    /// Adds or replaces a rule; returns the one it replaced.
    pub fn upsert(&mut self, rule: Arc<LoadedRule>) -> Option<Arc<LoadedRule>> {
        let previous = self.remove(&rule.id);
        let interval = rule.compiled.interval();
        match rule.compiled.symbols() {
            SymbolSelector::All => self
                .wildcard
                .entry(interval)
                .or_default()
                .push(rule.clone()),
            SymbolSelector::List(symbols) => {
                let map = self.by_symbol.entry(interval).or_default();
                for symbol in symbols.iter() {
                    map.entry(symbol.clone()).or_default().push(rule.clone());
                }
            }
        }
        self.rules.insert(rule.id, rule);
        previous
    }

    pub fn remove(&mut self, id: &Uuid) -> Option<Arc<LoadedRule>> {
        let rule = self.rules.remove(id)?;
        let interval = rule.compiled.interval();
        match rule.compiled.symbols() {
            SymbolSelector::All => {
                if let Some(list) = self.wildcard.get_mut(&interval) {
                    list.retain(|r| r.id != *id);
                }
            }
            SymbolSelector::List(symbols) => {
                if let Some(map) = self.by_symbol.get_mut(&interval) {
                    for symbol in symbols.iter() {
                        if let Some(list) = map.get_mut(symbol) {
                            list.retain(|r| r.id != *id);
                            if list.is_empty() {
                                map.remove(symbol);
                            }
                        }
                    }
                }
            }
        }
        Some(rule)
    }

    /// The rules an update of `symbol` at `interval` concerns: its own list, then the wildcard rules.
    pub fn matching<'a>(
        &'a self,
        symbol: &str,
        interval: Interval,
    ) -> impl Iterator<Item = &'a Arc<LoadedRule>> + 'a {
        let own = self
            .by_symbol
            .get(&interval)
            .and_then(|map| map.get(symbol))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let wildcard = self
            .wildcard
            .get(&interval)
            .map(Vec::as_slice)
            .unwrap_or_default();
        own.iter().chain(wildcard.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleRow;

    fn rule(id: u128, symbols: &[&str], interval: &str) -> Arc<LoadedRule> {
        let spec = serde_json::json!({
            "name": format!("r{id}"),
            "symbols": symbols,
            "interval": interval,
            "condition": {"left": "rsi_14", "op": "lt", "right": 30},
            "webhook_url": "https://example.com/hook",
        });
        Arc::new(
            LoadedRule::from_row(RuleRow {
                id: Uuid::from_u128(id),
                api_key_id: Uuid::from_u128(1),
                name: format!("r{id}"),
                spec,
                revision: 1,
                updated_at: chrono::Utc::now(),
            })
            .unwrap(),
        )
    }

    fn ids(index: &RuleIndex, symbol: &str, interval: &str) -> Vec<u128> {
        let mut ids: Vec<u128> = index
            .matching(symbol, Interval::parse(interval).unwrap())
            .map(|r| r.id.as_u128())
            .collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn updates_reach_only_the_rules_for_their_symbol_and_interval_plus_wildcards() {
        let mut index = RuleIndex::default();
        index.upsert(rule(1, &["ETHBTC", "BTCUSDT"], "5m"));
        index.upsert(rule(2, &["ETHBTC"], "1h"));
        index.upsert(rule(3, &["*"], "5m"));
        assert_eq!(ids(&index, "ETHBTC", "5m"), vec![1, 3]);
        assert_eq!(ids(&index, "ETHBTC", "1h"), vec![2]);
        assert_eq!(ids(&index, "XRPUSDT", "5m"), vec![3]);
        assert_eq!(ids(&index, "XRPUSDT", "1m"), Vec::<u128>::new());
    }

    #[test]
    fn replacing_and_removing_leave_no_stale_entries() {
        let mut index = RuleIndex::default();
        index.upsert(rule(1, &["ETHBTC"], "5m"));
        let previous = index.upsert(rule(1, &["BTCUSDT"], "5m"));
        assert!(previous.is_some());
        assert_eq!(ids(&index, "ETHBTC", "5m"), Vec::<u128>::new());
        assert_eq!(ids(&index, "BTCUSDT", "5m"), vec![1]);
        index.upsert(rule(2, &["*"], "5m"));
        assert!(index.remove(&Uuid::from_u128(2)).is_some());
        assert_eq!(ids(&index, "BTCUSDT", "5m"), vec![1]);
        assert_eq!(index.len(), 1);
        assert!(index.remove(&Uuid::from_u128(9)).is_none());
    }
}
