//! A validated, compiled rule and its per-symbol evaluation.

use crate::condition::{self, CompiledCondition};
use crate::eval::history::ConditionState;
use crate::eval::node::Ctx;
use crate::gate::{Gate, GateState, Suppressed, Tick};
use crate::template::DEFAULT_MESSAGE;
use crate::{
    ErrorKind, Interval, RenderContext, RuleSpec, Schema, Snapshot, SymbolSelector, Template,
    ValidationError, ValidationErrors, checks,
};
use serde::{Deserialize, Serialize};
use url::Url;

/// A rule ready for the hot path: field names resolved, template parsed, limits checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledRule {
    name: Box<str>,
    symbols: SymbolSelector,
    interval: Interval,
    condition: CompiledCondition,
    gate: Gate,
    webhook_url: Url,
    template: Template,
}

/// Everything the engine keeps per (rule, symbol); serde so it can be persisted between restarts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleState {
    pub condition: ConditionState,
    pub gate: GateState,
}

/// The result of feeding one update to one (rule, symbol).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Evaluated; the condition does not hold.
    NotMet,
    Fired(Fire),
    /// Not evaluated (or not allowed to fire); see [`Suppressed::is_permanent`].
    Suppressed(Suppressed),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fire {
    /// The first leaf's left operand now, for `{{value}}`.
    pub value: Option<f64>,
    /// A `once` rule fired: the engine should disable the rule for every symbol.
    pub disable_rule: bool,
}

/// Checks everything about `spec` that needs the schema, and compiles it.
pub fn compile<S: Schema + ?Sized>(
    spec: &RuleSpec,
    schema: &S,
) -> Result<CompiledRule, ValidationErrors> {
    let mut errors = Vec::new();
    let name = checks::name(&spec.name).map_err(|e| errors.push(e)).ok();
    let symbols = SymbolSelector::build(&spec.symbols, &mut errors);
    let condition = condition::compile(&spec.condition, schema, &mut errors);
    let webhook_url = checks::webhook_url(&spec.webhook_url)
        .map_err(|e| errors.push(e))
        .ok();
    let template = Template::parse(spec.message.as_deref().unwrap_or(DEFAULT_MESSAGE), schema)
        .map_err(|e| {
            errors.push(ValidationError::new(
                ErrorKind::InvalidTemplate,
                "message",
                e.to_string(),
            ))
        })
        .ok();
    if let Some(errors) = ValidationErrors::from_vec(errors) {
        return Err(errors);
    }
    let (Some(()), Some(symbols), Some(condition), Some(webhook_url), Some(template)) =
        (name, symbols, condition, webhook_url, template)
    else {
        // Each `None` above pushed an error, so this is unreachable in practice; stay typed anyway.
        return Err(ValidationErrors::single(ValidationError::new(
            ErrorKind::InvalidValue,
            "",
            "rule could not be compiled",
        )));
    };
    let cooldown_ms = i64::try_from(spec.cooldown_seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
    Ok(CompiledRule {
        name: spec.name.as_str().into(),
        symbols,
        interval: spec.interval,
        condition,
        gate: Gate {
            frequency: spec.frequency,
            cooldown_ms,
            expires_at_ms: spec.expires_at.map(|t| t.timestamp_millis()),
        },
        webhook_url,
        template,
    })
}

/// Decodes and compiles rule JSON in one step: what the api-gateway calls before storing a rule.
pub fn parse_rule<S: Schema + ?Sized>(
    json: &str,
    schema: &S,
) -> Result<(RuleSpec, CompiledRule), ValidationErrors> {
    let spec = RuleSpec::from_json_str(json)?;
    let compiled = compile(&spec, schema)?;
    Ok((spec, compiled))
}

/// [`parse_rule`] for a body the caller already parsed (e.g. axum's `Json<Value>`).
pub fn parse_rule_value<S: Schema + ?Sized>(
    value: &serde_json::Value,
    schema: &S,
) -> Result<(RuleSpec, CompiledRule), ValidationErrors> {
    let spec = RuleSpec::from_value(value)?;
    let compiled = compile(&spec, schema)?;
    Ok((spec, compiled))
}

impl CompiledRule {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn symbols(&self) -> &SymbolSelector {
        &self.symbols
    }

    pub fn interval(&self) -> Interval {
        self.interval
    }

    pub fn webhook_url(&self) -> &Url {
        &self.webhook_url
    }

    pub fn template(&self) -> &Template {
        &self.template
    }

    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    /// How many closed bars of history the condition looks back on (0 for plain comparisons).
    pub fn warmup_bars(&self) -> u32 {
        self.condition.warmup_bars
    }

    /// A fresh state for one symbol; history is preallocated so evaluation never allocates.
    pub fn new_state(&self) -> RuleState {
        RuleState {
            condition: ConditionState::with_len(self.condition.history_len),
            gate: GateState::default(),
        }
    }

    /// Feeds one update for one symbol. Closed updates advance the history (whatever the gate says);
    /// in-progress updates are compared against the last closed values and change nothing but fire records.
    pub fn evaluate<S: Snapshot + ?Sized>(
        &self,
        state: &mut RuleState,
        snapshot: &S,
        tick: Tick,
    ) -> Outcome {
        self.fit(state);
        if is_stale(&state.condition, tick.bar_open_time_ms) {
            return Outcome::Suppressed(Suppressed::Stale);
        }
        let gate = self.gate.check(&state.gate, tick);
        let met = gate.is_ok()
            && self.condition.root.eval(&Ctx {
                snapshot,
                past: &state.condition,
                tracks: &self.condition.tracks,
            });
        if tick.closed {
            state
                .condition
                .push(&self.condition.tracks, snapshot, tick.bar_open_time_ms);
        }
        match gate {
            Err(reason) => Outcome::Suppressed(reason),
            Ok(()) if met => Outcome::Fired(Fire {
                value: self.condition.value_field.and_then(|f| snapshot.get(f)),
                disable_rule: self.gate.record_fire(&mut state.gate, tick),
            }),
            Ok(()) => Outcome::NotMet,
        }
    }

    /// Takes a closed bar into the history without evaluating: for warming a state from stored snapshots.
    /// Bars at or before the last one taken are ignored, so re-feeding overlapping history is harmless.
    pub fn advance<S: Snapshot + ?Sized>(
        &self,
        state: &mut RuleState,
        snapshot: &S,
        bar_open_time_ms: i64,
    ) {
        self.fit(state);
        if !is_stale(&state.condition, bar_open_time_ms) {
            state
                .condition
                .push(&self.condition.tracks, snapshot, bar_open_time_ms);
        }
    }

    /// Renders this rule's message for a fire into `out`.
    pub fn render_message<S: Snapshot + ?Sized>(
        &self,
        out: &mut String,
        symbol: &str,
        exchange: &str,
        fire: &Fire,
        tick: Tick,
        snapshot: &S,
    ) {
        self.template.render_into(
            &RenderContext {
                symbol,
                exchange,
                interval: self.interval.as_str(),
                value: fire.value,
                bar_open_time_ms: tick.bar_open_time_ms,
                now_ms: tick.now_ms,
                snapshot,
            },
            out,
        );
    }

    /// A state persisted for another version of the rule would be misread: start it afresh instead.
    fn fit(&self, state: &mut RuleState) {
        if state.condition.history_len() != self.condition.history_len {
            state.condition = ConditionState::with_len(self.condition.history_len);
        }
    }
}

fn is_stale(state: &ConditionState, bar_open_time_ms: i64) -> bool {
    state
        .last_closed_open_time()
        .is_some_and(|last| bar_open_time_ms <= last)
}
