//! What keeps a voicemail on its way when Redis fails: accepting a
//! recording into the queue or, if Redis cannot be reached, into this
//! instance's custody on local disk; moving spooled jobs into the queue,
//! and queueing again what Redis lost; letting go of a copy once its job is
//! done; and acknowledging a delivery whose acknowledgement failed.
//!
//! Exactly once: Redis accepts a recording once (`seen`, then `done`), the
//! copy in custody goes back into the queue only while Redis knows neither,
//! the instance that delivers a job lets go of its own copy before it
//! acknowledges, and an acknowledgement that fails is owed and paid before
//! the next job is taken. What remains: a job delivered by *another*
//! instance in the moment before Redis loses its data is sent again by the
//! instance holding the copy (with the same `Message-ID`).

use std::collections::VecDeque;
use std::sync::MutexGuard;
use std::time::Duration;

use tracing::{info, warn};

use super::custody::Kept;
use super::redis_queue::{Enqueued, Fate};
use super::{Claimed, Job, Outbox, Queue};

/// Acknowledgements owed at most; beyond, the oldest is forgotten (its job
/// may then be sent twice).
const OWED_MAX: usize = 256;

/// What was done with a job before the queue offered it (again).
#[derive(Debug, PartialEq, Eq)]
pub enum Prior {
    None,
    /// Its email went out: acknowledge only.
    Sent,
    /// Another sender sharing the spool is sending it right now: look again later.
    InFlight,
}

/// What became of a recording callback.
#[derive(Debug, PartialEq, Eq)]
pub enum Accepted {
    Queued,
    /// Accepted before: nothing stored.
    Duplicate,
    /// Redis could not be reached: kept on local disk, moved into the
    /// queue by the sender once Redis is back.
    Spooled,
}

impl Outbox {
    /// Stores a recording's job before its callback is answered: in the
    /// queue, and with Redis also as a copy in custody; if Redis does not
    /// answer within `budget`, in custody only. An error only when neither
    /// could take it.
    pub async fn accept(
        &self,
        job: &Job,
        call: &str,
        join: bool,
        budget: Duration,
    ) -> anyhow::Result<Accepted> {
        let (Queue::Redis(q), Some(custody)) = (&self.queue, &self.custody) else {
            let added = self.queue.enqueue(job, call, join).await?;
            return Ok(if added {
                Accepted::Queued
            } else {
                Accepted::Duplicate
            });
        };
        let key = job.key();
        if custody.is_done(&key).await {
            return Ok(Accepted::Duplicate);
        }
        let error = match tokio::time::timeout(budget, q.enqueue(job, call, join)).await {
            Ok(Ok(Enqueued::Added { number })) => {
                let mut job = job.clone();
                job.number = number;
                let kept = Kept {
                    job,
                    call: call.to_owned(),
                    join: false,
                    queued: true,
                };
                if let Err(e) = custody.keep(&kept).await {
                    warn!(job = %key, error = %e, "cannot keep a local copy of the voicemail job; it is in Redis only");
                }
                return Ok(Accepted::Queued);
            }
            Ok(Ok(Enqueued::Duplicate)) => return Ok(Accepted::Duplicate),
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {} ms", budget.as_millis()),
        };
        // A repeated callback while the first one's copy is still here.
        if custody.holds(&key).await {
            return Ok(Accepted::Duplicate);
        }
        let kept = Kept {
            job: job.clone(),
            call: call.to_owned(),
            join,
            queued: false,
        };
        custody.keep(&kept).await?;
        self.repairs.outbox("spooled");
        warn!(job = %key, error = %error, "Redis unreachable; voicemail job written to the local spool, to be queued when Redis is back");
        Ok(Accepted::Spooled)
    }

