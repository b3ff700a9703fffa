//! The caller's side of [`Store`]: claiming a counsellor, the ring and
//! call outcomes, and the waiting line.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Store;
use crate::call::CallId;
use crate::routing::error::Result;
use crate::routing::types::{CounsellorId, Hold, PoolId, RingOutcome, Strategy};

impl Store {
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
    /// [`RING_GRACE`](super::RING_GRACE), the counsellor is freed then (available on a live
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
}
