//! This instance's own copy of the voicemail jobs it accepted, on local
//! disk (`<spool_dir>/custody/`), kept until the job is known to be done.
//! Only with the Redis queue: the copy is what survives Redis losing its
//! data (`FLUSHALL`, a restart without persistence, a failover to a replica
//! that lacks it) and what a recording callback is written to when Redis
//! cannot be reached at all. `keeper` decides what to do with each copy.
//!
//! Files are written durably (temporary name, `fsync` of the file, rename,
//! `fsync` of the directory) with mode 0600, in directories of mode 0700
//! (`private_files`), ledger and markers too: a copy may hold a consenting
//! caller's number, like the job in Redis. The file name is the job key
//! (a hash of the recording id), never the caller.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::job::{Job, JobKey};
use super::private_files;

/// One job in custody.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Kept {
    pub job: Job,
    /// The provider's call id, to join the number remembered for it.
    pub call: String,
    /// Join the remembered number when the job goes into the queue.
    pub join: bool,
    /// Redis took the job at least once (so if it no longer knows it, it
    /// lost it); `false` for a job spooled while Redis was unreachable.
    pub queued: bool,
}

pub struct Custody {
    dir: PathBuf,
    /// When the ledger of done jobs was last pruned.
    pruned: Mutex<Option<Instant>>,
}

/// The largest job file read back (a job is a few hundred bytes).
pub const MAX_JOB_FILE: u64 = 1024 * 1024;

/// How long the ledger remembers a job as done: as long as Redis does.
pub const DONE_FOR: Duration = Duration::from_secs(7 * 24 * 3600);

impl Custody {
    pub fn new(spool_dir: &Path) -> Custody {
        Custody {
            dir: spool_dir.join("custody"),
            pruned: Mutex::new(None),
        }
    }

    fn done_path(&self, key: &JobKey) -> PathBuf {
        self.dir.join("done").join(key.as_str())
    }

    /// Notes in the local ledger that the job is done (delivered or given
    /// up): an empty file named by the job key, no personal data. What
    /// Redis forgets (`FLUSHALL`), this instance still knows, so a repeated
    /// callback or a stale queue entry never sends the email again.
    pub async fn mark_done(&self, key: &JobKey) -> std::io::Result<()> {
        let dir = self.dir.join("done");
        private_files::dir(&dir).await?;
        private_files::write(&self.done_path(key), b"").await?;
        private_files::sync_dir(&dir).await
    }

    pub async fn is_done(&self, key: &JobKey) -> bool {
        tokio::fs::try_exists(self.done_path(key))
            .await
            .unwrap_or(false)
    }

    fn sending_path(&self, key: &JobKey) -> PathBuf {
        self.dir.join("sending").join(key.as_str())
    }

    /// Notes that this instance is sending the job's email right now, so
    /// an instance sharing the spool neither queues it again nor sends it
    /// too (after Redis forgot it mid-delivery). Best effort: a marker
    /// that cannot be written only narrows nothing.
    pub async fn sending(&self, key: &JobKey) {
        let dir = self.dir.join("sending");
        if private_files::dir(&dir).await.is_ok() {
            let _ = private_files::write(&self.sending_path(key), b"").await;
        }
    }

    pub async fn not_sending(&self, key: &JobKey) {
        let _ = tokio::fs::remove_file(self.sending_path(key)).await;
    }

    /// Someone sharing the spool started sending the job less than
    /// `within` ago (older markers are left over from a crash).
    pub async fn in_flight(&self, key: &JobKey, within: Duration) -> bool {
        match tokio::fs::metadata(self.sending_path(key)).await {
            Ok(m) => m
                .modified()
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age < within),
            Err(_) => false,
        }
    }

    /// Forgets ledger entries older than [`DONE_FOR`]; at most hourly.
    pub async fn prune_done(&self) -> std::io::Result<()> {
        {
            let mut last = self.pruned.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|at| at.elapsed() < Duration::from_secs(3600)) {
                return Ok(());
            }
            *last = Some(Instant::now());
        }
        let mut list = match tokio::fs::read_dir(self.dir.join("done")).await {
            Ok(list) => list,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        while let Some(f) = list.next_entry().await? {
            let old = f
                .metadata()
                .await?
                .modified()?
                .elapsed()
                .unwrap_or_default()
                > DONE_FOR;
            if old {
                let _ = tokio::fs::remove_file(f.path()).await;
            }
        }
        Ok(())
    }

    fn path(&self, key: &JobKey) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// Stores (or replaces) the copy of `kept.job`, durably.
    pub async fn keep(&self, kept: &Kept) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(kept).map_err(std::io::Error::other)?;
        private_files::durable_write(&self.dir, &format!("{}.json", kept.job.key()), &bytes).await
    }

    /// Whether a copy of the job `key` is here.
    pub async fn holds(&self, key: &JobKey) -> bool {
        tokio::fs::try_exists(self.path(key)).await.unwrap_or(false)
    }

    /// Lets go of the copy (it is done); nothing if there is none.
    pub async fn release(&self, key: &JobKey) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Ok(()) => private_files::sync_dir(&self.dir).await,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Every readable copy. An unreadable file is left for an operator.
    pub async fn all(&self) -> std::io::Result<Vec<Kept>> {
        let mut out = Vec::new();
        let mut list = match tokio::fs::read_dir(&self.dir).await {
            Ok(list) => list,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e),
        };
        while let Some(f) = list.next_entry().await? {
            let path = f.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            // Another instance sharing the directory may have let go of
            // it; and only plain files of a job's size are read.
            let Some(bytes) = private_files::read_plain(&path, MAX_JOB_FILE).await else {
                continue;
            };
            if let Ok(kept) = serde_json::from_slice::<Kept>(&bytes) {
                out.push(kept);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "custody_tests.rs"]
mod tests;
