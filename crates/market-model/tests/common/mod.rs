use market_model::{Candle, ExchangeId, Interval, Symbol};

/// A consistent closed 1m candle taken from Binance's documentation example.
pub fn sample_candle() -> Candle {
    Candle {
        exchange: ExchangeId::from_static("binance"),
        symbol: Symbol::new("BNBBTC").unwrap_or_else(|e| panic!("{e}")),
        interval: Interval::Min1,
        open_time: 1_672_515_780_000,
        close_time: 1_672_515_839_999,
        open: 0.0010,
        high: 0.0025,
        low: 0.0010,
        close: 0.0020,
        volume: 1000.0,
        quote_volume: 1.0,
        taker_buy_base: 500.0,
        taker_buy_quote: 0.5,
        trades: 100,
        closed: true,
        event_time: 1_672_515_782_136,
    }
}
