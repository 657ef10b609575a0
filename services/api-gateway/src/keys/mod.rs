//! API keys: generated here, shown once, stored only as a SHA-256 hash; managed from the command line.

mod cli;
mod secret;
mod store;
mod verifier;

pub use cli::run_command;
pub use secret::{generate_key, generate_webhook_secret, hash_key};
pub use store::{ApiKeyRow, KeyStore, KeyStoreError};
pub use verifier::KeyVerifier;
