//! Users' alert rules for the alert engine and the api-gateway: decoding and validating rule JSON (with a JSON
//! path on every error), compiling conditions against the metric [`Schema`] into a compact evaluator, evaluating
//! it per (rule, symbol) on closed and in-progress snapshots with Pine-style crossing semantics, frequency /
//! cooldown / expiry gating, and message templates. Pure: no I/O, no async, no clocks.
//!
//! Typical use: the gateway calls [`parse_rule`] and returns [`ValidationErrors::to_api_body`] as a 400; the
//! engine stores the [`RuleSpec`], [`compile`]s it at load, keeps one [`RuleState`] per symbol, and calls
//! [`CompiledRule::evaluate`] for each update, delivering on [`Outcome::Fired`].
//!
//! Semantics worth knowing:
//! - "Previous" is the last closed bar (Pine's `x[1]`). A field without a value (`None`, warm-up) makes a leaf
//!   false; the first evaluation after a fresh state is never a crossing, entering, exiting or moving.
//! - Channels: inside means `lower <= x <= upper` (bounds swapped if a field-valued lower is above upper);
//!   outside is its negation; entering/exiting compare now with the previous closed bar.
//! - `moving_*`: the change of `left` against its value `bars` closed bars ago (the update being bar 0) must be
//!   positive in the named direction and at least `value` (absolute, or percent of the old value's magnitude).
//! - `left` is always a field; `right`, `lower`, `upper` may be fields or numbers.

mod checks;
mod condition;
mod decode;
mod error;
mod eval;
mod frequency;
mod gate;
mod interval;
pub mod limits;
mod op;
mod render;
mod rule;
mod schema;
mod spec;
mod symbols;
mod template;

pub use error::{ErrorKind, ValidationError, ValidationErrors};
pub use eval::history::ConditionState;
pub use frequency::Frequency;
pub use gate::{Gate, GateState, Suppressed, Tick};
pub use interval::Interval;
pub use op::{Op, OpKind};
pub use render::{MISSING, RenderContext};
pub use rule::{CompiledRule, Fire, Outcome, RuleState, compile, parse_rule, parse_rule_value};
pub use schema::{DEFAULT_FIELDS, DefaultSchema, FieldId, Schema, Snapshot};
pub use spec::{ConditionSpec, Operand, RuleSpec};
pub use symbols::SymbolSelector;
pub use template::{DEFAULT_MESSAGE, Template, TemplateError};
