//! A closed or in-progress 1m BTCUSDT candle for unit tests.

use market_model::{Candle, ExchangeId, Interval, Symbol};

#[allow(clippy::unwrap_used)]
pub(crate) fn bar(open_time: i64, closed: bool) -> Candle {
    Candle {
        exchange: ExchangeId::from_static("binance"),
        symbol: Symbol::new("BTCUSDT").unwrap(),
        interval: Interval::Min1,
        open_time,
        close_time: open_time + 59_999,
        open: 1.0,
        high: 1.0,
        low: 1.0,
        close: 1.0,
        volume: 0.0,
        quote_volume: 0.0,
        taker_buy_base: 0.0,
        taker_buy_quote: 0.0,
        trades: 0,
        closed,
        event_time: open_time + 60_000,
    }
}
