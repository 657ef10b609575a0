//! `exchange-sim` binary: parse options, start logging, run until SIGINT/SIGTERM.

use anyhow::Context;
use clap::Parser;
use exchange_sim::Simulator;
use exchange_sim::cli::Cli;

/// mimalloc: fewer and cheaper allocations on the per-message paths than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let config = Cli::parse().into_config().context("invalid options")?;
    let sim = Simulator::start(config)
        .await
        .context("cannot start the simulator")?;
    tokio::select! {
        signal = shutdown_signal() => signal?,
        () = sim.stopped() => {}
    }
    tracing::info!("shutting down");
    sim.shutdown().await;
    Ok(())
}

/// `LOG_FORMAT=json` gives JSON lines; `RUST_LOG` filters (default info).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn shutdown_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot install the SIGTERM handler")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("cannot listen for SIGINT")?,
        _ = term.recv() => {}
    }
    Ok(())
}
