//! The WebSocket side: Binance's raw and combined kline streams, live control requests and connection rules.

pub mod connection;
pub mod control;
pub mod faults;
pub mod feed;
pub mod heartbeat;
pub mod names;
pub mod reader;
pub mod stalls;
pub mod subscriptions;
pub mod upgrade;
