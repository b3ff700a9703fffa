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
//! so exactly one instance takes each (`takeover`).

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Journal, Write};
use crate::outbox::private_files;
use crate::routing::CounsellorId;

#[derive(Serialize, Deserialize)]
pub(super) struct Saved {
    pub(super) call: String,
    pub(super) at: DateTime<Utc>,
    #[serde(flatten)]
    pub(super) write: SavedWrite,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "write", rename_all = "snake_case")]
pub(super) enum SavedWrite {
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

    pub(super) fn write(self) -> Option<Write> {
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
        let name = format!("{}.json", uuid::Uuid::new_v4().simple());
        private_files::durable_write(dir, &name, &bytes).await?;
        Ok(saved.len())
    }
}

/// Longer wrap-ups than this in a saved write are cut to it.
const MAX_WRAP_UP: Duration = Duration::from_secs(3600);
