//! The queue without Redis: one instance, jobs as files under the spool
//! directory, so a restart loses nothing.
//!
//! - `queue/<key>.json` — a job and when it is due; deleted once delivered;
//! - `queue/seen/<key>` — an empty marker: this recording was queued (no
//!   personal data); removed after seven days, as in Redis;
//! - `dead/<key>.json` — dead letters until replayed.
//!
//! Files are written to a temporary name and renamed, so a crash never
//! leaves half a job; directories are 0700 and files 0600 (`private_files`). A consenting caller's number waits for its recording
//! in memory only (a restart in that minute loses the number, not the
//! message: the email then says a call back was asked for without one).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::job::{Job, JobKey};
use super::private_files;
use super::queue::{Claimed, Counts};

/// How long a recording's seen marker is kept (as the Redis queue's).
const SEEN_FOR: Duration = Duration::from_secs(super::redis_queue::SEEN_TTL_S);
/// Old markers are looked for at most this often.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

#[derive(Serialize, Deserialize)]
struct Entry {
    due: DateTime<Utc>,
    job: Job,
}

pub struct LocalQueue {
    queue: PathBuf,
    dead: PathBuf,
    numbers: Mutex<HashMap<String, (String, Instant)>>,
    pruned: Mutex<Option<Instant>>,
}

impl LocalQueue {
    pub fn new(spool_dir: &Path) -> LocalQueue {
        LocalQueue {
            queue: spool_dir.join("queue"),
            dead: spool_dir.join("dead"),
            numbers: Mutex::new(HashMap::new()),
            pruned: Mutex::new(None),
        }
    }

    fn numbers(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Instant)>> {
        self.numbers.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn remember_number(
        &self,
        call: &str,
        number: &str,
        ttl: Duration,
    ) -> anyhow::Result<()> {
        let mut numbers = self.numbers();
        let now = Instant::now();
        numbers.retain(|_, (_, until)| *until > now);
        numbers.insert(call.to_owned(), (number.to_owned(), now + ttl));
        Ok(())
    }

    pub async fn enqueue(&self, job: &Job, call: &str, join_number: bool) -> anyhow::Result<bool> {
        let key = job.key();
        let seen = self.queue.join("seen").join(key.as_str());
        if tokio::fs::try_exists(&seen).await? {
            return Ok(false);
        }
        let taken = self.numbers().remove(call);
        let mut job = job.clone();
        if join_number {
            job.number = taken
                .filter(|(_, until)| *until > Instant::now())
                .map(|(n, _)| n);
        }
        let due = job.queued_at;
        write(&self.queue, &key, &Entry { due, job }).await?;
        private_files::dir(&self.queue.join("seen")).await?;
        private_files::write(&seen, b"").await?;
        self.prune_seen().await;
        Ok(true)
    }

    /// Removes seen markers older than [`SEEN_FOR`], at most once per
    /// [`PRUNE_EVERY`]; a failure only delays it.
    pub(super) async fn prune_seen(&self) {
        {
            let mut last = self.pruned.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|t| t.elapsed() < PRUNE_EVERY) {
                return;
            }
            *last = Some(Instant::now());
        }
        if let Err(e) = prune_older(&self.queue.join("seen"), SEEN_FOR).await {
            tracing::warn!(error = %e, "cannot prune the outbox's seen markers");
        }
    }

    pub async fn next(&self, now: DateTime<Utc>) -> anyhow::Result<Option<Claimed>> {
        let mut best: Option<(DateTime<Utc>, PathBuf, Job)> = None;
        for (path, entry) in read_all(&self.queue).await? {
            if entry.due <= now && best.as_ref().is_none_or(|(d, _, _)| entry.due < *d) {
                best = Some((entry.due, path, entry.job));
            }
        }
        Ok(best.map(|(_, path, job)| Claimed {
            handle: path.display().to_string(),
            job,
        }))
    }

    pub async fn done(&self, c: &Claimed) -> anyhow::Result<()> {
        Ok(tokio::fs::remove_file(&c.handle).await?)
    }

    /// Every job waiting here, each with its file, for a run with Redis to
    /// take over (`keeper`); the files stay until the caller removes them.
    pub async fn leftovers(&self) -> anyhow::Result<Vec<(PathBuf, Job)>> {
        Ok(read_all(&self.queue)
            .await?
            .into_iter()
            .map(|(path, entry)| (path, entry.job))
            .collect())
    }

    pub async fn later(&self, _: &Claimed, job: &Job, due: DateTime<Utc>) -> anyhow::Result<()> {
        let job = job.clone();
        write(&self.queue, &job.key(), &Entry { due, job }).await
    }

    pub async fn dead(&self, c: &Claimed, job: &Job) -> anyhow::Result<()> {
        let job = job.clone();
        let due = job.queued_at;
        write(&self.dead, &job.key(), &Entry { due, job }).await?;
        self.done(c).await
    }

    pub async fn dead_letters(&self) -> anyhow::Result<Vec<Job>> {
        Ok(read_all(&self.dead)
            .await?
            .into_iter()
            .map(|(_, e)| e.job)
            .collect())
    }

    pub async fn revive(&self, _id: &str, job: &Job) -> anyhow::Result<()> {
        let key = job.key();
        let due = job.queued_at;
        write(
            &self.queue,
            &key,
            &Entry {
                due,
                job: job.clone(),
            },
        )
        .await?;
        Ok(tokio::fs::remove_file(self.dead.join(format!("{key}.json"))).await?)
    }

    pub async fn counts(&self) -> anyhow::Result<Counts> {
        let queued = read_all(&self.queue).await?;
        let retrying = queued.iter().filter(|(_, e)| e.job.attempts > 0).count();
        Ok(Counts {
            queued: queued.len() - retrying,
            retrying,
            dead: read_all(&self.dead).await?.len(),
        })
    }
}

/// Files in `dir` last written more than `age` ago are removed.
async fn prune_older(dir: &Path, age: Duration) -> std::io::Result<()> {
    let mut list = tokio::fs::read_dir(dir).await?;
    let now = std::time::SystemTime::now();
    while let Some(f) = list.next_entry().await? {
        let written = f.metadata().await?.modified()?;
        if now.duration_since(written).is_ok_and(|d| d > age) {
            tokio::fs::remove_file(f.path()).await?;
        }
    }
    Ok(())
}

async fn write(dir: &Path, key: &JobKey, entry: &Entry) -> anyhow::Result<()> {
    private_files::dir(dir).await?;
    let tmp = dir.join(format!(".{key}.tmp"));
    private_files::write(&tmp, &serde_json::to_vec(entry)?).await?;
    tokio::fs::rename(&tmp, dir.join(format!("{key}.json"))).await?;
    Ok(())
}

/// Every readable entry in `dir`; a missing directory is an empty queue.
async fn read_all(dir: &Path) -> anyhow::Result<Vec<(PathBuf, Entry)>> {
    let mut out = Vec::new();
    let mut list = match tokio::fs::read_dir(dir).await {
        Ok(list) => list,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e.into()),
    };
    while let Some(f) = list.next_entry().await? {
        let path = f.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        // Only plain files of a job's size: a pipe would block the sender,
        // a directory or a file it may not read would stop every other job
        // behind it.
        let Some(bytes) = private_files::read_plain(&path, super::custody::MAX_JOB_FILE).await
        else {
            continue;
        };
        if let Ok(entry) = serde_json::from_slice::<Entry>(&bytes) {
            out.push((path, entry));
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "local_queue_tests.rs"]
mod tests;
