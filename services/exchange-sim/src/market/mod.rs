//! Market data sources: the symbol universe, the synthetic price model and file replay.

pub mod known;
pub mod replay;
pub mod symbols;
pub mod synth;
pub mod universe;
