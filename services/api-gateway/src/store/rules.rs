//! `alert_rules`: every statement is scoped by the owner's key id, so one key can never touch another's rule.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::counted;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleRow {
    pub id: Uuid,
    pub spec: Value,
    pub secret: String,
    pub enabled: bool,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct RuleStore {
    pool: PgPool,
}

const COLUMNS: &str = "id, spec, secret, enabled, revision, created_at, updated_at";

impl RuleStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub async fn insert(
        &self,
        owner: Uuid,
        name: &str,
        spec: &Value,
        secret: &str,
        enabled: bool,
    ) -> Result<RuleRow, sqlx::Error> {
        let sql = format!(
            "INSERT INTO alert_rules (id, api_key_id, name, spec, secret, enabled) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING {COLUMNS}"
        );
        counted(
            "app",
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(Uuid::now_v7())
                .bind(owner)
                .bind(name)
                .bind(spec)
                .bind(secret)
                .bind(enabled)
                .fetch_one(&self.pool)
                .await,
        )
    }

    pub async fn get(&self, owner: Uuid, id: Uuid) -> Result<Option<RuleRow>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM alert_rules WHERE id = $1 AND api_key_id = $2");
        counted(
            "app",
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(owner)
                .fetch_optional(&self.pool)
                .await,
        )
    }

    pub async fn list(
        &self,
        owner: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<RuleRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM alert_rules WHERE api_key_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3"
        );
        counted(
            "app",
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(owner)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await,
        )
    }

    /// Replaces spec and enabled, bumping the revision the engine uses to notice changes.
    pub async fn update(
        &self,
        owner: Uuid,
        id: Uuid,
        name: &str,
        spec: &Value,
        enabled: bool,
    ) -> Result<Option<RuleRow>, sqlx::Error> {
        let sql = format!(
            "UPDATE alert_rules SET name = $3, spec = $4, enabled = $5, revision = revision + 1, updated_at = now()
             WHERE id = $1 AND api_key_id = $2 RETURNING {COLUMNS}"
        );
        counted(
            "app",
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(owner)
                .bind(name)
                .bind(spec)
                .bind(enabled)
                .fetch_optional(&self.pool)
                .await,
        )
    }

    pub async fn delete(&self, owner: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
        let done = counted(
            "app",
            sqlx::query("DELETE FROM alert_rules WHERE id = $1 AND api_key_id = $2")
                .bind(id)
                .bind(owner)
                .execute(&self.pool)
                .await,
        )?;
        Ok(done.rows_affected() > 0)
    }
}
