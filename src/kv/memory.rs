//! [`MemoryKv`]: the same records for a single instance. Bounded: past
//! [`MAX_RECORDS`] live records, the one that would expire soonest goes
//! first (for replay markers and counters that only shortens a window; in
//! Redis the bound is the server's memory, kept small by every record's TTL).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Entry, Result};

/// Plain records (markers, counters, sessions) one instance keeps at most.
pub const MAX_RECORDS: usize = 100_000;

#[derive(Clone, Default)]
pub struct MemoryKv {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    records: HashMap<String, (String, DateTime<Utc>)>,
    /// The same records by expiry, to drop expired ones without a scan.
    by_until: BTreeSet<(DateTime<Utc>, String)>,
    tables: HashMap<String, BTreeMap<String, (String, DateTime<Utc>)>>,
}

impl Inner {
    fn prune(&mut self, now: DateTime<Utc>) {
        while let Some((until, name)) = self.by_until.first().cloned() {
            if until > now {
                break;
            }
            self.by_until.pop_first();
            self.records.remove(&name);
        }
    }

    fn live(&mut self, name: &str, now: DateTime<Utc>) -> Option<&mut (String, DateTime<Utc>)> {
        self.prune(now);
        self.records.get_mut(name)
    }

    fn set(&mut self, name: &str, value: String, until: DateTime<Utc>) {
        if let Some((_, old)) = self.records.remove(name) {
            self.by_until.remove(&(old, name.to_owned()));
        }
        while self.records.len() >= MAX_RECORDS {
            let Some((_, soonest)) = self.by_until.pop_first() else {
                break;
            };
            self.records.remove(&soonest);
        }
        self.by_until.insert((until, name.to_owned()));
        self.records.insert(name.to_owned(), (value, until));
    }

    fn table(
        &mut self,
        name: &str,
        now: DateTime<Utc>,
    ) -> &mut BTreeMap<String, (String, DateTime<Utc>)> {
        let t = self.tables.entry(name.to_owned()).or_default();
        t.retain(|_, (_, until)| *until > now);
        t
    }
}

fn until(now: DateTime<Utc>, ttl: Duration) -> DateTime<Utc> {
    now + chrono::Duration::milliseconds(super::ms(ttl) as i64)
}

impl MemoryKv {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave these records half-written.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn once(&self, name: &str, ttl: Duration, now: DateTime<Utc>) -> Result<bool> {
        let mut g = self.lock();
        if g.live(name, now).is_some() {
            return Ok(false);
        }
        g.set(name, "1".into(), until(now, ttl));
        Ok(true)
    }

    pub async fn hit(&self, name: &str, window: Duration, now: DateTime<Utc>) -> Result<u64> {
        let mut g = self.lock();
        let (n, end) = match g.live(name, now) {
            Some((v, end)) => (v.parse::<u64>().unwrap_or(0) + 1, *end),
            None => (1, until(now, window)),
        };
        g.set(name, n.to_string(), end);
        Ok(n)
    }

    pub async fn count(&self, name: &str, now: DateTime<Utc>) -> Result<u64> {
        let mut g = self.lock();
        Ok(g.live(name, now)
            .and_then(|(v, _)| v.parse().ok())
            .unwrap_or(0))
    }

    pub async fn put(
        &self,
        name: &str,
        value: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut g = self.lock();
        g.prune(now);
        g.set(name, value.to_owned(), until(now, ttl));
        Ok(())
    }

    pub async fn get(&self, name: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        Ok(self.lock().live(name, now).map(|(v, _)| v.clone()))
    }

    pub async fn remove(&self, name: &str, now: DateTime<Utc>) -> Result<bool> {
        let mut g = self.lock();
        g.prune(now);
        match g.records.remove(name) {
            Some((_, until)) => Ok(g.by_until.remove(&(until, name.to_owned()))),
            None => Ok(false),
        }
    }

    pub async fn table_put(
        &self,
        table: &str,
        e: &Entry,
        cap: usize,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut g = self.lock();
        let t = g.table(table, now);
        if !t.contains_key(&e.id) && t.len() >= cap {
            return Ok(false);
        }
        t.insert(e.id.clone(), (e.value.clone(), e.until));
        t.retain(|_, (_, until)| *until > now);
        Ok(true)
    }

    pub async fn table_get(
        &self,
        table: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Entry>> {
        let mut g = self.lock();
        Ok(g.table(table, now).get(id).map(|(value, until)| Entry {
            id: id.to_owned(),
            value: value.clone(),
            until: *until,
        }))
    }

    pub async fn table_list(&self, table: &str, now: DateTime<Utc>) -> Result<Vec<Entry>> {
        let mut g = self.lock();
        let t = g.table(table, now);
        Ok(t.iter()
            .map(|(id, (value, until))| Entry {
                id: id.clone(),
                value: value.clone(),
                until: *until,
            })
            .collect())
    }

    pub async fn table_remove(&self, table: &str, id: &str, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.lock().table(table, now).remove(id).is_some())
    }
}
