//! WebSocket `/ws`: subscribe to metric snapshots, tickers, screener changes and the caller's alert events.
//! Protocol in docs/api-gateway.md.

mod batcher;
mod channel;
mod handler;
mod hub;
mod message;
mod session;

pub use channel::{Channel, ChannelError};
pub use handler::{__path_ws_handler, ws_handler};
pub use hub::Hub;
