//! Health: a registry of named dependency checks, run concurrently with a timeout each, cached briefly so probe
//! storms do not hammer dependencies, plus the process lifecycle (starting, running, shutting down).

mod checks;
mod registry;
mod report;

pub use checks::{FnCheck, NatsCheck, PostgresCheck, RedisCheck, TimescaleCheck};
pub use registry::{HealthCheck, HealthRegistry, Lifecycle};
pub use report::{CheckReport, CheckStatus, HealthReport, OverallStatus};
