use std::process::ExitCode;

use api_gateway::{Config, SERVICE};
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    if let Err(error) =
        observability::init_logging(SERVICE.name, SERVICE.version, config.common.log_format)
    {
        eprintln!("cannot initialise logging: {error}");
    }
    api_gateway::run(config).await
}
