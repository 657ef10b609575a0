//! Typed errors of the simulator's start-up path (runtime request errors live next to their handlers).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid speed {0:?}: expected a positive number or \"max\"")]
    InvalidSpeed(String),
    #[error("invalid interval {0:?}")]
    InvalidInterval(String),
    #[error("{name} must be within 0..=1, got {value}")]
    InvalidProbability { name: &'static str, value: f64 },
    #[error("{0} must be greater than zero")]
    ZeroDuration(&'static str),
    #[error("{0} is longer than ten years")]
    TooLong(&'static str),
    #[error("no symbols configured")]
    NoSymbols,
    #[error("invalid symbol name {0:?}: expected upper-case letters and digits")]
    InvalidSymbol(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("cannot read replay file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("replay file {path} line {line}: {reason}")]
    Parse {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("replay file {0} has no candles")]
    Empty(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Replay(#[from] ReplayError),
    #[error("cannot bind {addr}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
}
