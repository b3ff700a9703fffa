//! The embedded store for a single lotse instance (no `redis.url`): the same
//! rules as the Redis script, kept in a mutex-guarded [`model::Model`].
//! Presence operations live here, call operations in `calls.rs`, the line
//! in `line.rs`. Unlike Redis it scans the team on every operation (about
//! 1 ms at 10,000 counsellors): fine for the small teams one instance serves.

mod calls;
mod line;
mod model;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::error::{Result, StoreError};
use super::store::LINE_STALE_AFTER;
use super::types::{CounsellorId, CounsellorState, PoolId, Presence, Stats, Status};
use model::{Counsellor, Model};

#[derive(Clone)]
pub struct MemoryStore {
    model: Arc<Mutex<Model>>,
    /// Milliseconds a place in line lasts without a fresh `enqueue`.
    stale_after: i64,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self {
            model: Arc::default(),
            stale_after: ms(LINE_STALE_AFTER),
        }
    }
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// See [`super::Store::with_line_stale_after`].
    pub fn with_line_stale_after(mut self, stale_after: Duration) -> Self {
        self.stale_after = ms(stale_after);
        self
    }

    /// Locks and applies every transition due by `now`, as each Redis
    /// script call does first. A poisoned lock only means another task
    /// panicked mid-update; the maps are still consistent enough to serve.
    fn at(&self, now: DateTime<Utc>) -> (MutexGuard<'_, Model>, i64) {
        let mut m = self.model.lock().unwrap_or_else(|e| e.into_inner());
        let now = now.timestamp_millis();
        m.tick(now);
        m.prune_line(now, self.stale_after);
        (m, now)
    }

    pub async fn ping(&self) -> Result<()> {
        Ok(())
    }

    pub async fn register(
        &self,
        id: &CounsellorId,
        pools: &[PoolId],
        now: DateTime<Utc>,
    ) -> Result<CounsellorState> {
        let (mut m, now) = self.at(now);
        let c = m
            .team
            .entry(id.clone())
            .or_insert_with(|| Counsellor::new(now, Vec::new()));
        c.pools = pools.to_vec();
        Ok(c.state(id, now))
    }

    pub async fn set_status(
        &self,
        id: &CounsellorId,
        presence: Presence,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<CounsellorState> {
        let (mut m, now) = self.at(now);
        let c = m
            .team
            .get_mut(id)
            .ok_or_else(|| StoreError::UnknownCounsellor(id.to_string()))?;
        let status = Status::from(presence);
        if presence == Presence::Available {
            c.lease = now + ms(ttl);
            if !c.engaged() {
                c.idle = now;
                c.misses = 0;
                c.move_to(Status::Available, now);
            }
        } else if c.status != status {
            c.lease = 0;
            c.move_to(status, now);
        }
        Ok(c.state(id, now))
    }

    pub async fn heartbeat(
        &self,
        id: &CounsellorId,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<CounsellorState> {
        let (mut m, now) = self.at(now);
        let c = m
            .team
            .get_mut(id)
            .ok_or_else(|| StoreError::UnknownCounsellor(id.to_string()))?;
        if c.engaged() {
            c.lease = now + ms(ttl);
        }
        Ok(c.state(id, now))
    }

    pub async fn states(
        &self,
        ids: &[CounsellorId],
        now: DateTime<Utc>,
    ) -> Result<Vec<CounsellorState>> {
        let (m, now) = self.at(now);
        Ok(ids
            .iter()
            .filter_map(|id| m.team.get(id).map(|c| c.state(id, now)))
            .collect())
    }

    pub async fn stats(&self, now: DateTime<Utc>) -> Result<Stats> {
        let (m, _) = self.at(now);
        let mut by_status = [0u64; 6];
        for c in m.team.values() {
            let i = Status::ALL.iter().position(|s| *s == c.status).unwrap_or(0);
            by_status[i] += 1;
        }
        Ok(Stats {
            waiting: m.line_of.len() as u64,
            by_status,
            leases_expired: m.leases_expired,
            auto_away: m.auto_away,
            abandoned: m.abandoned,
        })
    }
}
