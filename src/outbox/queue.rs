//! The durable queue of email jobs, in one of two stores: a Redis Stream
//! shared by every instance (`[redis] url` set), or files in the spool
//! directory for a single instance. Both keep a job until its email is
//! delivered, accept the same recording only once, and hold the caller's
//! number (with consent) only as part of a job or for a short join window.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::job::{Job, JobKey};
use super::local_queue::LocalQueue;
use super::redis_queue::RedisQueue;

/// A job handed to one sender; `handle` names it in the store.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub handle: String,
    pub job: Job,
}

/// What `lotse outbox list` reports.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Waiting for a sender or being sent right now.
    pub queued: usize,
    /// Failed at least once, waiting for the next attempt.
    pub retrying: usize,
    pub dead: usize,
}

pub enum Queue {
    Redis(RedisQueue),
    Local(LocalQueue),
}

macro_rules! each {
    ($self:ident, $q:ident => $e:expr) => {
        match $self {
            Queue::Redis($q) => $e,
            Queue::Local($q) => $e,
        }
    };
}

impl Queue {
    /// Keeps the caller's number for `ttl`, to be joined with the recording
    /// of the same call; called only after the caller agreed to a call back.
    pub async fn remember_number(
        &self,
        call: &str,
        number: &str,
        ttl: Duration,
    ) -> anyhow::Result<()> {
        each!(self, q => q.remember_number(call, number, ttl).await)
    }

    /// Stores `job` durably unless a job for the same recording was stored
    /// before; with `join_number` the number remembered for `call` moves
    /// into the job (and out of the join window) in the same step.
    /// `Ok(false)`: a duplicate, nothing stored.
    pub async fn enqueue(&self, job: &Job, call: &str, join_number: bool) -> anyhow::Result<bool> {
        match self {
            Queue::Redis(q) => Ok(matches!(
                q.enqueue(job, call, join_number).await?,
                super::redis_queue::Enqueued::Added { .. }
            )),
            Queue::Local(q) => q.enqueue(job, call, join_number).await,
        }
    }

    /// How often the queue found its consumer group missing (the store
    /// lost its data) and recreated it since last asked.
    pub fn take_repairs(&self) -> u64 {
        match self {
            Queue::Redis(q) => q.take_repairs(),
            Queue::Local(_) => 0,
        }
    }

    /// The next job due at `now`: one retry whose time has come, one a
    /// silent worker held too long, or a new one.
    pub async fn next(&self, now: DateTime<Utc>) -> anyhow::Result<Option<Claimed>> {
        each!(self, q => q.next(now).await)
    }

    /// Delivered: the job and the number in it are deleted.
    pub async fn done(&self, c: &Claimed) -> anyhow::Result<()> {
        each!(self, q => q.done(c).await)
    }

    /// Failed; try `job` (with its attempt counted) again at `due`.
    pub async fn later(&self, c: &Claimed, job: &Job, due: DateTime<Utc>) -> anyhow::Result<()> {
        each!(self, q => q.later(c, job, due).await)
    }

    /// Gave up: `job` waits in the dead letters for an operator.
    pub async fn dead(&self, c: &Claimed, job: &Job) -> anyhow::Result<()> {
        each!(self, q => q.dead(c, job).await)
    }

    pub async fn dead_letters(&self) -> anyhow::Result<Vec<Job>> {
        each!(self, q => q.dead_letters().await)
    }

    /// Moves dead letters (one, or all with `None`) back into the queue with
    /// a fresh retry budget from `now`; returns how many.
    pub async fn replay(&self, key: Option<&JobKey>, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut n = 0;
        for mut job in self.dead_letters().await? {
            if key.is_some_and(|k| *k != job.key()) {
                continue;
            }
            let id = job.id.clone();
            job.attempts = 0;
            job.queued_at = now;
            each!(self, q => q.revive(&id, &job).await)?;
            n += 1;
        }
        Ok(n)
    }

    pub async fn counts(&self) -> anyhow::Result<Counts> {
        each!(self, q => q.counts().await)
    }
}
