use std::process::ExitCode;

use clap::Parser;
use data_collector::{Config, SERVICE};

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    if let Err(error) =
        observability::init_logging(SERVICE.name, SERVICE.version, config.common.log_format)
    {
        eprintln!("cannot initialise logging: {error}");
    }
    data_collector::run(config).await
}
