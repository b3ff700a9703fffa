//! [`Store`]: the one handle the flow engine and the HTTP layer hold. It
//! dispatches to Redis (shared by many instances) or memory (one instance);
//! both follow the same rules, proven by `tests/store_contract`.
//!
//! Every operation takes the instant it happens at; neither store reads the
//! clock. Time-driven changes (a lease running out, a wrap-up ending, a
//! ring past its deadline, a place in line not refreshed) are applied lazily
//! at the start of whichever operation comes next, so results depend only
//! on the sequence of calls and their `now`s.
//!
//! Cost: no operation reads the whole team or the whole line. Who is on
//! duty per pool is kept as states change; claims read the head of a
//! sorted set; every time-driven change is found once by its deadline.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::error::Result;
use super::memory::MemoryStore;
use super::redis_store::RedisStore;
use super::types::{
    CounsellorId, CounsellorState, Hold, PoolId, Presence, RingOutcome, Stats, StoreEvent, Strategy,
};
use crate::call::CallId;

/// How long a place in line lasts without a fresh [`Store::enqueue`]
/// unless the store is built with [`Store::with_line_stale_after`]. Callers
/// on hold re-enqueue about every 15 s, so this misses three refreshes.
pub const LINE_STALE_AFTER: Duration = Duration::from_secs(60);

/// Added to the ring timeout given to [`Store::claim`]: a ring still
/// pending this long after the dial gave up lost both its result and its
/// status callback, and the counsellor is freed.
pub const RING_GRACE: Duration = Duration::from_secs(30);

/// How long a call may stay `in_call` unless the store is built with
/// [`Store::with_max_call`]: Twilio's own `<Dial timeLimit>` default.
pub const MAX_CALL: Duration = Duration::from_secs(14_400);

/// Added to `max_call`: the provider ends the call at its time limit, and
/// its callbacks get this long to arrive before the store ends the call
/// itself.
pub const CALL_GRACE: Duration = Duration::from_secs(120);

#[derive(Clone)]
pub enum Store {
    Redis(RedisStore),
    Memory(MemoryStore),
}

macro_rules! dispatch {
    ($self:ident . $op:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Redis(s) => s.$op($($arg),*).await,
            Store::Memory(s) => s.$op($($arg),*).await,
        }
    };
}

impl Store {
    /// The same store, but a place in line not refreshed by `enqueue` for
    /// longer than `stale_after` counts as a caller who hung up unheard
    /// (default [`LINE_STALE_AFTER`]). Every instance sharing one Redis
    /// should use the same value.
    pub fn with_line_stale_after(self, stale_after: Duration) -> Self {
        match self {
            Store::Redis(s) => Store::Redis(s.with_line_stale_after(stale_after)),
            Store::Memory(s) => Store::Memory(s.with_line_stale_after(stale_after)),
        }
    }

    /// The small shared records (`crate::kv`) that belong with this store:
    /// in the same Redis under the same prefix, or a fresh memory twin.
    pub fn kv(&self) -> crate::kv::Kv {
        match self {
            Store::Redis(s) => crate::kv::Kv::Redis(s.kv()),
            Store::Memory(_) => crate::kv::Kv::Memory(crate::kv::MemoryKv::new()),
        }
    }

    /// The same store, but a call `in_call` longer than `max_call` plus
    /// [`CALL_GRACE`] lost its end (the instance that would have recorded
    /// it died, or the write failed): the store ends it as the status
    /// callback would have, frees the counsellor, counts it
    /// ([`Stats::calls_force_ended`]) and reports it ([`Store::take_events`]).
    /// Default [`MAX_CALL`]; every instance sharing one Redis should use the
    /// same value.
    pub fn with_max_call(self, max_call: Duration) -> Self {
        match self {
            Store::Redis(s) => Store::Redis(s.with_max_call(max_call)),
            Store::Memory(s) => Store::Memory(s.with_max_call(max_call)),
        }
    }

    /// For `/readyz`: can the store answer right now?
    pub async fn ping(&self) -> Result<()> {
        dispatch!(self.ping())
    }

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

