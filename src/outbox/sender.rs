//! The sender: a task in every `lotse serve` that takes due jobs from the
//! queue and delivers them. A failure is retried with exponential backoff
//! (`[email] retry_first_s`, doubling up to `retry_max_s`) until
//! `give_up_after_s` after the job was queued; then the job becomes a dead
//! letter that `lotse outbox list|retry` shows and replays.
//!
//! Logs name a job by its [`JobKey`](super::JobKey), never the caller, and
//! errors are logged here, once, where they are handled.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::keeper::Prior;
use super::mail::{self, Sent};
use super::Outbox;

/// How soon a job another sender (sharing the spool) is sending is looked
/// at again: by then its email went out, or failed and is retried there.
const IN_FLIGHT_RECHECK: chrono::Duration = chrono::Duration::seconds(2);
use crate::clock::Clock;

/// What one step of the sender did.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Idle,
    Delivered,
    /// The queue offered a job whose email went out before; acknowledged.
    AlreadySent,
    Retrying,
    GaveUp,
}

/// Runs the sender until the task is aborted. An abort in the middle of a
/// delivery leaves the job claimed; another sender (or this one after a
/// restart) takes it over after `claim_idle`.
pub fn spawn(outbox: Arc<Outbox>, clock: Arc<dyn Clock>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let spool = &outbox.email.spool_dir;
        if tokio::fs::try_exists(spool).await.unwrap_or(false) {
            if let Err(e) = super::private_files::tighten_tree(spool).await {
                warn!(error = %e, spool_dir = %spool.display(), "cannot tighten the spool's permissions");
            }
        }
        let mut store_down = false;
        let mut reconciled: Option<Instant> = None;
        loop {
            // Copies in custody: at most once per poll interval.
            if reconciled.is_none_or(|at| at.elapsed() >= outbox.email.poll) {
                reconciled = Some(Instant::now());
                if let Err(e) = outbox.reconcile().await {
                    if !store_down {
                        warn!(error = %e, "outbox custody cannot reach the store; retrying");
                    }
                    store_down = true;
                }
            }
            match step(&outbox, clock.now()).await {
                Ok(Step::Idle) => {
                    store_down = false;
                    tokio::time::sleep(outbox.email.poll).await;
                }
                Ok(_) => store_down = false,
                Err(e) => {
                    // Logged once per outage, not once per poll.
                    if !store_down {
                        warn!(error = %e, "outbox store unavailable; retrying");
                    }
                    store_down = true;
                    tokio::time::sleep(outbox.email.poll).await;
                }
            }
        }
    })
}

/// Takes one due job and tries to deliver it; the queue errors it returns
/// are the store's (SMTP failures are handled here).
pub async fn step(outbox: &Outbox, now: DateTime<Utc>) -> anyhow::Result<Step> {
    // An acknowledgement owed first: its email went out already.
    outbox.settle_owed().await?;
    let next = outbox.queue.next(now).await;
    outbox.report_repairs();
    let Some(claimed) = next? else {
        return Ok(Step::Idle);
    };
    match outbox.prior(&claimed.job).await {
        Prior::Sent => {
            info!(job = %claimed.job.key(), "voicemail email was sent before; acknowledging only");
            outbox.delivered(&claimed).await?;
            return Ok(Step::AlreadySent);
        }
        Prior::InFlight => {
            let later = now + IN_FLIGHT_RECHECK;
            outbox.queue.later(&claimed, &claimed.job, later).await?;
            return Ok(Step::Retrying);
        }
        Prior::None => {}
    }
    let mut job = claimed.job.clone();
    let key = job.key();
    outbox.sending(&job, true).await;
    let result = match mail::compose(&job, &outbox.email, &outbox.hotline, outbox.tz) {
        Ok(message) => outbox.mailer.send(message, &job).await,
        Err(e) => Err(e),
    };
    // Noted as done (or not) before the marker goes: no gap between them.
    let result = match result {
        Ok(sent) => Ok((sent, outbox.delivered(&claimed).await)),
        Err(e) => Err(e),
    };
    outbox.sending(&job, false).await;
    match result {
        Ok((sent, acknowledged)) => {
            let result = if matches!(sent, Sent::Smtp) {
                "delivered"
            } else {
                "spooled"
            };
            outbox.sent.count(result);
            match sent {
                Sent::Smtp => {
                    info!(job = %key, attempts = job.attempts + 1, "voicemail email delivered")
                }
                Sent::Spooled(path) => {
                    info!(job = %key, path = %path.display(), "voicemail email written to the spool directory (no SMTP configured)")
                }
            }
            // Not acknowledged: owed, and paid before the next job.
            acknowledged?;
            Ok(Step::Delivered)
        }
        Err(e) => {
            job.attempts += 1;
            job.last_error = Some(e.to_string());
            let policy = outbox.email.retry;
            let delay = policy.delay(job.attempts);
            let deadline = job.queued_at + policy.give_up_after;
            let due = now + delay;
            if due > deadline {
                outbox.queue.dead(&claimed, &job).await?;
                outbox.sent.count("dead_letter");
                warn!(job = %key, attempts = job.attempts, error = %e, "voicemail email undeliverable; moved to dead letters (lotse outbox list)");
                Ok(Step::GaveUp)
            } else {
                outbox.queue.later(&claimed, &job, due).await?;
                outbox.sent.count("failed");
                warn!(job = %key, attempts = job.attempts, retry_in_ms = delay.as_millis() as u64, error = %e, "voicemail email not delivered; will retry");
                Ok(Step::Retrying)
            }
        }
    }
}
