//! Shutdown: SIGINT and SIGTERM cancel one token every task watches; readiness turns 503 at once; the drain
//! has a time limit, after which the process exits and says so. `main` supervises the tasks it spawned and
//! stops everything when one of them dies unexpectedly.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::health::HealthRegistry;

pub type TaskResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// How a supervised run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// Stopped on request (signal or token) and every task finished within the drain limit.
    Clean,
    /// A task ended on its own (with an error or early): the service cannot do its job.
    TaskFailed(String),
    /// Tasks were still running when the drain limit passed; they were aborted.
    DrainTimedOut,
}

impl RunOutcome {
    pub fn exit_code(&self) -> std::process::ExitCode {
        match self {
            Self::Clean => std::process::ExitCode::SUCCESS,
            Self::TaskFailed(_) | Self::DrainTimedOut => std::process::ExitCode::FAILURE,
        }
    }
}

/// Owns the long-lived tasks of a service and the shutdown sequence.
#[derive(Debug)]
pub struct Supervisor {
    tasks: JoinSet<(&'static str, TaskResult)>,
    shutdown: CancellationToken,
    /// Cancelled after the drain: the telemetry server keeps answering (503 ready) until then.
    finished: CancellationToken,
    health: HealthRegistry,
    drain_timeout: Duration,
}

impl Supervisor {
    pub fn new(health: HealthRegistry, drain_timeout: Duration) -> Self {
        Self {
            tasks: JoinSet::new(),
            shutdown: CancellationToken::new(),
            finished: CancellationToken::new(),
            health,
            drain_timeout,
        }
    }

    /// The token every task watches.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Cancelled once the drain is over: for servers that must outlive the drain (the metrics port).
    pub fn finished_token(&self) -> CancellationToken {
        self.finished.clone()
    }

    /// Runs a task that should live until shutdown; it ending earlier stops the service.
    pub fn spawn<F>(&mut self, name: &'static str, task: F)
    where
        F: Future<Output = TaskResult> + Send + 'static,
    {
        self.tasks.spawn(async move { (name, task.await) });
    }

    /// Listens for SIGINT and SIGTERM (once per process is enough).
    pub fn listen_for_signals(&self) {
        let shutdown = self.shutdown.clone();
        let health = self.health.clone();
        tokio::spawn(async move {
            let signal = wait_for_signal().await;
            health.set_shutting_down();
            tracing::info!(signal, "shutdown requested");
            shutdown.cancel();
        });
    }

    /// Waits for a shutdown request or a task failure, then drains within the limit.
    pub async fn run(mut self) -> RunOutcome {
        let mut outcome = RunOutcome::Clean;
        tokio::select! {
            biased;
            _ = self.shutdown.cancelled() => {}
            Some(joined) = self.tasks.join_next() => {
                // A task that returns because shutdown began in the meantime is draining, not failing.
                let stopping = self.shutdown.is_cancelled();
                let failed = match joined {
                    Ok((_, Ok(()))) if stopping => None,
                    Ok((name, Ok(()))) => { tracing::error!(task = name, "task ended unexpectedly"); Some(name.to_string()) }
                    Ok((name, Err(error))) => { tracing::error!(task = name, error = %error, "task failed"); Some(name.to_string()) }
                    Err(join) => { tracing::error!(error = %join, "task panicked"); Some("panicked task".to_string()) }
                };
                if let Some(name) = failed {
                    outcome = RunOutcome::TaskFailed(name);
                }
            }
        }
        self.health.set_shutting_down();
        self.shutdown.cancel();
        let drain = async {
            while let Some(joined) = self.tasks.join_next().await {
                if let Ok((name, Err(error))) = joined {
                    tracing::warn!(task = name, error = %error, "task failed while draining");
                }
            }
        };
        if tokio::time::timeout(self.drain_timeout, drain)
            .await
            .is_err()
        {
            tracing::error!(
                limit_secs = self.drain_timeout.as_secs_f64(),
                remaining = self.tasks.len(),
                "drain time limit reached; aborting remaining tasks and exiting"
            );
            self.tasks.abort_all();
            outcome = RunOutcome::DrainTimedOut;
        } else {
            tracing::info!("drained; exiting");
        }
        self.finished.cancel();
        outcome
    }
}

#[cfg(unix)]
async fn wait_for_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => tokio::select! {
            _ = tokio::signal::ctrl_c() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        },
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGTERM; only SIGINT will stop the service");
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "SIGINT"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drain_waits_for_tasks_that_watch_the_token() {
        let mut supervisor = Supervisor::new(HealthRegistry::default(), Duration::from_secs(5));
        let token = supervisor.shutdown_token();
        supervisor.spawn("worker", async move {
            token.cancelled().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(())
        });
        supervisor.shutdown_token().cancel();
        assert_eq!(supervisor.run().await, RunOutcome::Clean);
    }

    #[tokio::test]
    async fn a_task_that_ignores_the_token_is_aborted_after_the_limit() {
        let mut supervisor = Supervisor::new(HealthRegistry::default(), Duration::from_millis(100));
        supervisor.spawn("stuck", async {
            std::future::pending::<()>().await;
            Ok(())
        });
        supervisor.shutdown_token().cancel();
        assert_eq!(supervisor.run().await, RunOutcome::DrainTimedOut);
    }

    #[tokio::test]
    async fn a_failing_task_stops_the_service_and_readiness() {
        let health = HealthRegistry::default();
        health.set_running();
        let mut supervisor = Supervisor::new(health.clone(), Duration::from_secs(1));
        supervisor.spawn("broken", async { Err("boom".into()) });
        assert_eq!(
            supervisor.run().await,
            RunOutcome::TaskFailed("broken".into())
        );
        assert_eq!(health.lifecycle(), crate::health::Lifecycle::ShuttingDown);
    }
}
