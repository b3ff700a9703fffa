//! Taking over what stopped instances saved (`saved`): every running
//! `lotse serve` looks at start and every few seconds, so a file saved by
//! an instance that stops after the others started (a rolling or blue/green
//! deploy during an outage) is replayed without waiting for a restart.
//!
//! A file is claimed by renaming it (`<name>.taken-<id>`), so exactly one
//! instance takes each; a claim left behind by an instance that died in
//! the middle is taken again once it is [`STALE_CLAIM`] old. Nothing in the
//! directory can stop the takeover or the instance: only plain files of at
//! most [`MAX_FILE`] are read (no pipes, links, directories), a file that
//! cannot be read is renamed `<name>.<id>.unreadable` for an operator and not
//! tried again, and saved instants are never later than the taker's clock.
//! Stopping is cooperative: a file once claimed is always finished.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::saved::Saved;
use super::Journal;
use crate::call::CallId;
use crate::clock::Clock;
use crate::outbox::private_files;

/// The largest file taken over: a full journal saves about one megabyte.
const MAX_FILE: u64 = 8 * 1024 * 1024;
/// A claim this old was left by an instance that died while taking it.
#[cfg(not(test))]
const STALE_CLAIM: Duration = Duration::from_secs(120);
#[cfg(test)]
const STALE_CLAIM: Duration = Duration::from_millis(10);
/// Entries named once in the log as not taken; beyond, they are not named.
const NAMED_AT_MOST: usize = 256;

impl Journal {
    /// Takes over the writes saved under `dir` (see the module doc); how
    /// many writes it kept.
    pub async fn take_saved(&self, dir: &Path, now: DateTime<Utc>) -> usize {
        self.take_saved_until(dir, now, &AtomicBool::new(false))
            .await
    }

    async fn take_saved_until(&self, dir: &Path, now: DateTime<Utc>, stop: &AtomicBool) -> usize {
        let mut taken = 0;
        for path in self.saved_files(dir).await {
            if stop.load(Ordering::SeqCst) || self.len() >= self.capacity {
                break; // the rest waits for the next round, or another instance
            }
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let stem = stem.split(".taken-").next().unwrap_or_default().to_owned();
            let claimed = dir.join(format!("{stem}.taken-{}", uuid::Uuid::new_v4().simple()));
            match tokio::fs::rename(&path, &claimed).await {
                Ok(()) => {}
                // Another instance took it first.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(_) => {
                    self.name_once(path); // e.g. a directory this user may not write
                    continue;
                }
            }
            let Some(saved) = read_saved(&claimed).await else {
                let aside = dir.join(format!(
                    "{stem}.{}.unreadable",
                    uuid::Uuid::new_v4().simple()
                ));
                let _ = tokio::fs::rename(&claimed, &aside).await;
                warn!(file = %aside.display(), "saved store writes cannot be read; left for an operator");
                continue;
            };
            taken += self.keep_saved(saved, now);
            match tokio::fs::remove_file(&claimed).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    warn!(file = %claimed.display(), error = %e, "cannot remove a taken file of saved store writes")
                }
            }
        }
        taken
    }

    fn keep_saved(&self, saved: Vec<Saved>, now: DateTime<Utc>) -> usize {
        let (mut kept, mut full) = (0, 0);
        for s in saved {
            let (Some(call), Some(write)) = (CallId::parse(&s.call), s.write.write()) else {
                continue;
            };
            if self.len() >= self.capacity {
                full += 1;
                continue;
            }
            self.keep(&call, write, s.at.min(now));
            kept += 1;
        }
        if full > 0 {
            warn!(writes = full, "the journal is full; saved store writes dropped (the store's deadlines end what they held)");
        }
        kept
    }

    /// Plain files `*.json` of at most [`MAX_FILE`], and stale claims,
    /// oldest first, so writes stay in the order they happened. Anything
    /// else is named in the log once.
    async fn saved_files(&self, dir: &Path) -> Vec<PathBuf> {
        let Ok(mut list) = tokio::fs::read_dir(dir).await else {
            return Vec::new();
        };
        let mut found = Vec::new();
        while let Ok(Some(f)) = list.next_entry().await {
            let name = f.file_name().to_string_lossy().into_owned();
            let claim = is_claim(&name);
            if name.starts_with('.') || !(name.ends_with(".json") || claim) {
                continue;
            }
            let Ok(meta) = tokio::fs::symlink_metadata(f.path()).await else {
                continue;
            };
            if !meta.is_file() || meta.len() > MAX_FILE {
                self.name_once(f.path());
                continue;
            }
            if claim && !stale(&meta) {
                continue; // another instance is taking it right now
            }
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            found.push((modified, f.path()));
        }
        found.sort();
        found.into_iter().map(|(_, path)| path).collect()
    }

    fn name_once(&self, path: PathBuf) {
        let mut named = self.named.lock().unwrap_or_else(|e| e.into_inner());
        if named.len() < NAMED_AT_MOST && named.insert(path.clone()) {
            warn!(file = %path.display(), "not a file of saved store writes; left alone");
        }
    }
}

