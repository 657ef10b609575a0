//! The market-data vocabulary every crypto-screener service shares: kline [`Interval`]s with
//! Binance-compatible bar alignment, the [`Candle`] record and its validation, the NATS subject
//! naming scheme ([`Subjects`]) and the JSON wire encoding of candles ([`wire`]).
//!
//! The crate is pure (no I/O) so the collector, calculator, alert engine and gateway agree on
//! names and formats by construction rather than by convention.
//!
//! # Why `f64` end to end
//! Indicator maths (EMA, RSI, ATR, ...) is done in `f64`, so a decimal type would only move the
//! conversion elsewhere. Binance sends prices as decimal strings with at most ~17 significant
//! digits; parsing such a string to the nearest `f64` and printing it back in shortest
//! round-trip form (what `serde_json`/`ryu` do) yields the same `f64` bit for bit, so candles
//! survive every hop (WebSocket -> NATS -> database -> API) without drift.

mod calendar;
mod candle;
mod exchange;
mod interval;
pub mod snapshot;
mod subjects;
mod symbol;
pub mod wire;

pub use candle::{Candle, CandleError};
pub use exchange::{ExchangeId, ExchangeIdError};
pub use interval::{Interval, IntervalError};
pub use snapshot::MetricSnapshot;
pub use subjects::{MarketSubject, SubjectError, SubjectKind, Subjects};
pub use symbol::{Symbol, SymbolError};
pub use wire::{WireError, msg_id};
