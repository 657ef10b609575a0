//! Everything exchange-specific that can be pure: stream naming, WebSocket frame parsing into
//! [`market_model::Candle`]s, control requests, REST request descriptions and response parsers,
//! rate-limit metadata, universe selection and stream sharding.
//!
//! The data-collector owns sockets, timers and retries and talks to exchanges only through the
//! object-safe [`Connector`] trait, so supporting a second exchange means adding a folder next
//! to [`binance`] and nothing else.

pub mod binance;
mod connector;
mod event;
mod frame_error;
mod reference;
mod rest;
mod rest_error;
pub mod sharding;
mod text;
pub mod universe;

pub use binance::{Binance, BinanceConfig};
pub use connector::{Connector, Limits, UrlError};
pub use event::{ControlError, ControlReply, ControlResult, WsEvent};
pub use frame_error::FrameError;
pub use reference::{ExchangeInfo, SymbolInfo, SymbolStatus, Ticker24h};
pub use rest::{Endpoint, KlinesQuery, RequestError, RestRequest};
pub use rest_error::{ApiError, RestError, parse_retry_after, parse_used_weight};
