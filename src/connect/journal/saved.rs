//! What outlives a stop. `lotse serve` stopping while the store is still
//! away (a deploy during a Redis outage) would lose what the journal kept,
//! and a counsellor whose call ended meanwhile would stay `in_call` until
//! the store's `max_call_s` backstop. So the writes still kept at the end
//! are saved to `<spool_dir>/journal/`, one file per stop, and the next
//! instance that starts on that spool takes them over and replays them as
//! its own, at their original instants.
//!
//! A file holds call ids, counsellor ids and instants, never a number; it
//! is 0600 in a 0700 directory like the rest of the spool. Several instances
//! may share the spool: a file is claimed by renaming it before it is read,
//! so exactly one instance takes each. Running instances look every few
//! seconds ([`spawn_takeover`]), so a file saved by an instance that stops
//! after the others started is taken over too.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::{Journal, Write};
use crate::call::CallId;
use crate::clock::Clock;
use crate::outbox::private_files;
use crate::routing::CounsellorId;

#[derive(Serialize, Deserialize)]
struct Saved {
    call: String,
    at: DateTime<Utc>,
    #[serde(flatten)]
    write: SavedWrite,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "write", rename_all = "snake_case")]
enum SavedWrite {
    Answered {
        counsellor: String,
    },
    RingFailed {
        counsellor: String,
        max_no_answer: u32,
    },
    CallEnded {
        wrap_up_ms: u64,
    },
    LeftLine {
        abandoned: bool,
    },
}

impl SavedWrite {
    fn of(write: &Write) -> SavedWrite {
        match write {
            Write::Answered { counsellor } => SavedWrite::Answered {
                counsellor: counsellor.to_string(),
            },
            Write::RingFailed {
                counsellor,
                max_no_answer,
            } => SavedWrite::RingFailed {
                counsellor: counsellor.to_string(),
                max_no_answer: *max_no_answer,
            },
            Write::CallEnded { wrap_up } => SavedWrite::CallEnded {
                wrap_up_ms: wrap_up.as_millis() as u64,
            },
            Write::Left { abandoned } => SavedWrite::LeftLine {
                abandoned: *abandoned,
            },
        }
    }

    fn write(self) -> Option<Write> {
        Some(match self {
            SavedWrite::Answered { counsellor } => Write::Answered {
                counsellor: CounsellorId::parse(&counsellor)?,
            },
            SavedWrite::RingFailed {
                counsellor,
                max_no_answer,
            } => Write::RingFailed {
                counsellor: CounsellorId::parse(&counsellor)?,
                max_no_answer,
            },
            SavedWrite::CallEnded { wrap_up_ms } => Write::CallEnded {
                wrap_up: Duration::from_millis(wrap_up_ms).min(MAX_WRAP_UP),
            },
            SavedWrite::LeftLine { abandoned } => Write::Left { abandoned },
        })
    }
}

impl Journal {
    /// Saves every write still kept to a new file under `dir`, in order;
    /// how many. Nothing is written when nothing is kept.
    pub async fn save(&self, dir: &Path) -> std::io::Result<usize> {
        let saved: Vec<Saved> = self
            .pending()
            .entries
            .iter()
            .map(|e| Saved {
                call: e.call.as_str().to_owned(),
                at: e.at,
                write: SavedWrite::of(&e.write),
            })
            .collect();
        if saved.is_empty() {
            return Ok(0);
        }
        let bytes = serde_json::to_vec(&saved).map_err(std::io::Error::other)?;
        private_files::dir(dir).await?;
        let name = format!("{}.json", uuid::Uuid::new_v4().simple());
        let tmp = dir.join(format!(".{name}.tmp"));
        private_files::write(&tmp, &bytes).await?;
        tokio::fs::File::open(&tmp).await?.sync_all().await?;
        tokio::fs::rename(&tmp, dir.join(name)).await?;
        Ok(saved.len())
    }

