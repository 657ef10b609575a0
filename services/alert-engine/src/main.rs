use std::process::ExitCode;

use alert_engine::{Config, SERVICE};
use clap::Parser;

/// mimalloc: fewer and cheaper allocations on the per-message paths than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    if let Err(error) =
        observability::init_logging(SERVICE.name, SERVICE.version, config.common.log_format)
    {
        eprintln!("cannot initialise logging: {error}");
    }
    alert_engine::run(config).await
}
