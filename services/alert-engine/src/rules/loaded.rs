//! A stored rule as the engine holds it: compiled once, shared by every state and trigger that refers to it.

use alert_rules::{CompiledRule, DefaultSchema, Frequency, RuleSpec, compile};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One `alert_rules` row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleRow {
    pub id: Uuid,
    pub api_key_id: Uuid,
    pub name: String,
    pub spec: serde_json::Value,
    pub revision: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug)]
pub struct LoadedRule {
    pub id: Uuid,
    pub api_key_id: Uuid,
    pub name: String,
    pub revision: i64,
    /// Updates computed before the rule was created or last changed never notify: a replica replaying the
    /// stream must not alert on history the rule did not exist for.
    pub active_since_ms: i64,
    pub frequency: Frequency,
    /// The condition as stored, echoed in every event.
    pub condition: serde_json::Value,
    /// The whole stored spec, to tell a real change from a repeated notification.
    pub spec: serde_json::Value,
    pub compiled: CompiledRule,
}

#[derive(Debug, thiserror::Error)]
#[error("rule {id} cannot be loaded: {reason}")]
pub struct RuleLoadError {
    pub id: Uuid,
    pub reason: String,
}

impl LoadedRule {
    /// Decodes and compiles the stored spec; the gateway validated it, so a failure here means the schema
    /// changed under it (a field was removed) and the rule is skipped, counted and logged.
    pub fn from_row(row: RuleRow) -> Result<Self, RuleLoadError> {
        let fail = |reason: String| RuleLoadError { id: row.id, reason };
        let spec = RuleSpec::from_value(&row.spec).map_err(|e| fail(format!("{e:?}")))?;
        let compiled = compile(&spec, &DefaultSchema).map_err(|e| fail(format!("{e:?}")))?;
        let condition = row
            .spec
            .get("condition")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        Ok(Self {
            id: row.id,
            api_key_id: row.api_key_id,
            name: row.name,
            revision: row.revision,
            active_since_ms: row.updated_at.timestamp_millis(),
            frequency: spec.frequency,
            condition,
            spec: row.spec,
            compiled,
        })
    }
}
