//! Picks the exchange connector named by `EXCHANGE`. Adding an exchange means adding its protocol module to
//! exchange-connectors and one arm here; sockets, pacing, back-fill and publishing are exchange-neutral.

use std::sync::Arc;

use exchange_connectors::{Binance, BinanceConfig, Connector};

use crate::Config;

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("unknown exchange {0:?} (supported: binance)")]
    Unknown(String),
}

/// The connector for `config.exchange`, with the URL overrides applied.
pub fn connector(config: &Config) -> Result<Arc<dyn Connector>, ExchangeError> {
    match config.exchange.trim().to_ascii_lowercase().as_str() {
        "binance" => {
            let defaults = BinanceConfig::default();
            Ok(Arc::new(Binance::new(BinanceConfig {
                ws_base_url: config
                    .exchange_ws_url
                    .clone()
                    .unwrap_or(defaults.ws_base_url),
                rest_base_url: config
                    .exchange_rest_url
                    .clone()
                    .unwrap_or(defaults.rest_base_url),
            })))
        }
        other => Err(ExchangeError::Unknown(other.chars().take(32).collect())),
    }
}