    /// Takes over the writes saved under `dir` by instances that stopped
    /// (this one before a restart, or another sharing the spool): each file
    /// is claimed by renaming it, its writes kept in their order, the file
    /// removed; how many writes. Nothing in the directory can stop it or
    /// the instance: anything but a plain file of sensible size is left
    /// alone, a file that cannot be read is left (renamed) for an operator,
    /// and saved instants and wrap-ups are bounded, so a hostile file cannot
    /// move the store's clock or hold a counsellor for years.
    pub async fn take_saved(&self, dir: &Path, now: DateTime<Utc>) -> usize {
        let mut taken = 0;
        for path in saved_files(dir).await {
            if self.len() >= self.capacity {
                break; // the rest waits for the next round
            }
            let claimed = path.with_extension(format!("taken-{}", uuid::Uuid::new_v4().simple()));
            match tokio::fs::rename(&path, &claimed).await {
                Ok(()) => {}
                // Another instance took it first.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    warn!(file = %path.display(), error = %e, "cannot claim saved store writes");
                    continue;
                }
            }
            let Some(saved) = read_saved(&claimed).await else {
                warn!(file = %claimed.display(), "saved store writes cannot be read; left for an operator");
                continue;
            };
            let mut full = 0;
            for s in saved {
                let (Some(call), Some(write)) = (CallId::parse(&s.call), s.write.write()) else {
                    continue;
                };
                if self.len() >= self.capacity {
                    full += 1;
                    continue;
                }
                self.keep(&call, write, s.at.min(now));
                taken += 1;
            }
            if full > 0 {
                warn!(writes = full, "the journal is full; saved store writes dropped (the store's deadlines end what they held)");
            }
            if let Err(e) = tokio::fs::remove_file(&claimed).await {
                warn!(file = %claimed.display(), error = %e, "cannot remove a taken file of saved store writes");
            }
        }
        taken
    }
}

/// The largest file taken over: a full journal saves about one megabyte.
const MAX_FILE: u64 = 8 * 1024 * 1024;
/// Longer wrap-ups than this in a saved write are cut to it.
const MAX_WRAP_UP: Duration = Duration::from_secs(3600);

/// Plain files named `*.json` (no symlinks, pipes or directories) of at
/// most [`MAX_FILE`], oldest first, so writes stay in the order they
/// happened. An unreadable directory is no file.
async fn saved_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(mut list) = tokio::fs::read_dir(dir).await else {
        return Vec::new();
    };
    let mut found = Vec::new();
    while let Ok(Some(f)) = list.next_entry().await {
        let name = f.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.starts_with('.') {
            continue;
        }
        let Ok(meta) = tokio::fs::symlink_metadata(f.path()).await else {
            continue;
        };
        if !meta.is_file() || meta.len() > MAX_FILE {
            warn!(file = %f.path().display(), "not a file of saved store writes; left alone");
            continue;
        }
        let modified = meta.modified().unwrap_or(std::time::SystemTime::UNIX_EPOCH);
        found.push((modified, f.path()));
    }
    found.sort();
    found.into_iter().map(|(_, path)| path).collect()
}

/// The writes in a claimed file, or `None` when it is not one.
async fn read_saved(path: &Path) -> Option<Vec<Saved>> {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(path).await.ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1).read_to_end(&mut bytes).await.ok()?;
    if bytes.len() as u64 > MAX_FILE {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}

/// Takes over saved writes now and every `every`, so that an instance that
/// stops after this one started (a rolling or blue/green deploy during an
/// outage) is not waiting for the next start. Abort it before the stop's
/// own [`Journal::save`].
pub fn spawn_takeover(
    journal: Arc<Journal>,
    dir: PathBuf,
    clock: Arc<dyn Clock>,
    every: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let n = journal.take_saved(&dir, clock.now()).await;
            if n > 0 {
                info!(
                    writes = n,
                    "took over store writes saved by a stopped instance"
                );
            }
            tokio::time::sleep(every).await;
        }
    })
}
