//! Incremental technical indicators that reproduce TA-Lib's numbers, for the metrics-calculator's one state per
//! (symbol, interval).
//!
//! Pure computation: no I/O, no async. [`IndicatorState::update`] advances by a closed candle in O(1) (amortised
//! for windows) without allocating; [`IndicatorState::peek`] answers "what would this in-progress candle give"
//! without touching the state and always equals what `update` would return. Output field names
//! ([`FIELD_NAMES`], [`Field`]) are the product's public API and do not change with the configured periods.
//! [`RollingChange`] covers the per-symbol 24 h change fed from a coarse series.
//!
//! Non-finite inputs and negative volume are refused with [`IndicatorError`] and leave the state unchanged, as
//! do candles that are not strictly after the last closed one.

mod candle;
mod change;
mod config;
mod ema;
mod error;
mod extreme;
mod field;
mod history;
mod macd;
mod rolling;
mod short_sma;
mod state;
mod stoch;
mod values;
mod wilder;

pub use candle::Candle;
pub use change::RollingChange;
pub use config::{IndicatorConfig, MAX_PERIOD, SEED_INFLUENCE};
pub use error::IndicatorError;
pub use field::{FIELD_NAMES, Field, UnknownField};
pub use state::IndicatorState;
pub use values::Values;
