//! Ban records: one entry per banned caller in a bounded `crate::kv` table,
//! filed under the caller's keyed hash, holding only why, by whom and
//! since when; the entry ends by itself at its `until`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::hash::prefix;
use crate::kv::{Entry, Kv, Result};

/// The table every instance reads at each new call.
pub const TABLE: &str = "abuse:bans";
/// Bans the table holds at most; one more is refused (never an old one
/// dropped to make room: a lifted ban must be an operator's decision).
pub const MAX_BANS: usize = 10_000;

/// Why a caller was blocked: a short, closed list, so it can be a metric
/// label and never carries free text about a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    Threat,
    Harassment,
    Prank,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 4] = [
        Reason::Threat,
        Reason::Harassment,
        Reason::Prank,
        Reason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Threat => "threat",
            Reason::Harassment => "harassment",
            Reason::Prank => "prank",
            Reason::Other => "other",
        }
    }
}

/// What the table entry's value holds.
#[derive(Serialize, Deserialize)]
struct Record {
    reason: Reason,
    by: String,
    since: i64,
}

/// One ban as the operator sees it: the hash (the id to lift it by) and its
/// prefix, never anything that leads back to the number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ban {
    pub id: String,
    pub prefix: String,
    pub reason: Reason,
    /// A counsellor's id, or `operator`.
    pub by: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Ban {
    fn from_entry(e: Entry) -> Ban {
        // An entry this version cannot read still shows, as "other".
        let record = serde_json::from_str::<Record>(&e.value).unwrap_or(Record {
            reason: Reason::Other,
            by: "?".into(),
            since: e.until.timestamp(),
        });
        Ban {
            prefix: prefix(&e.id).to_owned(),
            id: e.id,
            reason: record.reason,
            by: record.by,
            since: Utc
                .timestamp_opt(record.since, 0)
                .single()
                .unwrap_or(e.until),
            until: e.until,
        }
    }
}

/// The live ban filed under `id`.
pub async fn get(kv: &Kv, id: &str, now: DateTime<Utc>) -> Result<Option<Ban>> {
    Ok(kv.table_get(TABLE, id, now).await?.map(Ban::from_entry))
}

/// The first of `hashes` (one per key) that a live ban is filed under.
pub async fn find(kv: &Kv, hashes: &[String], now: DateTime<Utc>) -> Result<Option<String>> {
    for h in hashes {
        if kv.table_get(TABLE, h, now).await?.is_some() {
            return Ok(Some(h.clone()));
        }
    }
    Ok(None)
}

/// Bans `hash` for `days` from now. Blocking a banned caller again keeps
/// the first `since` and the later end, so a repeat (or a retried request)
/// never shortens a ban. `None`: the table is full.
pub async fn put(
    kv: &Kv,
    hash: &str,
    reason: Reason,
    by: &str,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Option<Ban>> {
    let old = get(kv, hash, now).await?;
    let mut until = now + Duration::days(i64::from(days));
    let mut since = now;
    if let Some(old) = &old {
        until = until.max(old.until);
        since = old.since;
    }
    let record = Record {
        reason,
        by: by.to_owned(),
        since: since.timestamp(),
    };
    let entry = Entry {
        id: hash.to_owned(),
        value: serde_json::to_string(&record).expect("a record serializes"),
        until,
    };
    if !kv.table_put(TABLE, &entry, MAX_BANS, now).await? {
        return Ok(None);
    }
    Ok(Some(Ban::from_entry(entry)))
}

/// Every live ban, soonest end first.
pub async fn list(kv: &Kv, now: DateTime<Utc>) -> Result<Vec<Ban>> {
    let mut bans: Vec<Ban> = kv
        .table_list(TABLE, now)
        .await?
        .into_iter()
        .map(Ban::from_entry)
        .collect();
    bans.sort_by(|a, b| a.until.cmp(&b.until).then_with(|| a.id.cmp(&b.id)));
    Ok(bans)
}

/// `true` if a live ban was lifted.
pub async fn lift(kv: &Kv, id: &str, now: DateTime<Utc>) -> Result<bool> {
    kv.table_remove(TABLE, id, now).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::MemoryKv;

    #[tokio::test]
    async fn a_ban_is_found_by_any_key_lasts_its_days_and_never_shrinks() {
        let kv = Kv::Memory(MemoryKv::new());
        let now = Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap();
        let (new, old) = ("1".repeat(32), "2".repeat(32));
        let hashes = [new.clone(), old.clone()];
        assert_eq!(find(&kv, &hashes, now).await.unwrap(), None);
        let ban = put(&kv, &old, Reason::Threat, "anna", 30, now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ban.until, now + Duration::days(30));
        assert_eq!(ban.prefix, "22222222");
        assert_eq!(find(&kv, &hashes, now).await.unwrap(), Some(old.clone()));
        let later = now + Duration::days(1);
        let again = put(&kv, &old, Reason::Prank, "ben", 2, later)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.since, again.until), (now, ban.until));
        assert_eq!(again.by, "ben");
        assert_eq!(list(&kv, later).await.unwrap(), vec![again]);
        let after = now + Duration::days(30) + Duration::seconds(1);
        assert_eq!(find(&kv, &hashes, after).await.unwrap(), None);
        assert!(list(&kv, after).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_lifted_ban_is_gone_and_lifting_twice_says_so() {
        let kv = Kv::Memory(MemoryKv::new());
        let now = Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap();
        let id = "3".repeat(32);
        put(&kv, &id, Reason::Other, "operator", 1, now)
            .await
            .unwrap();
        assert!(lift(&kv, &id, now).await.unwrap());
        assert!(!lift(&kv, &id, now).await.unwrap());
        assert_eq!(find(&kv, &[id], now).await.unwrap(), None);
    }
}
