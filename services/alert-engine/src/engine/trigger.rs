//! A fired (rule, symbol, update): everything needed to claim, persist and deliver the event.

use std::sync::Arc;

use alert_rules::{Fire, Frequency, RuleState, Tick};
use market_model::MetricSnapshot;

use crate::event::{AlertPayload, EventIdentity, Scope, rfc3339_ms};
use crate::rules::LoadedRule;

#[derive(Debug, Clone)]
pub struct Trigger {
    pub identity: EventIdentity,
    pub payload: AlertPayload,
    pub rule: Arc<LoadedRule>,
    /// A `once` rule fired: disable it once the event is persisted.
    pub disable_rule: bool,
    /// The (rule, symbol) state after the fire, persisted so gating survives a restart.
    pub state: RuleState,
    pub bar_open_time_ms: i64,
    pub computed_at_ms: i64,
    pub request_id: Option<String>,
}

impl Trigger {
    pub fn build(
        rule: &Arc<LoadedRule>,
        snapshot: &MetricSnapshot,
        dense: &[Option<f64>],
        fire: Fire,
        state: &RuleState,
        request_id: Option<&str>,
    ) -> Self {
        let tick = Tick {
            bar_open_time_ms: snapshot.open_time,
            closed: snapshot.closed,
            now_ms: snapshot.computed_at,
        };
        let scope = match rule.frequency {
            Frequency::Once => Scope::Rule,
            Frequency::EveryTime => Scope::Update {
                closed: snapshot.closed,
                computed_at_ms: snapshot.computed_at,
            },
            Frequency::OncePerBar | Frequency::OncePerBarClose => Scope::Bar,
        };
        let identity = EventIdentity {
            rule_id: rule.id,
            revision: rule.revision,
            exchange: snapshot.exchange.to_string(),
            symbol: snapshot.symbol.to_string(),
            bar_open_time_ms: snapshot.open_time,
            scope,
        };
        let mut message = String::new();
        rule.compiled.render_message(
            &mut message,
            &identity.symbol,
            &identity.exchange,
            &fire,
            tick,
            dense,
        );
        let payload = AlertPayload {
            event_id: identity.event_id(),
            rule_id: rule.id,
            rule_name: rule.name.clone(),
            symbol: identity.symbol.clone(),
            exchange: identity.exchange.clone(),
            interval: rule.compiled.interval().as_str().to_owned(),
            bar_open_time: rfc3339_ms(snapshot.open_time),
            value: fire.value.filter(|v| v.is_finite()),
            condition: rule.condition.clone(),
            message,
            triggered_at: rfc3339_ms(snapshot.computed_at),
            test: false,
        };
        Self {
            identity,
            payload,
            rule: rule.clone(),
            disable_rule: fire.disable_rule,
            state: state.clone(),
            bar_open_time_ms: snapshot.open_time,
            computed_at_ms: snapshot.computed_at,
            request_id: request_id.map(str::to_owned),
        }
    }

    /// `exchange:symbol`, the `alert_rule_state.symbol` key.
    pub fn symbol_key(&self) -> String {
        format!("{}:{}", self.identity.exchange, self.identity.symbol)
    }
}
