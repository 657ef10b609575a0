//! SQL behind the REST endpoints: one file per table family. Every query counts into
//! `database_queries_total` / `database_errors_total`.

mod events;
mod history;
mod rules;

pub use events::{EventFilter, EventRow, EventStore};
pub use history::{HistoryQuery, HistoryStore, value_columns};
pub use rules::{RuleRow, RuleStore};

use observability::catalog::common::{DATABASE_ERRORS, DATABASE_QUERIES};

/// Counts one statement and its failure.
fn counted<T>(database: &'static str, result: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
    DATABASE_QUERIES
        .counter_with(&[("database", database)])
        .increment(1);
    if result.is_err() {
        DATABASE_ERRORS
            .counter_with(&[("database", database)])
            .increment(1);
    }
    result
}
