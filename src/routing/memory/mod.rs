//! The embedded store for a single lotse instance (no `redis.url`): the same
//! rules as the Redis script, kept in a mutex-guarded [`model::Model`].
//! Presence operations live here, call operations in `calls.rs`, the line
//! in `line.rs`. Like Redis it keeps ordered indexes (`sets.rs`, and
//! `ranked.rs` for places in line) as states change, so no operation scans
//! the team or the line.

mod calls;
mod line;
mod model;
mod ranked;
mod sets;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::error::{Result, StoreError};
use super::store::{CALL_GRACE, LINE_STALE_AFTER, MAX_CALL};
use super::types::{CounsellorId, CounsellorState, PoolId, Presence, Stats, Status, StoreEvent};
use model::{Counsellor, Model};

#[derive(Clone)]
pub struct MemoryStore {
    model: Arc<Mutex<Model>>,
    /// Milliseconds a place in line lasts without a fresh `enqueue`.
    stale_after: i64,
    /// Milliseconds a call may stay `in_call` (max_call + grace).
    max_call: i64,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self {
            model: Arc::default(),
            stale_after: ms(LINE_STALE_AFTER),
            max_call: ms(MAX_CALL.saturating_add(CALL_GRACE)),
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

    /// See [`super::Store::with_max_call`].
    pub fn with_max_call(mut self, max_call: Duration) -> Self {
        self.max_call = ms(max_call.saturating_add(CALL_GRACE));
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
        register(&mut m, id, pools, now);
        Ok(m.team[id].state(id, now))
    }

    pub async fn register_many(
        &self,
        team: &[(CounsellorId, Vec<PoolId>)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (mut m, now) = self.at(now);
        for (id, pools) in team {
            register(&mut m, id, pools, now);
        }
        Ok(())
    }

    pub async fn set_status(
        &self,
        id: &CounsellorId,
        presence: Presence,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<CounsellorState> {
        let (mut m, now) = self.at(now);
        let status = Status::from(presence);
        let state = m.update(id, |c| {
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
            } else {
                c.fresh = false;
            }
            c.state(id, now)
        });
        state.ok_or_else(|| StoreError::UnknownCounsellor(id.to_string()))
    }

    pub async fn heartbeat(
        &self,
        id: &CounsellorId,
        now: DateTime<Utc>,
        ttl: Duration,
        restore: bool,
    ) -> Result<CounsellorState> {
        let (mut m, now) = self.at(now);
        let state = m.update(id, |c| {
            if c.engaged() {
                c.lease = now + ms(ttl);
            } else if c.status == Status::Offline && c.fresh && restore {
                c.lease = now + ms(ttl);
                c.idle = now;
                c.misses = 0;
                c.move_to(Status::Available, now);
            }
            c.state(id, now)
        });
        state.ok_or_else(|| StoreError::UnknownCounsellor(id.to_string()))
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
        Ok(Stats {
            waiting: m.line_of.len() as u64,
            by_status: m.sets.by_status,
            leases_expired: m.leases_expired,
            auto_away: m.auto_away,
            abandoned: m.abandoned,
            calls_force_ended: m.calls_force_ended,
            roster_repaired: 0,
        })
    }

    pub async fn take_events(&self, now: DateTime<Utc>) -> Result<Vec<StoreEvent>> {
        let (mut m, _) = self.at(now);
        Ok(m.events.drain(..).collect())
    }
}

/// New: offline and `fresh`. Known: only the pools change.
fn register(m: &mut Model, id: &CounsellorId, pools: &[PoolId], now: i64) {
    if m.team.contains_key(id) {
        m.update(id, |c| {
            if c.pools != pools {
                c.pools = pools.to_vec();
            }
        });
    } else {
        m.insert(id, Counsellor::new(now, pools.to_vec()));
    }
}
