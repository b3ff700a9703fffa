//! How many PINs presence by phone lets anyone try.
//!
//! - **Per call**: at most [`PER_CALL`] PINs, whatever the caller presses in
//!   between (a `*` after the third opens no new question). The count lives
//!   in `crate::kv` under a hash of the call id, not in the callback URL.
//! - **Per counsellor, across calls**: a wrong PIN from a counsellor's
//!   registered number counts against them; [`LOCK_AFTER`] within
//!   [`WINDOW`] lock presence by phone for [`LOCK_FOR`]. While locked,
//!   every PIN, the right one too, sounds like a wrong one, and is not
//!   checked at all. The caller id selects whose counter a wrong PIN
//!   charges, never who is signed in: that still takes the PIN.
//!
//! Each refusal is counted in `lotse_pin_failures_total{reason}` and logged
//! with the counsellor's id at most, never a number.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tracing::{info, warn};

use crate::call::CallId;
use crate::config::Counsellor;
use crate::kv::{Entry, Kv};
use crate::metrics::Metrics;
use crate::routing::StoreError;

/// PINs one call may enter.
pub const PER_CALL: u64 = 3;
/// Wrong PINs for one counsellor, within [`WINDOW`], that lock them.
pub const LOCK_AFTER: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(3600);
pub const LOCK_FOR: Duration = Duration::from_secs(3600);
/// Twilio ends every call after four hours at the latest.
const CALL_LIFETIME: Duration = Duration::from_secs(4 * 3600);

/// Why a PIN was refused: the closed set of `lotse_pin_failures_total{reason}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// From a counsellor's registered number, and wrong.
    Wrong,
    /// From a number that is no counsellor's with a PIN.
    Unregistered,
    /// The counsellor's presence by phone is locked.
    Locked,
}

impl Refused {
    pub const ALL: [Refused; 3] = [Refused::Wrong, Refused::Unregistered, Refused::Locked];

    pub fn as_str(self) -> &'static str {
        match self {
            Refused::Wrong => "wrong",
            Refused::Unregistered => "unregistered",
            Refused::Locked => "locked",
        }
    }
}

/// A name for a call's records: a hash of the call id, so the store never
/// holds the id itself and every instance finds the same record.
pub fn call_tag(call: &CallId) -> String {
    let digest = Sha256::digest(format!("lotse-presence-call:{}", call.as_str()).as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// PINs this call has entered so far.
pub async fn tried(kv: &Kv, call: &CallId, now: DateTime<Utc>) -> Result<u64, StoreError> {
    kv.count(&format!("pin-call:{}", call_tag(call)), now).await
}

/// Counts one more PIN for this call; the count including it.
pub async fn try_one(kv: &Kv, call: &CallId, now: DateTime<Utc>) -> Result<u64, StoreError> {
    kv.hit(&format!("pin-call:{}", call_tag(call)), CALL_LIFETIME, now)
        .await
}

/// Until when `c`'s presence by phone is locked, if it is.
pub async fn locked_until(
    kv: &Kv,
    c: &Counsellor,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let until = kv.get(&lock_name(c), now).await?;
    Ok(until
        .and_then(|u| DateTime::parse_from_rfc3339(&u).ok())
        .map(|u| u.with_timezone(&Utc))
        .filter(|u| *u > now))
}

/// Counts and logs a refused PIN; for a wrong one from `c`'s number, also
/// against `c`, locking them at the [`LOCK_AFTER`]th within the window.
pub async fn refused(
    kv: &Kv,
    metrics: &Metrics,
    reason: Refused,
    c: Option<&Counsellor>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    metrics
        .pin_failures
        .with_label_values(&[reason.as_str()])
        .inc();
    let Some(c) = c.filter(|_| reason == Refused::Wrong) else {
        info!(reason = reason.as_str(), "presence PIN refused");
        return Ok(());
    };
    let table = format!("pin-fail:{}", c.id);
    let entry = Entry {
        // One entry per failure; the table counts what is still in the window.
        id: uuid::Uuid::new_v4().simple().to_string(),
        value: String::new(),
        until: now + chrono::Duration::from_std(WINDOW).unwrap_or_default(),
    };
    // Capped a little above the lock threshold: a full table means locked.
    kv.table_put(&table, &entry, 2 * LOCK_AFTER, now).await?;
    let failures = kv.table_list(&table, now).await?.len();
    info!(counsellor = %c.id, reason = reason.as_str(), failures, "presence PIN refused");
    if failures >= LOCK_AFTER {
        let until = lock(kv, c, now).await?;
        metrics.pin_lockouts.inc();
        warn!(counsellor = %c.id, failures, until = %until.to_rfc3339(), "presence by phone locked after wrong PINs");
    }
    Ok(())
}

/// Locks `c`'s presence by phone for [`LOCK_FOR`] from `now`; until when.
pub async fn lock(
    kv: &Kv,
    c: &Counsellor,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, StoreError> {
    let until = now + chrono::Duration::from_std(LOCK_FOR).unwrap_or_default();
    kv.put(&lock_name(c), &until.to_rfc3339(), LOCK_FOR, now)
        .await?;
    Ok(until)
}

fn lock_name(c: &Counsellor) -> String {
    format!("pin-lock:{}", c.id)
}
