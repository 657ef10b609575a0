use std::process::ExitCode;

use api_gateway::{Cli, SERVICE};
use clap::Parser;

/// mimalloc: fewer and cheaper allocations on the per-message paths than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Key-management commands keep stdout for their result (the new key, alone); they report on stderr.
    if cli.command.is_none()
        && let Err(error) =
            observability::init_logging(SERVICE.name, SERVICE.version, cli.config.common.log_format)
    {
        eprintln!("cannot initialise logging: {error}");
    }
    api_gateway::run(cli).await
}
