//! Where snapshots come in: the durable JetStream consumer for closed bars and core NATS for live ones.

pub mod closed;
pub mod live;
