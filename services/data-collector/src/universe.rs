//! The symbol universe: `SYMBOLS` checked against exchange info, or the top `TOP_N` by 24 h quote volume.

use exchange_connectors::universe::{self, UniverseSpec};
use market_model::{Interval, Symbol};

use crate::book::StreamKey;
use crate::rest::{FetchError, RestClient};

#[derive(Debug, thiserror::Error)]
pub enum UniverseError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("unreadable {what}: {source}")]
    Parse {
        what: &'static str,
        source: exchange_connectors::FrameError,
    },
}

/// Fetches reference data and selects the symbols to collect.
pub async fn fetch(rest: &RestClient, spec: &UniverseSpec) -> Result<Vec<Symbol>, UniverseError> {
    let connector = rest.connector();
    let body = rest.get(&connector.exchange_info_request()).await?;
    let info = connector
        .parse_exchange_info(&body)
        .map_err(|source| UniverseError::Parse {
            what: "exchange info",
            source,
        })?;
    let tickers = match spec {
        UniverseSpec::TopByQuoteVolume { .. } => {
            let body = rest.get(&connector.tickers_request()).await?;
            connector
                .parse_tickers(&body)
                .map_err(|source| UniverseError::Parse {
                    what: "24 h tickers",
                    source,
                })?
        }
        UniverseSpec::Explicit(_) => Vec::new(),
    };
    let selected = universe::select(spec, &info.symbols, &tickers);
    if !selected.unknown.is_empty() {
        tracing::warn!(unknown = ?selected.unknown, "SYMBOLS lists symbols the exchange does not have; skipped");
    }
    if !selected.not_trading.is_empty() {
        tracing::warn!(symbols = ?selected.not_trading, "some SYMBOLS are not trading; collected anyway");
    }
    Ok(selected.symbols)
}

/// Every stream of the universe, in a stable order.
pub fn streams(symbols: &[Symbol], intervals: &[Interval]) -> Vec<StreamKey> {
    symbols
        .iter()
        .flat_map(|symbol| {
            intervals.iter().map(move |interval| StreamKey {
                symbol: symbol.clone(),
                interval: *interval,
            })
        })
        .collect()
}
