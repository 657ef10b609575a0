//! Shared telemetry for every crypto-screener service: structured logs, the metric catalog and Prometheus
//! exporter, health checks and endpoints, request-id and trace propagation over HTTP and NATS, and the
//! shutdown sequence. A service wires these together in a few lines so every service looks the same to an
//! operator.

pub mod catalog;
pub mod health;
pub mod logging;
pub mod metrics;
pub mod propagation;
pub mod request_id;
pub mod runtime;
pub mod server;
pub mod shutdown;

pub use health::HealthRegistry;
pub use logging::{LogFormat, init_logging};
pub use metrics::MetricsHandle;
pub use propagation::TraceContext;
pub use request_id::{RequestId, request_id_layer};
pub use runtime::{RuntimeError, ServiceRuntime};
pub use server::{ServiceInfo, telemetry_router};
pub use shutdown::{RunOutcome, Supervisor, TaskResult};
pub use tokio_util::sync::CancellationToken;
