//! The screener: an in-memory view of every (exchange, symbol, interval)'s latest metric snapshot, kept current
//! from NATS (closed and in-progress snapshots) and filled from the time-series database at start-up, so a
//! screener request never touches a database.

mod bootstrap;
mod feed;
mod query;
mod view;

pub use bootstrap::{BootstrapError, load_latest};
pub use feed::{FeedSink, run_feed};
pub use query::{FieldRef, Filter, ParseError, ScreenerQuery, SortKey};
pub use view::{ScreenerView, SymbolSummary};
