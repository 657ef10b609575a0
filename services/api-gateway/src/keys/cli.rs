//! `create-api-key`, `revoke-api-key`, `list-api-keys`: run against the app database, then exit.

use std::process::ExitCode;

use platform::migrate::{self, Schema};

use super::store::KeyStore;
use crate::config::{Command, Config};

#[derive(Debug, thiserror::Error)]
enum CommandError {
    #[error(transparent)]
    Connect(#[from] platform::connect::ConnectError),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Store(#[from] super::KeyStoreError),
}

/// Prints results on stdout (the key alone, for scripts) and errors on stderr.
pub async fn run_command(config: &Config, command: &Command) -> ExitCode {
    match execute(config, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(config: &Config, command: &Command) -> Result<(), CommandError> {
    let pool = platform::connect::postgres(&config.common.database_url, 2)?;
    migrate::run(&pool, Schema::App).await?;
    let store = KeyStore::new(pool);
    match command {
        Command::CreateApiKey { name } => {
            let (_, key) = store.create(name).await?;
            println!("{key}");
        }
        Command::RevokeApiKey { name } => {
            store.revoke(name).await?;
            eprintln!("revoked API key {name:?}");
        }
        Command::ListApiKeys => {
            println!("name\tprefix\tcreated_at\tlast_used_at\trevoked_at");
            for key in store.list().await? {
                let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
                    t.map_or_else(|| "-".to_string(), |t| t.to_rfc3339())
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    key.name,
                    key.key_prefix,
                    key.created_at.to_rfc3339(),
                    when(key.last_used_at),
                    when(key.revoked_at)
                );
            }
        }
    }
    Ok(())
}
