//! The REST side: Binance's market-data endpoints behind the request-weight limiter, plus `/sim/` controls.

pub mod control;
pub mod error;
pub mod klines;
pub mod market;
pub mod params;
pub mod ticker;
pub mod weights;
