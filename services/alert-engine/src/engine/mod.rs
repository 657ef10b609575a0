//! The evaluation core: rules, per-(rule, symbol) state and closed-bar history behind one lock that is never
//! held across an `.await`. Consumers hand it snapshots and get back the triggers to persist.

mod history;
mod trigger;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use alert_rules::{DEFAULT_FIELDS, GateState, Interval, Outcome, RuleState, Tick};
use market_model::MetricSnapshot;
use observability::catalog::alert_engine::{
    ALERTS_EVALUATED, ALERTS_TRIGGERED, EVALUATION_DURATION, RULES_LOADED,
};
use sqlx::PgPool;
use uuid::Uuid;

pub use history::{ClosedBar, History};
pub use trigger::Trigger;

use crate::rules::{LoadedRule, RuleIndex};

/// Shared by the closed and live consumers and the rule watcher.
#[derive(Debug)]
pub struct Engine {
    inner: Mutex<Inner>,
    timeseries: PgPool,
}

#[derive(Debug, Default)]
struct Inner {
    rules: RuleIndex,
    /// Keyed by `exchange.symbol.interval`.
    streams: HashMap<String, StreamState>,
    /// Persisted gate state of (rule, `exchange:symbol`) not yet taken into a live state.
    saved_gates: HashMap<(Uuid, String), GateState>,
}

#[derive(Debug, Default)]
struct StreamState {
    history: History,
    states: HashMap<Uuid, RuleState>,
}

impl Engine {
    pub fn new(timeseries: PgPool) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            timeseries,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps half-updated in a way later code relies on.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn rules_loaded(&self) -> usize {
        self.lock().rules.len()
    }

    pub fn rule_ids(&self) -> Vec<Uuid> {
        self.lock().rules.ids().collect()
    }

    /// Whether the engine already holds this version of the rule (a resync can then skip compiling it).
    pub fn is_current(&self, id: Uuid, revision: i64, updated_at_ms: i64) -> bool {
        self.lock()
            .rules
            .get(&id)
            .is_some_and(|rule| rule.revision == revision && rule.active_since_ms == updated_at_ms)
    }

    /// Adds or replaces a rule. A changed rule (new revision, update time or spec) starts with fresh states;
    /// an unchanged one (a resync, a repeated notification) keeps them.
    pub fn upsert(&self, rule: Arc<LoadedRule>, gates: Vec<(String, GateState)>) {
        let mut inner = self.lock();
        let unchanged = inner.rules.get(&rule.id).is_some_and(|old| {
            old.revision == rule.revision
                && old.active_since_ms == rule.active_since_ms
                && old.spec == rule.spec
        });
        if unchanged {
            return;
        }
        let id = rule.id;
        inner.rules.upsert(rule);
        inner.forget_states(id);
        for (symbol, gate) in gates {
            inner.saved_gates.insert((id, symbol), gate);
        }
        RULES_LOADED.gauge().set(inner.rules.len() as f64);
    }

    pub fn remove(&self, id: Uuid) {
        let mut inner = self.lock();
        if inner.rules.remove(&id).is_some() {
            inner.forget_states(id);
        }
        RULES_LOADED.gauge().set(inner.rules.len() as f64);
    }

    /// Evaluates every rule `snapshot` concerns. A stream seen for the first time (or needing a deeper
    /// look-back than loaded) is first warmed from the time-series database, outside the lock.
    pub async fn process(
        &self,
        snapshot: &MetricSnapshot,
        request_id: Option<&str>,
    ) -> Vec<Trigger> {
        let Some(interval) = Interval::parse(snapshot.interval.as_str()) else {
            return Vec::new();
        };
        let key = format!(
            "{}.{}.{}",
            snapshot.exchange, snapshot.symbol, snapshot.interval
        );
        let wanted = self
            .lock()
            .history_wanted(&key, snapshot.symbol.as_str(), interval);
        if let Some(depth) = wanted {
            let loaded = history::load(
                &self.timeseries,
                snapshot.exchange.as_str(),
                snapshot.symbol.as_str(),
                snapshot.interval.as_str(),
                snapshot.open_time,
                depth,
            )
            .await;
            let bars = loaded.unwrap_or_else(|error| {
                tracing::warn!(%error, stream = %key, "cannot read history; states start cold");
                Vec::new()
            });
            let mut inner = self.lock();
            let stream = inner.streams.entry(key.clone()).or_default();
            stream.history.fill(bars, depth);
        }
        let dense: Vec<Option<f64>> = DEFAULT_FIELDS.iter().map(|f| snapshot.field(f)).collect();
        let started = Instant::now();
        let triggers = self
            .lock()
            .evaluate(&key, interval, snapshot, &dense, request_id);
        EVALUATION_DURATION
            .histogram()
            .record(started.elapsed().as_secs_f64());
        triggers
    }
}

impl Inner {
    fn forget_states(&mut self, id: Uuid) {
        for stream in self.streams.values_mut() {
            stream.states.remove(&id);
        }
        self.saved_gates.retain(|(rule, _), _| *rule != id);
    }

    /// The look-back depth to load for a stream, when it is more than what is loaded.
    fn history_wanted(&self, key: &str, symbol: &str, interval: Interval) -> Option<u32> {
        let depth = self
            .rules
            .matching(symbol, interval)
            .map(|r| r.compiled.warmup_bars())
            .max()
            .unwrap_or(0);
        let loaded = self.streams.get(key).map_or(0, |s| s.history.loaded_depth);
        (depth > loaded).then_some(depth)
    }

    fn evaluate(
        &mut self,
        key: &str,
        interval: Interval,
        snapshot: &MetricSnapshot,
        dense: &[Option<f64>],
        request_id: Option<&str>,
    ) -> Vec<Trigger> {
        let tick = Tick {
            bar_open_time_ms: snapshot.open_time,
            closed: snapshot.closed,
            now_ms: snapshot.computed_at,
        };
        let symbol_key = format!("{}:{}", snapshot.exchange, snapshot.symbol);
        let Inner {
            rules,
            streams,
            saved_gates,
        } = self;
        let mut matching = rules
            .matching(snapshot.symbol.as_str(), interval)
            .peekable();
        if matching.peek().is_none() {
            return Vec::new();
        }
        let stream = streams.entry(key.to_owned()).or_default();
        let StreamState { history, states } = stream;
        let mut triggers = Vec::new();
        let mut depth = 0;
        let mut evaluated = 0u64;
        for rule in matching {
            depth = depth.max(rule.compiled.warmup_bars());
            let state = states.entry(rule.id).or_insert_with(|| {
                let mut state = rule.compiled.new_state();
                for bar in &history.bars {
                    rule.compiled
                        .advance(&mut state, bar.values.as_slice(), bar.open_time_ms);
                }
                if let Some(gate) = saved_gates.remove(&(rule.id, symbol_key.clone())) {
                    state.gate = gate;
                }
                state
            });
            evaluated += 1;
            if let Outcome::Fired(fire) = rule.compiled.evaluate(state, dense, tick)
                && snapshot.computed_at >= rule.active_since_ms
            {
                ALERTS_TRIGGERED.counter().increment(1);
                triggers.push(Trigger::build(
                    rule, snapshot, dense, fire, state, request_id,
                ));
            }
        }
        ALERTS_EVALUATED.counter().increment(evaluated);
        if snapshot.closed && depth > 0 {
            history.push(
                ClosedBar {
                    open_time_ms: snapshot.open_time,
                    values: dense.to_vec(),
                },
                depth.max(history.loaded_depth),
            );
        }
        triggers
    }
}