    /// Picks a free counsellor of `pool` for `call` by `strategy` and marks
    /// them ringing, atomically. `None` when nobody is free for this call,
    /// or when the call was answered or ended. The line is fair without
    /// blocking: a free counsellor goes to the longest-waiting caller who has
    /// not tried them, so a call may take a counsellor only if every caller
    /// ahead of it in the pool's line (all of them, for a call not in line)
    /// has tried that counsellor already. Repeating a claim whose ring is
    /// still pending returns the same counsellor; a counsellor once claimed
    /// for a call is never claimed for it again.
    ///
    /// `ring_timeout` is the dial's own timeout. If neither `answered`,
    /// `ring_failed` nor `call_ended` arrives by `now + ring_timeout +`
    /// [`RING_GRACE`], the counsellor is freed then (available on a live
    /// lease, else offline) with no miss counted and their idle time kept;
    /// the caller is not put back in line (a live one re-enqueues and gets
    /// their old place). Later callbacks for the call follow the usual rules.
    pub async fn claim(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
    ) -> Result<Option<CounsellorId>> {
        dispatch!(self.claim(call, pool, strategy, now, ring_timeout))
    }

    /// One hold turn of a caller at the counsellor step, in one operation:
    /// [`Store::claim`], else keep the place in line ([`Store::enqueue`]),
    /// unless nobody on duty in the pool is left untried for this call
    /// (then the caller leaves the line, not counted abandoned). A call
    /// answered or ended gets [`Hold::Over`] and changes nothing.
    pub async fn claim_or_wait(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
    ) -> Result<Hold> {
        dispatch!(self.claim_or_wait(call, pool, strategy, now, ring_timeout))
    }

    /// The counsellor took the call: ringing → in_call (until the call ends
    /// or `max_call` runs out), one more call today. `false` when it was
    /// already recorded (a retried callback). Arriving after `call_ended`,
    /// it still counts the call but moves no one. Arriving late while the
    /// call goes on (replayed after an outage, after the ring deadline freed
    /// the counsellor), it holds them `in_call` if they are available, so a
    /// talking counsellor is not offered a second call.
    pub async fn answered(
        &self,
        call: &CallId,
        id: &CounsellorId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        dispatch!(self.answered(call, id, now))
    }

    /// No answer, busy or failed: the counsellor is free again (on a live
    /// lease) or, at `max_no_answer` misses in a row, `away` (0 disables
    /// that). A caller claimed from the line goes back to their old place.
    pub async fn ring_failed(
        &self,
        call: &CallId,
        id: &CounsellorId,
        now: DateTime<Utc>,
        max_no_answer: u32,
    ) -> Result<RingOutcome> {
        dispatch!(self.ring_failed(call, id, now, max_no_answer))
    }

    /// Ends everything the call holds: its counsellor goes to wrap-up until
    /// `now + wrap_up` if talking, is freed if still ringing; its place in
    /// line is removed (counted abandoned). `false` if already ended.
    pub async fn call_ended(
        &self,
        call: &CallId,
        now: DateTime<Utc>,
        wrap_up: Duration,
    ) -> Result<bool> {
        dispatch!(self.call_ended(call, now, wrap_up))
    }

    /// Joins the line of `pool` (FIFO by arrival) and returns the 1-based
    /// position; repeating it keeps the place and marks the caller as still
    /// there. Callers must repeat it while they wait: a place not refreshed
    /// for longer than the store's stale-after (see
    /// [`Store::with_line_stale_after`]) is dropped, counted abandoned, and
    /// the caller, should they come back, joins at the end. `None` if the
    /// call ended.
    pub async fn enqueue(
        &self,
        call: &CallId,
        pool: &PoolId,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>> {
        dispatch!(self.enqueue(call, pool, now))
    }

    /// The 1-based place in line, counting only callers seen recently enough.
    pub async fn position(&self, call: &CallId, now: DateTime<Utc>) -> Result<Option<u32>> {
        dispatch!(self.position(call, now))
    }

    /// Leaves the line for good (no return after a failed ring).
    /// `abandoned` = the caller gave up; counted. `false` if not in line.
    pub async fn leave(&self, call: &CallId, abandoned: bool, now: DateTime<Utc>) -> Result<bool> {
        dispatch!(self.leave(call, abandoned, now))
    }

    pub async fn waiting_count(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(self.stats(now).await?.waiting)
    }

    /// Gauges and counters for `/metrics`; a handful of reads, not a scan.
    pub async fn stats(&self, now: DateTime<Utc>) -> Result<Stats> {
        dispatch!(self.stats(now))
    }

    /// What the store did on its own since the last call, oldest first (at
    /// most the last 64), each handed to exactly one caller: with several
    /// instances, whichever asks logs it.
    pub async fn take_events(&self, now: DateTime<Utc>) -> Result<Vec<StoreEvent>> {
        dispatch!(self.take_events(now))
    }
}
