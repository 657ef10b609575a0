//! The rule as users write it and as PostgreSQL stores it: typed, but with field names not yet resolved.

use crate::{Frequency, Interval, Op, ValidationErrors, decode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A decoded rule. Structure and types are checked; names, symbols, URL and template are checked by
/// [`crate::compile`]. Deserialising goes through the same path-aware decoder as [`RuleSpec::from_value`], and
/// unknown top-level keys are ignored so that newer rules still load in older services.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSpec {
    pub name: String,
    pub symbols: Vec<String>,
    pub interval: Interval,
    pub condition: ConditionSpec,
    pub frequency: Frequency,
    pub cooldown_seconds: u64,
    pub expires_at: Option<DateTime<Utc>>,
    pub webhook_url: String,
    /// `None` renders [`crate::DEFAULT_MESSAGE`].
    pub message: Option<String>,
}

/// A condition tree. Leaves keep the `op` that produced them so they serialise back unchanged.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ConditionSpec {
    All {
        all: Vec<ConditionSpec>,
    },
    Any {
        any: Vec<ConditionSpec>,
    },
    /// `gt gte lt lte crosses crosses_above crosses_below`.
    Compare {
        left: String,
        op: Op,
        right: Operand,
    },
    /// `entering_channel exiting_channel inside_channel outside_channel`.
    Channel {
        left: String,
        op: Op,
        lower: Operand,
        upper: Operand,
    },
    /// `moving_up moving_down moving_up_pct moving_down_pct`.
    Moving {
        left: String,
        op: Op,
        bars: u32,
        value: f64,
    },
}

/// The right-hand side of a comparison or a channel bound.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Operand {
    Field(String),
    Number(f64),
}

impl RuleSpec {
    /// Decodes a rule, reporting every structural error with its JSON path.
    pub fn from_value(value: &Value) -> Result<Self, ValidationErrors> {
        decode::rule(value)
    }

    /// Like [`RuleSpec::from_value`], reporting JSON syntax errors with line and column.
    pub fn from_json_str(json: &str) -> Result<Self, ValidationErrors> {
        decode::rule_str(json)
    }
}

impl<'de> Deserialize<'de> for RuleSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        decode::rule(&value).map_err(serde::de::Error::custom)
    }
}

impl ConditionSpec {
    /// The left operand of the first leaf in document order: what `{{value}}` renders.
    pub fn first_left(&self) -> Option<&str> {
        match self {
            ConditionSpec::All { all: children } | ConditionSpec::Any { any: children } => {
                children.iter().find_map(ConditionSpec::first_left)
            }
            ConditionSpec::Compare { left, .. }
            | ConditionSpec::Channel { left, .. }
            | ConditionSpec::Moving { left, .. } => Some(left),
        }
    }
}
