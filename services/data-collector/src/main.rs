use std::process::ExitCode;

use clap::Parser;
use data_collector::{Config, SERVICE};

/// mimalloc: fewer and cheaper allocations on the per-message paths than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let config = Config::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(usize::from(config.worker_threads))
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        if let Err(error) =
            observability::init_logging(SERVICE.name, SERVICE.version, config.common.log_format)
        {
            eprintln!("cannot initialise logging: {error}");
        }
        data_collector::run(config).await
    })
}