    /// One pass over the copies in custody: let go of those done, queue
    /// those Redis does not know (spooled ones, or ones it lost).
    pub async fn reconcile(&self) -> anyhow::Result<()> {
        let (Queue::Redis(q), Some(custody)) = (&self.queue, &self.custody) else {
            return Ok(());
        };
        custody.prune_done().await?;
        // Never in the way of the copies below: what it cannot take now
        // waits for the next pass.
        if let Err(e) = self.adopt_local(custody).await {
            warn!(error = %e, "cannot take over the embedded queue's jobs yet");
        }
        for mut kept in custody.all().await? {
            let key = kept.job.key();
            match q.fate(&kept.job.id).await? {
                Fate::Done => {
                    custody.mark_done(&key).await?;
                    custody.release(&key).await?;
                }
                // The dead letters are the operator's now; a replay must
                // still be sent, so the ledger does not note it.
                Fate::Dead => custody.release(&key).await?,
                Fate::Queued => {}
                // Another instance sharing this spool delivered it.
                Fate::Unknown if custody.is_done(&key).await => custody.release(&key).await?,
                // Redis forgot it while it is being sent: wait for the result.
                Fate::Unknown if custody.in_flight(&key, self.email.claim_idle).await => {}
                Fate::Unknown => {
                    let Enqueued::Added { number } =
                        q.enqueue(&kept.job, &kept.call, kept.join).await?
                    else {
                        continue; // done or queued meanwhile: next pass
                    };
                    if kept.queued {
                        self.repairs.outbox("requeued");
                        warn!(job = %key, "Redis had lost a voicemail job; queued again from this instance's copy");
                    } else {
                        self.repairs.outbox("moved");
                        info!(job = %key, "spooled voicemail job moved into the shared queue");
                    }
                    if kept.join {
                        kept.job.number = number;
                    }
                    (kept.join, kept.queued) = (false, true);
                    custody.keep(&kept).await?;
                }
            }
        }
        Ok(())
    }

    /// Jobs a run without Redis left in the embedded queue (`queue/`), which
    /// a run with Redis never reads: each goes into custody first (so a
    /// crash in between loses nothing), then its file goes, and the pass
    /// below moves it into the shared queue like any spooled job.
    async fn adopt_local(&self, custody: &super::custody::Custody) -> anyhow::Result<()> {
        let Some(local) = &self.embedded else {
            return Ok(());
        };
        for (path, job) in local.leftovers().await? {
            let key = job.key();
            let kept = Kept {
                job,
                call: String::new(),
                join: false,
                queued: false,
            };
            custody.keep(&kept).await?;
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                // Another instance sharing the spool took it (and kept its
                // own copy); Redis accepts the job once.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e.into()),
            }
            self.repairs.outbox("adopted");
            info!(job = %key, "voicemail job from the embedded queue taken over for the shared queue");
        }
        // Markers of the embedded queue age out here too.
        local.prune_seen().await;
        Ok(())
    }

    /// After the email went out: let go of this instance's copy, then
    /// acknowledge in the queue; an acknowledgement that fails is owed.
    pub async fn delivered(&self, claimed: &Claimed) -> anyhow::Result<()> {
        if let Some(custody) = &self.custody {
            let key = claimed.job.key();
            let noted = custody.mark_done(&key).await;
            if let Err(e) = noted.and(custody.release(&key).await) {
                warn!(job = %key, error = %e, "cannot note a delivered voicemail job in the local spool");
            }
        }
        if let Err(e) = self.queue.done(claimed).await {
            let mut owed = self.owed();
            if owed.len() >= OWED_MAX {
                owed.pop_front();
            }
            owed.push_back(claimed.clone());
            return Err(e);
        }
        Ok(())
    }

    /// Whether this instance (or one sharing its spool) already delivered
    /// the job — an entry left in the queue by a failed acknowledgement,
    /// or queued again after Redis forgot it was done — or is sending it
    /// right now.
    pub async fn prior(&self, job: &Job) -> Prior {
        let Some(custody) = &self.custody else {
            return Prior::None;
        };
        let key = job.key();
        if custody.is_done(&key).await {
            Prior::Sent
        } else if custody.in_flight(&key, self.email.claim_idle).await {
            Prior::InFlight
        } else {
            Prior::None
        }
    }

    /// Brackets one delivery attempt (see [`Prior::InFlight`]).
    pub async fn sending(&self, job: &Job, now_sending: bool) {
        if let Some(custody) = &self.custody {
            match now_sending {
                true => custody.sending(&job.key()).await,
                false => custody.not_sending(&job.key()).await,
            }
        }
    }

    /// Pays the acknowledgements owed, oldest first; an error while the
    /// store still cannot take them (the sender then takes no new job).
    pub async fn settle_owed(&self) -> anyhow::Result<()> {
        loop {
            let Some(front) = self.owed().front().cloned() else {
                return Ok(());
            };
            self.queue.done(&front).await?;
            let mut owed = self.owed();
            if owed.front().is_some_and(|c| c.handle == front.handle) {
                owed.pop_front();
            }
        }
    }

    fn owed(&self) -> MutexGuard<'_, VecDeque<Claimed>> {
        self.owed.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Logs and counts the queue's repairs of its consumer group.
    pub fn report_repairs(&self) {
        for _ in 0..self.queue.take_repairs() {
            self.repairs.outbox("group");
            warn!("outbox consumer group was missing (Redis lost its data or failed over); recreated, sending on");
        }
    }
}
