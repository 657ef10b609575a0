//! Reading rules and persisted per-(rule, symbol) gate state from the application database.

use alert_rules::GateState;
use observability::catalog::common::{DATABASE_ERRORS, DATABASE_QUERIES};
use sqlx::PgPool;
use uuid::Uuid;

use super::RuleRow;

pub async fn load_enabled(pool: &PgPool) -> Result<Vec<RuleRow>, sqlx::Error> {
    counted(
        sqlx::query_as::<_, RuleRow>(
            "SELECT id, api_key_id, name, spec, revision, updated_at FROM alert_rules WHERE enabled",
        )
        .fetch_all(pool)
        .await,
    )
}

/// The rule if it exists and is enabled.
pub async fn load_one(pool: &PgPool, id: Uuid) -> Result<Option<RuleRow>, sqlx::Error> {
    counted(
        sqlx::query_as::<_, RuleRow>(
            "SELECT id, api_key_id, name, spec, revision, updated_at FROM alert_rules \
             WHERE id = $1 AND enabled",
        )
        .bind(id)
        .fetch_optional(pool)
        .await,
    )
}

/// Gate state (last fire, `once` done) of the given rules, keyed by (rule, `exchange:symbol`).
pub async fn load_gates(
    pool: &PgPool,
    rules: &[Uuid],
) -> Result<Vec<(Uuid, String, GateState)>, sqlx::Error> {
    let rows: Vec<(Uuid, String, serde_json::Value)> = counted(
        sqlx::query_as(
            "SELECT rule_id, symbol, state FROM alert_rule_state WHERE rule_id = ANY($1)",
        )
        .bind(rules)
        .fetch_all(pool)
        .await,
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(rule, symbol, state)| {
            let gate = serde_json::from_value::<GateState>(state.get("gate")?.clone()).ok()?;
            Some((rule, symbol, gate))
        })
        .collect())
}

pub(crate) fn counted<T>(result: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
    DATABASE_QUERIES
        .counter_with(&[("database", "app")])
        .increment(1);
    if result.is_err() {
        DATABASE_ERRORS
            .counter_with(&[("database", "app")])
            .increment(1);
    }
    result
}