/// `<stem>.taken-<32 hex digits>`, as [`Journal::take_saved`] names a claim.
fn is_claim(name: &str) -> bool {
    name.rsplit_once(".taken-")
        .is_some_and(|(_, id)| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Renaming a file changes its status time, not its content time: a claim
/// is as old as its last status change.
fn stale(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let changed = SystemTime::UNIX_EPOCH + Duration::from_secs(meta.ctime().max(0) as u64);
    changed.elapsed().is_ok_and(|age| age > STALE_CLAIM)
}

/// The writes in a claimed file, or `None` when it is not one.
async fn read_saved(path: &Path) -> Option<Vec<Saved>> {
    let bytes = private_files::read_plain(path, MAX_FILE).await?;
    serde_json::from_slice(&bytes).ok()
}

/// The running takeover of one instance.
pub struct Takeover {
    stop: Arc<AtomicBool>,
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

impl Takeover {
    /// Ends the loop after the file it is taking, waiting at most `within`;
    /// what it kept is then in the journal, for the stop's own save.
    pub async fn stop(self, within: Duration) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake.notify_one();
        let mut task = self.task;
        if tokio::time::timeout(within, &mut task).await.is_err() {
            task.abort();
        }
    }
}

/// Takes over saved writes now and every `every` until stopped.
pub fn spawn_takeover(
    journal: Arc<Journal>,
    dir: PathBuf,
    clock: Arc<dyn Clock>,
    every: Duration,
) -> Takeover {
    let stop = Arc::new(AtomicBool::new(false));
    let wake = Arc::new(Notify::new());
    let task = {
        let (stop, wake) = (stop.clone(), wake.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let n = journal.take_saved_until(&dir, clock.now(), &stop).await;
                if n > 0 {
                    info!(
                        writes = n,
                        "took over store writes saved by a stopped instance"
                    );
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = wake.notified() => {}
                }
            }
        })
    };
    Takeover { stop, wake, task }
}

/// Names are kept per journal so a bad entry is logged once, not every round.
pub(super) type Named = Mutex<HashSet<PathBuf>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{MemoryStore, Store};

    fn journal() -> Journal {
        let metrics = crate::metrics::durability::Durability::unregistered();
        Journal::new(Store::Memory(MemoryStore::new()), metrics)
    }

    const ONE: &str =
        r#"[{"call":"CA1","at":"2026-03-30T08:00:00Z","write":"left_line","abandoned":true}]"#;

    #[tokio::test]
    async fn a_claim_left_by_a_dead_taker_is_taken_again_an_unreadable_file_is_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("w1.taken-0123456789abcdef0123456789abcdef"),
            ONE,
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.taken-by-me"), b"not ours").unwrap();
        std::fs::write(dir.path().join("w2.json"), b"{broken").unwrap();
        tokio::time::sleep(STALE_CLAIM * 3).await;
        let j = journal();
        let now = Utc::now();
        assert_eq!(j.take_saved(dir.path(), now).await, 1, "the stale claim");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(names[0], "notes.taken-by-me", "not a claim: untouched");
        assert!(names[1].starts_with("w2.") && names[1].ends_with(".unreadable"));
        assert_eq!(j.take_saved(dir.path(), now).await, 0, "never tried again");
    }

    #[tokio::test]
    async fn a_stopped_takeover_finishes_the_file_it_claimed() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            std::fs::write(
                dir.path().join(format!("w{i:02}.json")),
                ONE.replace("CA1", &format!("CA{i}")),
            )
            .unwrap();
        }
        let j = journal();
        let stop = AtomicBool::new(true);
        assert_eq!(j.take_saved_until(dir.path(), Utc::now(), &stop).await, 0);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            50,
            "nothing claimed"
        );
        let stop = AtomicBool::new(false);
        assert_eq!(j.take_saved_until(dir.path(), Utc::now(), &stop).await, 50);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
