//! Replays of the presence menu by phone. Twilio's signatures carry no
//! time, so a captured, signed request ("PIN 4711", "press 1: available")
//! would verify forever. Each presence question therefore carries the time
//! it was asked in its callback URL (signed along with the rest), and an
//! answer counts only
//! - within [`FRESH_FOR`] of its question (a caller has 8 s to press), and
//! - once: a marker in `crate::kv` per call, stage, turn and question time
//!   outlives that window, so every replay meets either the marker or the
//!   clock.
//!
//! Anything else gets a plain hang-up and changes nothing.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::pin_limits::call_tag;
use crate::call::CallId;
use crate::flow::Progress;
use crate::kv::Kv;
use crate::routing::StoreError;

/// How long after its question an answer is taken.
pub const FRESH_FOR: Duration = Duration::from_secs(600);
/// Clocks of several instances may differ a little.
const SKEW: chrono::Duration = chrono::Duration::seconds(60);
/// Markers outlive the window, so a replay in it always meets one.
const MARK_FOR: Duration = Duration::from_secs(3600);

/// `true` the first time the answer to this question arrives in time.
pub async fn first_use(
    kv: &Kv,
    call: &CallId,
    stage: &str,
    progress: &Progress,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(asked) = progress.since else {
        return Ok(false);
    };
    let Some(asked_at) = DateTime::from_timestamp(asked, 0) else {
        return Ok(false);
    };
    let window = chrono::Duration::from_std(FRESH_FOR).unwrap_or_default();
    if asked_at > now + SKEW || now - asked_at > window {
        return Ok(false);
    }
    let name = format!(
        "presence-turn:{}:{stage}:{}:{asked}",
        call_tag(call),
        progress.rung
    );
    kv.once(&name, MARK_FOR, now).await
}
