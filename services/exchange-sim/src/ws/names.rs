//! Stream names (`btcusdt@kline_1m`) and what they resolve to right now.

use std::sync::Arc;

use crate::interval::Interval;
use crate::market::synth::SymbolModel;
use crate::state::Shared;

/// Where a stream's candles come from.
#[derive(Debug, Clone)]
pub enum Source {
    Synthetic(Arc<SymbolModel>),
    Replay,
}

#[derive(Debug, Clone)]
pub struct Resolved {
    pub name: String,
    pub interval: Interval,
    pub source: Source,
}

/// Splits `<symbol>@kline_<interval>`; the symbol must be lower case like Binance's stream names.
pub fn parse(name: &str) -> Option<(&str, Interval)> {
    let (symbol, rest) = name.split_once('@')?;
    let interval = rest.strip_prefix("kline_")?.parse().ok()?;
    if symbol.is_empty()
        || !symbol
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return None;
    }
    Some((symbol, interval))
}

/// Resolves a stream name against the listed symbols (or the replayed one); `None` = unknown stream.
pub fn resolve(shared: &Shared, name: &str) -> Option<Resolved> {
    let (symbol, interval) = parse(name)?;
    let source = match &shared.replay {
        Some(r) if r.stream_name == symbol && r.interval == interval => Source::Replay,
        Some(_) => return None,
        None => Source::Synthetic(shared.universe.get_stream_symbol(symbol)?.model),
    };
    Some(Resolved {
        name: name.to_owned(),
        interval,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kline_stream_names_only() {
        assert_eq!(parse("btcusdt@kline_1M"), Some(("btcusdt", Interval::Mo1)));
        assert_eq!(parse("btcusdt@kline_1m"), Some(("btcusdt", Interval::M1)));
        assert_eq!(parse("BTCUSDT@kline_1m"), None);
        assert_eq!(parse("btcusdt@kline_7m"), None);
        assert_eq!(parse("btcusdt@trade"), None);
        assert_eq!(parse("@kline_1m"), None);
    }
}
