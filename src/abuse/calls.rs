//! Which caller a counsellor could block: a call's caller hash for the
//! call's lifetime only, and each counsellor's last answered call.
//!
//! - `abuse:call:<call hash>` → the caller's hash (or `withheld`), written
//!   when the call comes in, removed when it ends, and gone after
//!   [`CALL_TTL`] even if the end is never reported.
//! - `abuse:last:<counsellor>` → `<call hash> <caller hash> <answered at>`,
//!   written when the counsellor takes the call, kept [`LAST_TTL`], replaced
//!   by their next call.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use crate::kv::{Kv, Result};
use crate::routing::CounsellorId;

/// Twilio ends every call after four hours.
pub const CALL_TTL: Duration = Duration::from_secs(4 * 3600);
/// Long enough to decide after a hard call, within one shift.
pub const LAST_TTL: Duration = Duration::from_secs(12 * 3600);
/// The caller-hash value of a call whose number was withheld.
const WITHHELD: &str = "withheld";

fn call_name(call: &str) -> String {
    format!("abuse:call:{call}")
}

fn last_name(counsellor: &CounsellorId) -> String {
    format!("abuse:last:{counsellor}")
}

/// A new call: remember its caller (`None`: withheld) while it lasts.
pub async fn started(kv: &Kv, call: &str, caller: Option<&str>, now: DateTime<Utc>) -> Result<()> {
    kv.put(&call_name(call), caller.unwrap_or(WITHHELD), CALL_TTL, now)
        .await
}

pub async fn ended(kv: &Kv, call: &str, now: DateTime<Utc>) -> Result<()> {
    kv.remove(&call_name(call), now).await.map(drop)
}

/// The counsellor took `call`: it is their current, then their last call.
/// `false` when the call's caller is not known (it came in before abuse
/// features were on, or its record expired).
pub async fn answered(
    kv: &Kv,
    call: &str,
    counsellor: &CounsellorId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(caller) = kv.get(&call_name(call), now).await? else {
        return Ok(false);
    };
    let value = format!("{call} {caller} {}", now.timestamp());
    kv.put(&last_name(counsellor), &value, LAST_TTL, now)
        .await?;
    Ok(true)
}

/// A counsellor's current or last call, as far as blocking its caller goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastCall {
    /// The call is still going on.
    pub current: bool,
    pub answered_at: DateTime<Utc>,
    /// The caller's hash; `None` when the number was withheld.
    pub caller: Option<String>,
}

pub async fn last(
    kv: &Kv,
    counsellor: &CounsellorId,
    now: DateTime<Utc>,
) -> Result<Option<LastCall>> {
    let Some(value) = kv.get(&last_name(counsellor), now).await? else {
        return Ok(None);
    };
    let mut parts = value.split(' ');
    let (Some(call), Some(caller), Some(at)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let answered_at = at
        .parse::<i64>()
        .ok()
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
        .unwrap_or(now);
    let current = kv.get(&call_name(call), now).await?.is_some();
    Ok(Some(LastCall {
        current,
        answered_at,
        caller: (caller != WITHHELD).then(|| caller.to_owned()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::MemoryKv;

    #[tokio::test]
    async fn current_while_the_call_lasts_then_last_until_the_next() {
        let kv = Kv::Memory(MemoryKv::new());
        let now = Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap();
        let anna = CounsellorId::parse("anna").unwrap();
        assert_eq!(last(&kv, &anna, now).await.unwrap(), None);
        started(&kv, "c1", Some("h1"), now).await.unwrap();
        assert!(answered(&kv, "c1", &anna, now).await.unwrap());
        let seen = last(&kv, &anna, now).await.unwrap().unwrap();
        assert!(seen.current);
        assert_eq!(seen.caller.as_deref(), Some("h1"));
        ended(&kv, "c1", now).await.unwrap();
        let seen = last(&kv, &anna, now).await.unwrap().unwrap();
        assert!(!seen.current);
        assert_eq!(seen.answered_at, now);
        started(&kv, "c2", None, now).await.unwrap();
        assert!(answered(&kv, "c2", &anna, now).await.unwrap());
        assert_eq!(last(&kv, &anna, now).await.unwrap().unwrap().caller, None);
        assert!(!answered(&kv, "unknown", &anna, now).await.unwrap());
    }
}
