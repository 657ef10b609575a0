//! Connections that tolerate a dependency being down: the service starts, reports not-ready, and the
//! clients keep retrying in the background, so it becomes ready within seconds of the dependency returning.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("invalid NATS URL {url:?}: {source}")]
    Nats {
        url: String,
        source: async_nats::ConnectError,
    },
    #[error("invalid PostgreSQL URL: {0}")]
    Postgres(#[source] sqlx::Error),
    #[error("invalid Redis URL: {0}")]
    Redis(#[source] redis::RedisError),
}

/// The longest pause between NATS reconnect attempts; keeps "ready within 5 s of NATS returning".
const NATS_MAX_RECONNECT_DELAY: Duration = Duration::from_secs(2);

/// Connects to NATS without waiting for the server: with `retry_on_initial_connect` the client is returned
/// at once and connects (and later reconnects, forever) in the background. Connection events are logged.
pub async fn nats(url: &str, client_name: &str) -> Result<async_nats::Client, ConnectError> {
    async_nats::ConnectOptions::new()
        .name(client_name)
        .retry_on_initial_connect()
        .max_reconnects(None)
        .connection_timeout(Duration::from_secs(2))
        .reconnect_delay_callback(|attempts| {
            let millis = 100u64.saturating_mul(1 << attempts.min(5) as u64);
            Duration::from_millis(millis).min(NATS_MAX_RECONNECT_DELAY)
        })
        .event_callback(|event| async move {
            match event {
                async_nats::Event::Connected => tracing::info!("connected to NATS"),
                async_nats::Event::Disconnected => {
                    tracing::warn!("disconnected from NATS; reconnecting")
                }
                other => tracing::warn!(event = %other, "NATS client event"),
            }
        })
        .connect(url)
        .await
        .map_err(|source| ConnectError::Nats {
            url: redact(url),
            source,
        })
}

/// A lazy pool: no connection is made until first use, so a database outage at start-up is not fatal.
pub fn postgres(url: &str, max_connections: u32) -> Result<PgPool, ConnectError> {
    let options: PgConnectOptions = url.parse().map_err(ConnectError::Postgres)?;
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(2))
        .idle_timeout(Duration::from_secs(300))
        .connect_lazy_with(options))
}

/// A Redis client; connections are opened on use.
pub fn redis(url: &str) -> Result<redis::Client, ConnectError> {
    redis::Client::open(url).map_err(ConnectError::Redis)
}

/// The URL without its password, for logs and errors.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<unparseable URL>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact("postgres://u:secret@db:5432/x"),
            "postgres://u:***@db:5432/x"
        );
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
    }

    #[tokio::test]
    async fn pools_and_clients_are_created_while_the_server_is_down() {
        // Port 9 (discard) has no PostgreSQL, NATS or Redis: creation still succeeds, use fails.
        let pool = postgres("postgres://postgres@127.0.0.1:9/none", 2).unwrap();
        assert!(sqlx::query("SELECT 1").execute(&pool).await.is_err());
        let client = nats("nats://127.0.0.1:9", "test").await.unwrap();
        assert_ne!(
            client.connection_state(),
            async_nats::connection::State::Connected
        );
        assert!(redis("redis://127.0.0.1:9").is_ok());
        assert!(redis("not-a-url").is_err());
    }
}
