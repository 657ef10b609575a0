//! The `api_keys` table.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::secret::{display_prefix, generate_key, hash_key};

#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    #[error("an API key named {0:?} already exists")]
    NameTaken(String),
    #[error("no active API key is named {0:?}")]
    NotFound(String),
    #[error("the name must be 1 to 100 characters")]
    InvalidName,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub name: String,
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct KeyStore {
    pool: PgPool,
}

impl KeyStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Returns the new key; it exists nowhere else afterwards.
    pub async fn create(&self, name: &str) -> Result<(Uuid, String), KeyStoreError> {
        if name.is_empty() || name.chars().count() > 100 {
            return Err(KeyStoreError::InvalidName);
        }
        let key = generate_key();
        let id = Uuid::now_v7();
        let inserted = sqlx::query(
            "INSERT INTO api_keys (id, name, key_hash, key_prefix) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(id)
        .bind(name)
        .bind(hash_key(&key))
        .bind(display_prefix(&key))
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(KeyStoreError::NameTaken(name.to_string()));
        }
        Ok((id, key))
    }

    pub async fn revoke(&self, name: &str) -> Result<(), KeyStoreError> {
        let revoked = sqlx::query(
            "UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL",
        )
        .bind(name)
        .execute(&self.pool)
        .await?;
        if revoked.rows_affected() == 0 {
            return Err(KeyStoreError::NotFound(name.to_string()));
        }
        Ok(())
    }

    pub async fn list(&self) -> Result<Vec<ApiKeyRow>, KeyStoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name, key_prefix, created_at, last_used_at, revoked_at FROM api_keys ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The owner of an active key, recording its use.
    pub async fn verify(&self, key: &str) -> Result<Option<Uuid>, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE api_keys SET last_used_at = now() WHERE key_hash = $1 AND revoked_at IS NULL RETURNING id",
        )
        .bind(hash_key(key))
        .fetch_optional(&self.pool)
        .await
    }
}
