//! Settings every service reads, from the environment (or the same-named flags), once at start-up.
//! Invalid values exit with a clear message and exit code 2 (clap's usage-error code).

use std::net::IpAddr;
use std::time::Duration;

use clap::Args;
use observability::LogFormat;

pub const NATS_URL: &str = "NATS_URL";
pub const DATABASE_URL: &str = "DATABASE_URL";
pub const TIMESCALE_URL: &str = "TIMESCALE_URL";
pub const REDIS_URL: &str = "REDIS_URL";
pub const METRICS_PORT: &str = "METRICS_PORT";
pub const BIND_ADDRESS: &str = "BIND_ADDRESS";
pub const LOG_FORMAT: &str = "LOG_FORMAT";
pub const SHUTDOWN_TIMEOUT_SECS: &str = "SHUTDOWN_TIMEOUT_SECS";
pub const NATS_NAMESPACE: &str = "NATS_NAMESPACE";

/// Connection and runtime settings shared by all four services.
#[derive(Debug, Clone, Args)]
pub struct CommonConfig {
    /// NATS server (JetStream enabled).
    #[arg(long, env = NATS_URL, default_value = "nats://127.0.0.1:4222", value_parser = parse_url)]
    pub nats_url: String,
    /// PostgreSQL for API keys and alert rules.
    #[arg(long, env = DATABASE_URL, default_value = "postgres://postgres@127.0.0.1:5432/screener", value_parser = parse_postgres_url)]
    pub database_url: String,
    /// Time-series database (TimescaleDB or plain PostgreSQL); defaults to DATABASE_URL.
    #[arg(long, env = TIMESCALE_URL, value_parser = parse_postgres_url)]
    pub timescale_url: Option<String>,
    /// Redis.
    #[arg(long, env = REDIS_URL, default_value = "redis://127.0.0.1:6379", value_parser = parse_url)]
    pub redis_url: String,
    /// Address the HTTP listeners bind to. 127.0.0.1 keeps them private; containers set 0.0.0.0.
    #[arg(long, env = BIND_ADDRESS, default_value = "127.0.0.1")]
    pub bind_address: IpAddr,
    /// `json` or `pretty`; unset: pretty on a terminal, JSON otherwise.
    #[arg(long, env = LOG_FORMAT)]
    pub log_format: Option<LogFormat>,
    /// Longest time the drain may take after SIGTERM before the process exits anyway.
    #[arg(long, env = SHUTDOWN_TIMEOUT_SECS, default_value_t = 10.0, value_parser = parse_positive_secs)]
    pub shutdown_timeout_secs: f64,
    /// Prefix for every NATS subject and stream name, so several deployments (or tests) share one NATS.
    #[arg(long, env = NATS_NAMESPACE, default_value = "")]
    pub nats_namespace: String,
}

impl CommonConfig {
    /// Local defaults, as `make run` uses them; tests override fields.
    pub fn local() -> Self {
        Self {
            nats_url: "nats://127.0.0.1:4222".into(),
            database_url: "postgres://postgres@127.0.0.1:5432/screener".into(),
            timescale_url: None,
            redis_url: "redis://127.0.0.1:6379".into(),
            bind_address: IpAddr::from([127, 0, 0, 1]),
            log_format: None,
            shutdown_timeout_secs: 10.0,
            nats_namespace: String::new(),
        }
    }

    pub fn timescale_url(&self) -> &str {
        self.timescale_url.as_deref().unwrap_or(&self.database_url)
    }

    pub fn shutdown_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.shutdown_timeout_secs)
    }
}

fn parse_url(value: &str) -> Result<String, String> {
    let url = url::Url::parse(value).map_err(|e| format!("not a URL ({e})"))?;
    if url.host_str().is_none() {
        return Err("the URL has no host".into());
    }
    Ok(value.to_string())
}

fn parse_postgres_url(value: &str) -> Result<String, String> {
    let parsed = parse_url(value)?;
    match url::Url::parse(value).map(|u| u.scheme().to_string()) {
        Ok(scheme) if scheme == "postgres" || scheme == "postgresql" => Ok(parsed),
        _ => Err("expected a postgres:// URL".into()),
    }
}

fn parse_positive_secs(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= 3600.0 => Ok(secs),
        _ => Err("expected a number of seconds between 0 and 3600".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Probe {
        #[command(flatten)]
        common: CommonConfig,
    }

    #[test]
    fn defaults_match_the_documented_table() {
        let probe = Probe::try_parse_from(["probe"]).unwrap();
        assert_eq!(
            probe.common.timescale_url(),
            "postgres://postgres@127.0.0.1:5432/screener"
        );
        assert_eq!(probe.common.bind_address.to_string(), "127.0.0.1");
    }

    #[test]
    fn invalid_values_are_usage_errors() {
        for args in [
            ["probe", "--database-url", "mysql://x/y"],
            ["probe", "--nats-url", "not a url"],
            ["probe", "--shutdown-timeout-secs", "-1"],
            ["probe", "--log-format", "xml"],
        ] {
            let error = Probe::try_parse_from(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}");
        }
    }
}
