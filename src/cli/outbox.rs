//! `lotse outbox list|retry`: the operator's view of voicemail emails that
//! could not be delivered. `list` shows how many jobs wait and every dead
//! letter (by job key, never the caller's number); `retry KEY` or
//! `retry --all` puts dead letters back into the queue with a fresh day of
//! retries, for a running `lotse serve` to deliver.

use std::process::ExitCode;

use crate::clock::{Clock, SystemClock};
use crate::outbox::{JobKey, Outbox};

use super::ConfigArg;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Count queued and retrying jobs; list dead letters.
    List(ConfigArg),
    /// Put dead letters back into the queue.
    Retry {
        #[command(flatten)]
        config: ConfigArg,
        /// The job key shown by `lotse outbox list`.
        #[arg(required_unless_present = "all")]
        key: Option<String>,
        /// Every dead letter.
        #[arg(long, conflicts_with = "key")]
        all: bool,
    },
}

pub fn run(cmd: &Command) -> ExitCode {
    let config = match cmd {
        Command::List(c) | Command::Retry { config: c, .. } => c,
    };
    let settings = match super::load(config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let outbox = match Outbox::new(&settings) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let result = runtime.block_on(async {
        match cmd {
            Command::List(_) => list(&outbox).await,
            Command::Retry { key, .. } => {
                let key = key.as_deref().map(JobKey::from_shown);
                let n = outbox.queue.replay(key.as_ref(), SystemClock.now()).await?;
                println!("{n} dead letter(s) back in the queue");
                anyhow::ensure!(n > 0 || key.is_none(), "no dead letter with that key");
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn list(outbox: &Outbox) -> anyhow::Result<()> {
    let c = outbox.queue.counts().await?;
    println!(
        "queued: {}, retrying: {}, dead letters: {}",
        c.queued, c.retrying, c.dead
    );
    for job in outbox.queue.dead_letters().await? {
        let at = job.recorded_at.with_timezone(&outbox.tz);
        println!(
            "{}  {}  {} s  call back: {}  attempts: {}  last error: {}",
            job.key(),
            at.format("%Y-%m-%d %H:%M"),
            job.duration_s,
            if job.callback_requested { "yes" } else { "no" },
            job.attempts,
            job.last_error.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}
