//! Replaying kept writes: [`Journal::settle`] (by a webhook before its own
//! store work, or by the replayer), [`Journal::drain`] at shutdown, and the
//! replayer task itself ([`spawn`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use redis::RetryMethod;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use super::{
    Applied, Journal, Unsettled, Write, BACKOFF_FIRST, BACKOFF_MAX, MAX_REFUSALS, REPLAY_WAIT,
};
use crate::call::CallId;
use crate::routing::{Store, StoreError};

impl Journal {
    /// Replays every kept write, oldest first. `Ok` once none is left;
    /// an error when the store still cannot take them (or another task's
    /// replay did not finish within a short wait).
    pub async fn settle(&self) -> Result<(), Unsettled> {
        if self.is_empty() {
            return Ok(());
        }
        let _turn = tokio::time::timeout(REPLAY_WAIT, self.replaying.lock())
            .await
            .map_err(|_| Unsettled::Busy)?;
        loop {
            let front = self.pending().entries.front().map(|e| {
                let span = e.span.clone();
                (e.seq, e.call.clone(), e.write.clone(), e.at, span)
            });
            let Some((seq, call, write, at, span)) = front else {
                return Ok(());
            };
            let result = execute(&self.store, &call, &write, at).await;
            let mut p = self.pending();
            // Gone meanwhile only if dropped as the oldest of a full journal.
            let here = p.entries.front().is_some_and(|e| e.seq == seq);
            match result {
                Ok(_) => {
                    if here {
                        p.entries.pop_front();
                    }
                    self.metrics.writes_replayed.inc();
                    span.in_scope(|| debug!(write = write.name(), "kept store write replayed"));
                }
                Err(e) if !lasting(&e) => return Err(e.into()),
                Err(e) => {
                    let given_up = match p.entries.front_mut() {
                        Some(f) if here => {
                            f.refusals += 1;
                            f.refusals >= MAX_REFUSALS
                        }
                        _ => false,
                    };
                    if !given_up {
                        return Err(e.into());
                    }
                    p.entries.pop_front();
                    self.metrics
                        .writes_dropped
                        .with_label_values(&["refused"])
                        .inc();
                    span.in_scope(|| warn!(write = write.name(), error = %e, "the store refused a kept write {MAX_REFUSALS} times; dropped"));
                }
            }
            self.metrics.writes_pending.set(p.entries.len() as i64);
        }
    }

    /// A last replay before the process exits, for at most `within`;
    /// returns how many writes the store has not taken.
    pub async fn drain(&self, within: Duration) -> usize {
        let _ = tokio::time::timeout(within, async {
            while !self.is_empty() && self.settle().await.is_err() {
                tokio::time::sleep(BACKOFF_FIRST).await;
            }
        })
        .await;
        let lost = self.len();
        if lost > 0 {
            warn!(
                writes = lost,
                "store still unreachable at shutdown; kept writes not delivered"
            );
        }
        lost
    }
}

/// Runs the replayer until the task is aborted.
pub fn spawn(journal: Arc<Journal>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = BACKOFF_FIRST;
        let mut waiting = false;
        loop {
            if journal.is_empty() {
                journal.wake.notified().await;
                continue;
            }
            let before = journal.len();
            match journal.settle().await {
                Ok(()) => {
                    if waiting {
                        info!(
                            writes = before,
                            "store reachable again; kept writes replayed"
                        );
                    }
                    waiting = false;
                    backoff = BACKOFF_FIRST;
                }
                Err(e) => {
                    // One line per outage, not one per try.
                    if !waiting {
                        warn!(error = %e, writes = before, "kept store writes wait for the store; retrying");
                    }
                    waiting = true;
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                }
            }
        }
    })
}

pub(super) async fn execute(
    store: &Store,
    call: &CallId,
    write: &Write,
    at: DateTime<Utc>,
) -> Result<Applied, StoreError> {
    Ok(match write {
        Write::Answered { counsellor } => {
            Applied::Answered(store.answered(call, counsellor, at).await?)
        }
        Write::RingFailed {
            counsellor,
            max_no_answer,
        } => Applied::RingFailed(
            store
                .ring_failed(call, counsellor, at, *max_no_answer)
                .await?,
        ),
        Write::CallEnded { wrap_up } => {
            Applied::CallEnded(store.call_ended(call, at, *wrap_up).await?)
        }
        Write::Left { abandoned } => Applied::Left(store.leave(call, *abandoned, at).await?),
    })
}

/// An error no wait cures (a script error, a reply of the wrong shape),
/// as opposed to an outage (refused, timed out, dropped, loading, failover,
/// out of memory).
fn lasting(e: &StoreError) -> bool {
    match e {
        StoreError::Redis(r) => {
            let outage = r.is_io_error()
                || r.is_timeout()
                || r.is_connection_dropped()
                || r.is_connection_refusal()
                || matches!(
                    r.code(),
                    Some("OOM" | "LOADING" | "READONLY" | "MASTERDOWN")
                );
            !outage && matches!(r.retry_method(), RetryMethod::NoRetry)
        }
        _ => true,
    }
}
