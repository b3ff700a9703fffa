//! The counsellor's side of [`Store`]: the roster, presence switches and
//! leases, and reading states.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Store;
use crate::routing::error::Result;
use crate::routing::types::{CounsellorId, CounsellorState, PoolId, Presence};

impl Store {
    /// Puts a configured counsellor on the roster (offline if new) and sets
    /// the pools they take calls from, replacing earlier ones. Idempotent;
    /// call it for every configured counsellor at start.
    pub async fn register(
        &self,
        id: &CounsellorId,
        pools: &[PoolId],
        now: DateTime<Utc>,
    ) -> Result<CounsellorState> {
        dispatch!(self.register(id, pools, now))
    }

    /// [`Store::register`] for a whole team, in few round trips.
    pub async fn register_many(
        &self,
        team: &[(CounsellorId, Vec<PoolId>)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.register_many(team, now))
    }

    /// The counsellor's own switch. `Available` starts a lease of `ttl`;
    /// while lotse holds them (ringing, in call, wrap-up) it only renews the
    /// lease, so nobody can be offered a second call. `Away`/`Offline` apply
    /// at once, even mid-call (the operator's "force offline").
    pub async fn set_status(
        &self,
        id: &CounsellorId,
        presence: Presence,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<CounsellorState> {
        dispatch!(self.set_status(id, presence, now, ttl))
    }

    /// Renews the lease of a counsellor who is available or held by a call.
    /// It never brings back someone offline or away: a page left open must
    /// not make a counsellor available after their lease already ran out.
    /// The one exception is an entry the store rebuilt or registered and
    /// nobody set since (its data was lost, e.g. evicted or a Redis restart):
    /// the page only beats while its counsellor is on duty, so the
    /// counsellor is made available on a fresh lease.
    pub async fn heartbeat(
        &self,
        id: &CounsellorId,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<CounsellorState> {
        dispatch!(self.heartbeat(id, now, ttl, true))
    }

    /// [`Store::heartbeat`] from a page that last saw its counsellor held
    /// by a call (ringing, talking, wrapping up): it renews the lease but
    /// never makes a rebuilt entry available. After the store lost its
    /// data, such a counsellor may still be mid-conversation, and making
    /// them available would ring them for a second caller.
    pub async fn heartbeat_held(
        &self,
        id: &CounsellorId,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<CounsellorState> {
        dispatch!(self.heartbeat(id, now, ttl, false))
    }

    pub async fn state(
        &self,
        id: &CounsellorId,
        now: DateTime<Utc>,
    ) -> Result<Option<CounsellorState>> {
        Ok(self.states(std::slice::from_ref(id), now).await?.pop())
    }

    /// States of the given ids in that order; ids not on the roster are left out.
    pub async fn states(
        &self,
        ids: &[CounsellorId],
        now: DateTime<Utc>,
    ) -> Result<Vec<CounsellorState>> {
        dispatch!(self.states(ids, now))
    }
}
