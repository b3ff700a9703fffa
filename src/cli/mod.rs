//! The `lotse` command line: `serve`, `check`, `simulate`, `outbox`,
//! `fallback-twiml`. Each subcommand loads the same validated settings, so
//! what `check` accepts is what `serve` runs and what `simulate` shows.

mod at;
mod check;
mod check_sipgate;
mod fallback_twiml;
mod outbox;
mod serve;
mod simulate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{self, Settings};

#[derive(Parser)]
#[command(
    name = "lotse",
    version,
    about = "Call routing for a confidential counselling hotline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
pub struct ConfigArg {
    /// Configuration file; without one, the built-in defaults (equal to
    /// config/lotse.toml) are used.
    #[arg(long, value_name = "PATH", env = "LOTSE_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the webhook service.
    Serve(ConfigArg),
    /// Validate configuration, call flow and prompts; exit non-zero on any mistake.
    Check(ConfigArg),
    /// Walk one call through the real flow engine at a given instant.
    Simulate(simulate::Args),
    /// Show and replay voicemail emails that could not be delivered.
    #[command(subcommand)]
    Outbox(outbox::Command),
    /// Print static TwiML for the number's "Primary handler fails" URL
    /// (what callers hear while lotse is down).
    FallbackTwiml(fallback_twiml::Args),
}

pub fn run() -> ExitCode {
    match Cli::parse().command {
        Command::Serve(c) => serve::run(&c),
        Command::Check(c) => check::run(&c),
        Command::Simulate(a) => simulate::run(&a),
        Command::Outbox(c) => outbox::run(&c),
        Command::FallbackTwiml(a) => fallback_twiml::run(&a),
    }
}

/// Loads settings or prints every mistake to stderr.
fn load(arg: &ConfigArg) -> Result<Settings, ExitCode> {
    config::load(arg.config.as_deref()).map_err(|errors| {
        for e in &errors.0 {
            eprintln!("error: {e}");
        }
        eprintln!("{} error(s); nothing was started", errors.0.len());
        ExitCode::from(2)
    })
}
