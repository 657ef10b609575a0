//! Users' rules: loading them from PostgreSQL, indexing them for the hot path, and following changes.

mod index;
mod loaded;
pub mod store;
pub mod watch;

pub use index::RuleIndex;
pub use loaded::{LoadedRule, RuleLoadError, RuleRow};
