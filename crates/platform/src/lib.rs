//! What every crypto-screener service shares besides telemetry: the configuration all services read (one
//! typed struct, read once from the environment), connections to NATS, PostgreSQL and Redis that tolerate a
//! dependency being down at start-up, the database migrations, and retry backoff.

pub mod backoff;
pub mod config;
pub mod connect;
pub mod deps;
pub mod migrate;
pub mod streams;

pub use backoff::Backoff;
pub use config::CommonConfig;
