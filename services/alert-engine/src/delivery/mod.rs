//! Webhook delivery of persisted events, with retries and a stored outcome per event.

pub mod store;
pub mod worker;

pub use worker::{DeliveryWorker, RetryPolicy};
