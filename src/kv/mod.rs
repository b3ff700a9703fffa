//! Small shared records beside the routing store: markers that say "this
//! happened once" (replayed webhooks), counters over a time window (wrong
//! PINs, calls per caller), records with an expiry (page sessions) and
//! bounded tables that an operator lists (bans).
//!
//! Like the routing store, [`Kv`] is Redis when `[redis] url` is set, so
//! every instance sees the same records at once, or memory for a single
//! instance. Every operation is one atomic script call (`kv.lua`) under the
//! hotline's key prefix, so it runs unchanged on Redis Cluster; the memory
//! twin (`memory`) follows the same rules and has a hard bound on entries.
//!
//! Names are chosen by the code, never taken from a request: a caller's
//! number or a secret is hashed (keyed) before it becomes part of a name.
//! Every operation takes `now`; Redis expires plain records by its own
//! clock (`PX`), tables by the `now` given.

mod memory;
mod redis;

use std::time::Duration;

use chrono::{DateTime, Utc};

pub use self::memory::{MemoryKv, MAX_RECORDS};
pub use self::redis::RedisKv;
use crate::routing::StoreError;

pub type Result<T> = std::result::Result<T, StoreError>;

/// One entry of a table, as [`Kv::table_list`] returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub value: String,
    pub until: DateTime<Utc>,
}

#[derive(Clone)]
pub enum Kv {
    Redis(RedisKv),
    Memory(MemoryKv),
}

macro_rules! dispatch {
    ($self:ident . $op:ident ( $($arg:expr),* )) => {
        match $self {
            Kv::Redis(s) => s.$op($($arg),*).await,
            Kv::Memory(s) => s.$op($($arg),*).await,
        }
    };
}

impl Kv {
    /// `true` the first time `name` is marked within `ttl`, `false` for every
    /// repeat until the mark expires: the basis of replay protection.
    pub async fn once(&self, name: &str, ttl: Duration, now: DateTime<Utc>) -> Result<bool> {
        check(name)?;
        dispatch!(self.once(name, ttl, now))
    }

    /// Adds one to a counter that lives for `window` from its first hit (a
    /// fixed window, not extended by later hits) and returns the new count.
    pub async fn hit(&self, name: &str, window: Duration, now: DateTime<Utc>) -> Result<u64> {
        check(name)?;
        dispatch!(self.hit(name, window, now))
    }

    /// The counter's value now (0 when it never was or expired).
    pub async fn count(&self, name: &str, now: DateTime<Utc>) -> Result<u64> {
        check(name)?;
        dispatch!(self.count(name, now))
    }

    /// Stores `value` under `name` for `ttl`, replacing what was there.
    pub async fn put(
        &self,
        name: &str,
        value: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<()> {
        check(name)?;
        dispatch!(self.put(name, value, ttl, now))
    }

    pub async fn get(&self, name: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        check(name)?;
        dispatch!(self.get(name, now))
    }

    /// `true` if something was removed.
    pub async fn remove(&self, name: &str, now: DateTime<Utc>) -> Result<bool> {
        check(name)?;
        dispatch!(self.remove(name, now))
    }

    /// Adds or replaces entry `id` of `table` until `until`. A new entry is
    /// refused (`false`) when the table already holds `cap` live entries:
    /// a bounded table says no rather than silently dropping an old entry.
    pub async fn table_put(
        &self,
        table: &str,
        entry: &Entry,
        cap: usize,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        check(table)?;
        check(&entry.id)?;
        dispatch!(self.table_put(table, entry, cap, now))
    }

    /// The live entry `id` of `table`.
    pub async fn table_get(
        &self,
        table: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Entry>> {
        check(table)?;
        check(id)?;
        dispatch!(self.table_get(table, id, now))
    }

    /// Every live entry of `table`, ordered by id.
    pub async fn table_list(&self, table: &str, now: DateTime<Utc>) -> Result<Vec<Entry>> {
        check(table)?;
        let mut all = dispatch!(self.table_list(table, now))?;
        all.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(all)
    }

    /// `true` if a live entry was removed.
    pub async fn table_remove(&self, table: &str, id: &str, now: DateTime<Utc>) -> Result<bool> {
        check(table)?;
        check(id)?;
        dispatch!(self.table_remove(table, id, now))
    }
}

/// Names come from code, but a mistake must not move a key out of the
/// hotline's hash slot (`{`, `}`) or grow without bound.
fn check(name: &str) -> Result<()> {
    let ok = (1..=200).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'{' && b != b'}');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Protocol(format!(
            "kv name not allowed ({} bytes)",
            name.len()
        )))
    }
}

/// Milliseconds, at least 1 (Redis refuses `PX 0`).
fn ms(d: Duration) -> u64 {
    (d.as_millis() as u64).max(1)
}
